// baraza-commander: a peacekeeper commander's command line — log an emergency
// action, explain it, answer appeals, give notice of contemplated action.
// Thin: parse, call barazad, print.
#include <google/protobuf/util/time_util.h>

#include <chrono>
#include <iostream>

#include "client/common/commands.h"
#include "client/common/outreach_commands.h"
#include "client/common/print.h"

using namespace baraza;
using namespace baraza::cli;

namespace {

// --when: "now", "90m" (that long ago) or an RFC 3339 time such as 2026-11-25T06:40:00Z.
bool SetWhen(const Common& c, const std::string& text, google::protobuf::Timestamp* out) {
  using google::protobuf::util::TimeUtil;
  auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  if (text == "now") {
    *out = TimeUtil::MillisecondsToTimestamp(now_ms);
    return true;
  }
  if (auto ago = ParseDuration(text)) {
    *out = TimeUtil::MillisecondsToTimestamp(now_ms - *ago);
    return true;
  }
  if (TimeUtil::FromString(text, out)) return true;
  std::cerr << c.program << ": --when '" << text
            << "' is not a time; write now, how long ago (e.g. 90m, 2h) or a UTC time like "
               "2026-11-25T06:40:00Z"
            << std::endl;
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"baraza-commander: act first, appeal later — log an emergency action taken "
               "without prior consultation, explain it, answer appeals, and give notice of "
               "contemplated action."};
  Program p(app, "commander", "");
  Common& c = p.c;
  auto& run = p.run;
#define CONNECT_OR_FAIL() BARAZA_CONNECT_OR_FAIL(p)

  AddWhoAmI(p, "show who your token belongs to");
  auto* notice = app.add_subcommand("notice", "your notices: appeals against your actions")
                     ->require_subcommand(1);
  AddNoticeList(p, notice);
  AddNoticeWatch(p, notice);
  AddContactCommands(p, &app, ContactsOf::kOwn);
  AddLanguageCommand(p, &app, ContactsOf::kOwn);

  // ------------------------------------------------------------------ action
  auto* action = app.add_subcommand("action", "emergency actions")->require_subcommand(1);
  v1::LogEmergencyActionRequest log;
  int64_t group = 0;
  std::string when, dimension = "use-of-force";
  std::vector<int64_t> affected;
  {
    auto* cmd = action->add_subcommand(
        "log", "log an emergency action; the affected parties may appeal within the group's window");
    cmd->add_option("--group", group, "contact group id")
        ->required()
        ->check(CLI::PositiveNumber);
    cmd->add_option("--title", *log.mutable_title(), "short title")->required();
    cmd->add_option("--what", *log.mutable_description(), "what was done (or @FILE)")->required();
    cmd->add_option("--when", when, "when: now, how long ago (90m, 2h) or a UTC time")
        ->required();
    cmd->add_option("--where", *log.mutable_action()->mutable_location(), "where")->required();
    cmd->add_option("--affected", affected, "affected party id; repeat for several")->required();
    cmd->add_option("--threat", *log.mutable_action()->mutable_threat(),
                    "the clear and immediate threat to civilians (or @FILE)")
        ->required();
    cmd->add_option("--narrowness", *log.mutable_action()->mutable_narrowness(),
                    "how the action was kept to stopping the harm — not capturing, pursuing or "
                    "punishing (or @FILE)")
        ->required();
    cmd->add_option("--dimension", dimension, "operational dimension")
        ->check(EnumValidator(v1::OperationalDimension_descriptor()))
        ->capture_default_str();
    cmd->callback([&] {
      run = [&] {
        auto* a = log.mutable_action();
        if (!ResolveText(c, {log.mutable_description(), a->mutable_threat(),
                             a->mutable_narrowness()}))
          return int(kExitUsage);
        if (!SetWhen(c, when, a->mutable_occurred_at())) return int(kExitUsage);
        log.set_dimension(static_cast<v1::OperationalDimension>(
            *ParseEnum(v1::OperationalDimension_descriptor(), dimension)));
        for (auto id : affected) log.add_affected_party_ids(id);
        log.set_group_id(group);
        CONNECT_OR_FAIL();
        return CallAndPrint<v1::Case>(c, [&](auto* r) { return cl->LogEmergencyAction(log, r); },
                                      PrintCase);
      };
    });
  }
  int64_t case_id = 0;
  std::string text;
  {
    auto* cmd = action->add_subcommand("explain", "explain an action you logged (part of its history)");
    AddChangedCaseArgs(cmd, c, &case_id);
    cmd->add_option("--text", text, "the explanation (or @FILE)")->required();
    cmd->callback([&] {
      run = [&] {
        if (!ResolveText(c, {&text})) return int(kExitUsage);
        CONNECT_OR_FAIL();
        v1::ExplainActionRequest req;
        TargetCase(req, c, case_id);
        req.set_text(text);
        return CallAndPrint<v1::Case>(c, [&](auto* r) { return cl->ExplainAction(req, r); },
                                      PrintCase);
      };
    });
  }

  // ------------------------------------------------------------------ appeal
  auto* appeal = app.add_subcommand("appeal", "appeals against your actions")->require_subcommand(1);
  int64_t appeal_id = 0;
  {
    auto* cmd = appeal->add_subcommand("answer", "answer an appeal, once");
    AddChangedCaseArgs(cmd, c, &case_id);
    cmd->add_option("--appeal", appeal_id, "appeal number within the case (1, 2, ...)")
        ->required()
        ->check(CLI::PositiveNumber);
    cmd->add_option("--text", text, "your answer (or @FILE)")->required();
    cmd->callback([&] {
      run = [&] {
        if (!ResolveText(c, {&text})) return int(kExitUsage);
        CONNECT_OR_FAIL();
        v1::AnswerAppealRequest req;
        TargetCase(req, c, case_id);
        req.set_appeal_id(appeal_id);
        req.set_text(text);
        return CallAndPrint<v1::Case>(c, [&](auto* r) { return cl->AnswerAppeal(req, r); },
                                      PrintCase);
      };
    });
  }

  AddContemplate(p, app, "contemplate");

  // -------------------------------------------------------------------- case
  auto* kase = app.add_subcommand("case", "the cases you filed")->require_subcommand(1);
  AddCaseList(p, kase, "list the cases you filed, newest first");
  AddCaseShow(p, kase, "show a case you filed");
  AddCaseHistory(p, kase);
#undef CONNECT_OR_FAIL

  return p.Main(argc, argv);
}

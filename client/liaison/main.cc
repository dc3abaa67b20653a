// baraza-liaison: a faction liaison's command line — read the notices
// addressed to your party, watch for new ones, answer them, ask for time.
// Thin: parse, call barazad, print.
#include <csignal>
#include <iostream>

#include "client/common/commands.h"
#include "client/common/outreach_commands.h"
#include "client/common/print.h"

using namespace baraza;
using namespace baraza::cli;

int main(int argc, char** argv) {
  CLI::App app{"baraza-liaison: speak for your party in its cases — read and watch notices, "
               "state positions, ask for more time."};
  Program p(app, "liaison", "");
  Common& c = p.c;
  auto& run = p.run;
#define CONNECT_OR_FAIL() BARAZA_CONNECT_OR_FAIL(p)

  AddWhoAmI(p, "show which party your token speaks for");

  app.add_subcommand("group", "show your party's contact group")->callback([&] {
    run = [&] {
      CONNECT_OR_FAIL();
      v1::WhoAmIResponse who;
      auto status = cl->WhoAmI({}, &who);
      if (!status.ok()) return ReportError(c, status);
      v1::GetContactGroupRequest req;
      req.set_group_id(who.group_id());
      return CallAndPrint<v1::ContactGroup>(c, [&](auto* r) { return cl->GetContactGroup(req, r); },
                                            PrintGroup);
    };
  });

  // ------------------------------------------------------------------ notice
  auto* notice = app.add_subcommand("notice", "notices addressed to your party")->require_subcommand(1);
  AddNoticeAck(p, notice);
  AddContactCommands(p, &app, ContactsOf::kOwn);
  AddLanguageCommand(p, &app, ContactsOf::kOwn);
  AddNoticeList(p, notice);
  AddNoticeWatch(p, notice);

  // -------------------------------------------------------------------- case
  auto* kase = app.add_subcommand("case", "your party's cases")->require_subcommand(1);
  int64_t case_id = 0;
  AddCaseList(p, kase, "list your party's cases, newest first");
  AddCaseShow(p, kase, "show a case your party is in");
  AddCaseHistory(p, kase);
  std::string position, visibility = "group";
  {
    auto* cmd = kase->add_subcommand("respond", "state your party's position on a case");
    AddChangedCaseArgs(cmd, c, &case_id);
    cmd->add_option("--position", position, "the position (or @FILE)")->required();
    cmd->add_option("--visibility", visibility,
                    "group: the case's parties may read it; mediator-only: only the mediators")
        ->check(EnumValidator(v1::Visibility_descriptor()))
        ->capture_default_str();
    cmd->callback([&] {
      run = [&] {
        if (!ResolveText(c, {&position})) return int(kExitUsage);
        CONNECT_OR_FAIL();
        v1::RespondToNoticeRequest req;
        TargetCase(req, c, case_id);
        req.set_position(position);
        req.set_visibility(static_cast<v1::Visibility>(*ParseEnum(v1::Visibility_descriptor(), visibility)));
        return CallAndPrint<v1::Case>(c, [&](auto* r) { return cl->RespondToNotice(req, r); }, PrintCase);
      };
    });
  }
  std::string by, reason;
  {
    auto* cmd = kase->add_subcommand("request-extension", "ask the mediator for more time");
    AddChangedCaseArgs(cmd, c, &case_id);
    cmd->add_option("--by", by, "how much more time, e.g. 3d")->required();
    cmd->add_option("--reason", reason, "why you need it (only the mediators see it)")->required();
    cmd->callback([&] {
      run = [&] {
        v1::RequestExtensionRequest req;
        if (!SetDuration(c, by, "--by", req.mutable_extension())) return int(kExitUsage);
        CONNECT_OR_FAIL();
        TargetCase(req, c, case_id);
        req.set_reason(reason);
        return CallAndPrint<v1::Case>(c, [&](auto* r) { return cl->RequestExtension(req, r); }, PrintCase);
      };
    });
  }
  std::string grounds, requested_remedy;
  {
    auto* cmd = kase->add_subcommand(
        "appeal", "appeal an emergency action that affected your party, inside its appeal window");
    AddChangedCaseArgs(cmd, c, &case_id);
    cmd->add_option("--grounds", grounds, "why the action was wrong (or @FILE)")->required();
    cmd->add_option("--remedy", requested_remedy, "what your party asks for (or @FILE)");
    cmd->callback([&] {
      run = [&] {
        if (!ResolveText(c, {&grounds, &requested_remedy})) return int(kExitUsage);
        CONNECT_OR_FAIL();
        v1::AppealActionRequest req;
        TargetCase(req, c, case_id);
        req.set_grounds(grounds);
        req.set_requested_remedy(requested_remedy);
        return CallAndPrint<v1::Case>(c, [&](auto* r) { return cl->AppealAction(req, r); },
                                      PrintCase);
      };
    });
  }
#undef CONNECT_OR_FAIL

  return p.Main(argc, argv);
}

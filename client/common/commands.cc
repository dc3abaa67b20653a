#include "client/common/commands.h"

#include <memory>

#include "client/common/print.h"

namespace baraza::cli {

void AddCaseIdArg(CLI::App* cmd, int64_t* id) {
  cmd->add_option("case_id", *id, "case id")->required()->check(CLI::PositiveNumber);
}

void AddChangedCaseArgs(CLI::App* cmd, Common& c, int64_t* id) {
  AddCaseIdArg(cmd, id);
  cmd->add_option("--if-match", c.if_match,
                  "change the case only if its etag (in `case show`) is still ETAG, so that "
                  "nobody else's change since you read it goes unseen")
      ->type_name("ETAG");
  // Only the command chosen sees its preparse callback: the case ABORTED names.
  cmd->preparse_callback([&c, id](size_t) { c.if_match_case = id; });
}

void AddWhoAmI(Program& p, const std::string& help) {
  p.app.add_subcommand("whoami", help)->callback([&p] {
    p.run = [&p] {
      BARAZA_CONNECT_OR_FAIL(p);
      return CallAndPrint<v1::WhoAmIResponse>(p.c, [&](auto* r) { return cl->WhoAmI({}, r); },
                                              PrintWhoAmI);
    };
  });
}

void AddCaseShow(Program& p, CLI::App* kase, const std::string& help) {
  auto id = std::make_shared<int64_t>(0);
  auto* cmd = kase->add_subcommand("show", help);
  AddCaseIdArg(cmd, id.get());
  cmd->callback([&p, id] {
    p.run = [&p, id] {
      BARAZA_CONNECT_OR_FAIL(p);
      v1::GetCaseRequest req;
      req.set_case_id(*id);
      return CallAndPrint<v1::Case>(p.c, [&](auto* r) { return cl->GetCase(req, r); }, PrintCase);
    };
  });
}

void AddCaseHistory(Program& p, CLI::App* kase) {
  auto id = std::make_shared<int64_t>(0);
  auto* cmd = kase->add_subcommand("history", "list a case's events in order");
  AddCaseIdArg(cmd, id.get());
  cmd->callback([&p, id] {
    p.run = [&p, id] {
      BARAZA_CONNECT_OR_FAIL(p);
      v1::ListCaseEventsRequest req;
      req.set_case_id(*id);
      return CallAndPrint<v1::ListCaseEventsResponse>(
          p.c, [&](auto* r) { return cl->ListCaseEvents(req, r); }, PrintEvents);
    };
  });
}

void AddContemplate(Program& p, CLI::App& parent, const std::string& name) {
  struct Flags {
    v1::FileContemplatedActionRequest req;
    std::vector<std::string> standards;
    std::vector<int64_t> targets;
    std::string window, dimension;
    int64_t group = 0;
  };
  auto f = std::make_shared<Flags>();
  auto* cmd = parent.add_subcommand(
      name,
      "give notice of contemplated coercive or preventive action; the parties concerned may "
      "answer within the window, or face a default judgement");
  cmd->add_option("--group", f->group, "contact group id")
      ->required()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--title", *f->req.mutable_title(), "short title")->required();
  cmd->add_option("--description", *f->req.mutable_description(),
                  "what is contemplated and why (or @FILE)")
      ->required();
  cmd->add_option("--standard", f->standards, "standard(s) invoked; repeat for several")
      ->required()
      ->check(EnumValidator(v1::Standard_descriptor()));
  cmd->add_option("--dimension", f->dimension, "operational dimension")
      ->required()
      ->check(EnumValidator(v1::OperationalDimension_descriptor()));
  cmd->add_option("--target", f->targets, "party id concerned; repeat for several")->required();
  cmd->add_option("--window", f->window, "how long each party has to answer, e.g. 3d")->required();
  cmd->callback([&p, f] {
    p.run = [&p, f] {
      auto& req = f->req;
      req.set_group_id(f->group);
      if (!ResolveText(p.c, {req.mutable_description()})) return int(kExitUsage);
      if (!SetDuration(p.c, f->window, "--window", req.mutable_window())) return int(kExitUsage);
      for (const auto& s : f->standards)
        req.add_standards(static_cast<v1::Standard>(*ParseEnum(v1::Standard_descriptor(), s)));
      req.set_dimension(static_cast<v1::OperationalDimension>(
          *ParseEnum(v1::OperationalDimension_descriptor(), f->dimension)));
      for (auto t : f->targets) req.add_target_party_ids(t);
      BARAZA_CONNECT_OR_FAIL(p);
      return CallAndPrint<v1::Case>(p.c, [&](auto* r) { return cl->FileContemplatedAction(req, r); },
                                    PrintCase);
    };
  });
}

void AddCaseList(Program& p, CLI::App* kase, const std::string& help) {
  struct Flags {
    std::string state, page_token;
    bool full = false;
  };
  auto flags = std::make_shared<Flags>();
  auto* cmd = kase->add_subcommand("list", help);
  cmd->add_option("--state", flags->state, "only cases in this state")
      ->check(EnumValidator(v1::CaseState_descriptor()));
  cmd->add_option("--page-token", flags->page_token, "from the previous page");
  cmd->add_flag("--full", flags->full,
                "whole cases (positions, descriptions, appeals) for --json; "
                "without it each case comes without its texts, as the table shows it");
  cmd->callback([&p, flags] {
    p.run = [&p, flags] {
      BARAZA_CONNECT_OR_FAIL(p);
      v1::ListCasesRequest req;
      if (flags->full) req.set_view(v1::CASE_VIEW_FULL);
      if (!flags->state.empty())
        req.set_state(
            static_cast<v1::CaseState>(*ParseEnum(v1::CaseState_descriptor(), flags->state)));
      req.set_page_token(flags->page_token);
      return CallAndPrint<v1::ListCasesResponse>(
          p.c, [&](auto* r) { return cl->ListCases(req, r); }, PrintCases);
    };
  });
}

void AddReportReading(Program& p, CLI::App* report) {
  struct Flags {
    int64_t group = 0, kase = 0, id = 0;
    std::string page_token, format = "text";
  };
  auto f = std::make_shared<Flags>();
  auto* list = report->add_subcommand("list", "published reports, newest first");
  list->add_option("--group", f->group, "only this contact group's")->check(CLI::PositiveNumber);
  list->add_option("--case", f->kase, "only this case's")->check(CLI::PositiveNumber);
  list->add_option("--page-token", f->page_token, "from the previous page");
  list->callback([&p, f] {
    p.run = [&p, f] {
      BARAZA_CONNECT_OR_FAIL(p);
      v1::ListReportsRequest req;
      req.set_group_id(f->group);
      req.set_case_id(f->kase);
      req.set_page_token(f->page_token);
      return CallAndPrint<v1::ListReportsResponse>(
          p.c, [&](auto* r) { return cl->ListReports(req, r); }, PrintReports);
    };
  });
  auto* show = report->add_subcommand("show", "print a published report, as text or Markdown");
  show->add_option("report_id", f->id, "report id")->required()->check(CLI::PositiveNumber);
  AddReportFormat(show, &f->format);
  show->callback([&p, f] {
    p.run = [&p, f] {
      BARAZA_CONNECT_OR_FAIL(p);
      v1::GetReportRequest req;
      req.set_report_id(f->id);
      return CallAndPrint<v1::Report>(p.c, [&](auto* r) { return cl->GetReport(req, r); },
                                      ReportPrinter(f->format));
    };
  });
}

void AddReportFormat(CLI::App* cmd, std::string* format) {
  cmd->add_option("--format", *format,
                  "text (for paper) or markdown (for e-mail); -o json prints the API's JSON")
      ->check(CLI::IsMember({"text", "markdown"}))
      ->capture_default_str();
}

std::function<void(const Common&, const v1::Report&)> ReportPrinter(const std::string& format) {
  ReportFormat f = format == "markdown" ? ReportFormat::kMarkdown : ReportFormat::kText;
  return [f](const Common& c, const v1::Report& r) { PrintReport(c, r, f); };
}

}  // namespace baraza::cli

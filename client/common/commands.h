// Commands that every role CLI has in the same form (whoami, case show, case
// history), defined once so that they behave the same in each. Not thread-safe.
#pragma once

#include <functional>

#include "client/common/cli.h"
#include "client/common/print.h"

namespace baraza::cli {

// Adds a positional case_id to `cmd`, stored in `*id`.
void AddCaseIdArg(CLI::App* cmd, int64_t* id);

// Adds a positional case_id (stored in `*id`) and --if-match ETAG to a command
// that changes that case; TargetCase puts both into its request.
void AddChangedCaseArgs(CLI::App* cmd, Common& c, int64_t* id);
template <typename Request>
void TargetCase(Request& req, const Common& c, int64_t id) {
  req.set_case_id(id);
  req.set_etag(c.if_match);
}

// `whoami`: who the token belongs to.
void AddWhoAmI(Program& p, const std::string& help);
// `case show ID` and `case history ID` under the `case` command.
void AddCaseShow(Program& p, CLI::App* kase, const std::string& help);
void AddCaseHistory(Program& p, CLI::App* kase);
// `<name> --group --title --description --standard --dimension --target --window`:
// a notice of contemplated action (mediators and commanders).
void AddContemplate(Program& p, CLI::App& parent, const std::string& name);
// `case list [--state S] [--page-token T]`: the cases the caller may see.
void AddCaseList(Program& p, CLI::App* kase, const std::string& help);

// `report list` and `report show ID [--format text|markdown]` under `report`:
// published reports, for every role that may read them (observers included).
void AddReportReading(Program& p, CLI::App* report);
// `--format text|markdown` for a command that prints a report, and the printer it chooses.
void AddReportFormat(CLI::App* cmd, std::string* format);
std::function<void(const Common&, const v1::Report&)> ReportPrinter(const std::string& format);

}  // namespace baraza::cli

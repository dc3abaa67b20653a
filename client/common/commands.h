// Commands that every role CLI has in the same form (whoami, case show, case
// history), defined once so that they behave the same in each. Not thread-safe.
#pragma once

#include "client/common/cli.h"

namespace baraza::cli {

// Adds a positional case_id to `cmd`, stored in `*id`.
void AddCaseIdArg(CLI::App* cmd, int64_t* id);

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

}  // namespace baraza::cli

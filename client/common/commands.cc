#include "client/common/commands.h"

#include <memory>

#include "client/common/print.h"

namespace baraza::cli {

void AddCaseIdArg(CLI::App* cmd, int64_t* id) {
  cmd->add_option("case_id", *id, "case id")->required()->check(CLI::PositiveNumber);
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

}  // namespace baraza::cli

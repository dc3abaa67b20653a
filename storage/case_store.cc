#include "storage/case_store.h"

#include <future>

namespace baraza {

Status CaseStore::WriteAndWait(WriteFn fn) {
  std::promise<Status> promise;
  auto future = promise.get_future();
  Write(std::move(fn), [&promise](Status s) { promise.set_value(std::move(s)); });
  return future.get();
}

Result<Case> WriteTx::GetCase(Id case_id) {
  auto c = GetCaseShared(case_id);
  if (!c.ok()) return c.status();
  return **c;
}

Result<CaseRef> CaseStore::GetCaseShared(Id case_id) {
  auto c = GetCase(case_id);
  if (!c.ok()) return c.status();
  return std::make_shared<const Case>(std::move(c).value());
}

Result<Liaison> CaseStore::GetLiaison(Id liaison_id) {
  return Status::NotFound("liaison " + std::to_string(liaison_id) + " is not kept by this store");
}

Result<Commander> CaseStore::GetCommander(Id commander_id) {
  return Status::NotFound("commander " + std::to_string(commander_id) +
                          " is not kept by this store");
}

Result<std::vector<CaseRef>> CaseStore::ListCasesShared(const CaseFilter& filter) {
  auto cases = ListCases(filter);
  if (!cases.ok()) return cases.status();
  std::vector<CaseRef> out;
  out.reserve(cases->size());
  for (auto& c : *cases) out.push_back(std::make_shared<const Case>(std::move(c)));
  return out;
}

Status UnknownToken(const std::string& token_id) {
  return Status::NotFound("no token has the id \"" + token_id.substr(0, 40) +
                          "\"; list them with `token list`");
}

Status RevokedAlready(const TokenRecord& token) {
  return Status::FailedPrecondition("token " + token.PublicId() + " (" + token.label +
                                    ") was revoked already");
}

Status NoSuchReport(Id report_id) {
  return Status::NotFound("report " + std::to_string(report_id) + " does not exist");
}

}  // namespace baraza

namespace baraza {

Status NoSuchCommander(Id id) {
  return Status::NotFound("commander " + std::to_string(id) + " does not exist");
}

Status NoSuchContactPoint(Id id) {
  return Status::NotFound("contact point " + std::to_string(id) +
                          " does not exist; list them with `contact list`");
}

Status NoSuchDelivery(Id id) {
  return Status::NotFound("delivery " + std::to_string(id) + " does not exist");
}

}  // namespace baraza

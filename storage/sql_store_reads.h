// The reads of the SQLite and PostgreSQL stores, one code for both (the same
// tables, columns and statements): a base the store derives from (CRTP), reading
// on a connection the store lends (`Store::Reader()`, its cache_ and cipher_).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storage/case_store.h"

namespace baraza::sql {

template <class Store, class C>
class SqlStoreReads : public CaseStore {
 public:
  Result<ContactGroup> GetGroup(Id group_id) override;
  Result<std::vector<ContactGroup>> ListGroups(Id after_id, int limit) override;
  Result<Party> GetParty(Id party_id) override;
  Result<Liaison> GetLiaison(Id liaison_id) override;
  Result<Commander> GetCommander(Id commander_id) override;
  Result<Case> GetCase(Id case_id) override;
  Result<std::vector<Case>> ListCases(const CaseFilter& filter) override;
  Result<CaseRef> GetCaseShared(Id case_id) override;
  Result<std::vector<CaseRef>> ListCasesShared(const CaseFilter& filter) override;
  Result<std::vector<Event>> ListEvents(Id case_id) override;
  Result<std::vector<Notice>> ListNotices(const Recipient& to, Id after_id, int limit) override;
  Result<std::optional<TokenRecord>> FindToken(const std::string& hash) override;
  Result<int64_t> CountTokens(Role role) override;
  Result<std::vector<TokenRecord>> ListTokens() override;
  Result<Report> GetReport(Id report_id) override;
  Result<std::vector<Report>> ListReports(const ReportFilter& filter) override;
  Result<std::vector<Id>> ReportingGroups(Id after_id, int limit) override;
  Result<std::vector<ContactPoint>> ListContactPoints(Role role, Id id) override;
  Result<ContactPoint> GetContactPoint(Id id) override;
  Result<Notice> GetNotice(Id notice_id) override;
  Result<std::vector<Delivery>> DueDeliveries(UnixMillis now, int limit) override;
  Result<std::optional<UnixMillis>> NextDeliveryAt() override;
  Result<std::vector<Delivery>> ListDeliveries(Id case_id) override;
  Result<std::optional<UnixMillis>> NextDeadline() override;
  Result<std::vector<Id>> CasesDue(UnixMillis now, int limit) override;
  Result<std::vector<Deadline>> DeadlinesOf(Id case_id) override;
  Result<StoreCounts> Counts(UnixMillis now) override;

 private:
  Store& self() { return static_cast<Store&>(*this); }
};

}  // namespace baraza::sql

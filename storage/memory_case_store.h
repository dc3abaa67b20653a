// MemoryCaseStore: a CaseStore held in memory, for unit tests of the
// application and scheduler. Writes run at once on the caller's thread under a
// mutex, on a copy that replaces the state only if the write succeeds. Thread-safe.
#pragma once

#include <map>
#include <mutex>

#include "storage/case_store.h"
#include "storage/projection.h"

namespace baraza {

class MemoryCaseStore : public CaseStore {
 public:
  // Everything the store holds; copied whole for each write transaction.
  struct Data {
    std::map<Id, ContactGroup> groups;  // parties held separately
    std::map<Id, Party> parties;
    std::map<Id, Liaison> liaisons;
    std::map<Id, Commander> commanders;
    std::map<std::string, TokenRecord> tokens;
    std::map<std::pair<std::string, std::string>, StoredRequest> requests;
    std::map<Id, Case> cases;
    std::map<Id, std::vector<Event>> events;
    std::map<Id, Notice> notices;
    std::map<Id, std::vector<Deadline>> deadlines;
    std::map<Id, Report> reports;
    std::map<Id, ContactPoint> contact_points;
    std::map<Id, Delivery> deliveries;
    // The tamper-evident history, chained as the SQLite store chains it.
    int64_t log_events = 0;
    std::string log_hash;
    std::map<Id, std::string> case_hash;
    // The sum of every row the SQLite store would hold (storage/projection.h).
    projection::StateSum state_sum;
  };

  void Write(WriteFn fn, DoneFn done, RequestRef key = {}) override;

  Result<ContactGroup> GetGroup(Id group_id) override;
  Result<std::vector<ContactGroup>> ListGroups(Id after_id, int limit) override;
  Result<Party> GetParty(Id party_id) override;
  Result<Liaison> GetLiaison(Id liaison_id) override;
  Result<Commander> GetCommander(Id commander_id) override;
  Result<Case> GetCase(Id case_id) override;
  Result<std::vector<Case>> ListCases(const CaseFilter& filter) override;
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
  std::mutex mu_;
  Data data_;
};

}  // namespace baraza

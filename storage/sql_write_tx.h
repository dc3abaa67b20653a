// SqlTx: the WriteTx of the SQLite and PostgreSQL stores' writers, one code
// over either connection (explicitly made for both in sql_write_tx.cc). Every
// projection row it writes is recorded (projection::Recorder) and stored with
// the event that explains it, so the history binds the state. Writer thread only.
#pragma once

#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

#include "storage/case_cache.h"
#include "storage/case_store.h"
#include "storage/data_cipher.h"
#include "storage/projection.h"
#include "storage/sql_history.h"

namespace baraza::sql {


template <class C>
class SqlTx : public WriteTx {
 public:
  // `cipher` seals mediator-only text (null: such writes fail); not owned.
  // How many cases the writer keeps what it knows of (as SQLite's read cache),
  // and at most how many bytes of their stored rows (a case's text may be long).
  static constexpr size_t kKnownCases = 16384;
  static constexpr size_t kKnownRowBytes = 32u << 20;
  // `kept_cases`: decoded cases the writer keeps for itself between
  // transactions while no one else writes (PostgreSQL, whose shared `cache`
  // is off); 0 for a store whose `cache` already keeps them.
  SqlTx(C& c, CaseCache& cache, const DataCipher* cipher, size_t kept_cases = 0)
      : c_(c), cache_(cache), kept_cases_(kept_cases), cipher_(cipher), history_(c) {}

  // Starts from the state sum the last committed write recorded (at open; the
  // SQLite store, whose writer is the database's only one).
  void Start(const projection::StateSum& committed) { recorder_.Reset(committed); }
  // Before each transaction, under the history lock (PostgreSQL): if the
  // log's head is where this writer's last commit left it, no one else wrote
  // since and what it keeps holds; else the head, the state sum and the rows
  // kept from earlier transactions are read again (another barazad wrote).
  Status Begin();
  // After a write's function returned OK: rows it changed without an event to
  // carry them (groups, parties, tokens...) go into a registry event.
  Status FinishWrite();
  // The write in progress succeeded or was rolled back (to its savepoint, or
  // the whole transaction when it is run again).
  void WriteDone(bool ok);
  // After COMMIT (or ROLLBACK): the cases the transaction saved.
  std::vector<CaseRef> TakeSaved(bool committed);
  // Looks up the request keys of a batch's writes together (a query for up to
  // 64): FindRequest then answers those without a query of its own.
  Status LookUpRequests(const std::vector<CaseStore::RequestRef>& keys);
  // The ids of the notices this transaction wrote lie in [first, last] (ids
  // are numbered under the history lock, so they are consecutive); {0, 0}: none.
  std::pair<Id, Id> NoticeRange() const { return {first_notice_, last_notice_}; }

  Result<ContactGroup> GetGroup(Id id) override;
  Result<Party> GetParty(Id id) override;
  Result<Liaison> GetLiaison(Id id) override;
  Result<Commander> GetCommander(Id id) override;
  Status SetReaderLanguage(Role role, Id id, const std::string& language, UnixMillis now) override;
  Result<CaseRef> GetCaseShared(Id id) override;
  Result<Id> InsertGroup(const ContactGroup& g) override;
  Result<Id> InsertParty(const Party& p) override;
  Result<Id> InsertLiaison(const Liaison& l) override;
  Result<Id> InsertCommander(const Commander& commander) override;
  Result<std::optional<StoredRequest>> FindRequest(const std::string& actor,
                                                   const std::string& request_id) override;
  Status InsertRequest(const StoredRequest& r) override;
  Status InsertToken(const TokenRecord& t) override;
  Result<TokenRecord> RevokeToken(const std::string& token_id, UnixMillis now) override;
  Result<Id> NextCaseId() override;
  Result<std::vector<Event>> ListEvents(Id case_id) override;
  Result<HistoryHeads> Heads(Id case_id) override;
  Result<Id> NextReportId() override;
  Result<Report> GetReport(Id id) override;
  Status InsertReport(const Report& r) override;
  using WriteTx::SaveCase;
  Status SaveCase(CaseRef c, const std::vector<Event>& events, std::vector<Notice>& notices,
                  const std::vector<Deadline>& deadlines) override;
  Result<Id> InsertContactPoint(const ContactPoint& p) override;
  Result<ContactPoint> RemoveContactPoint(Id id, UnixMillis now) override;
  Result<std::vector<ContactPoint>> ContactPointsFor(const Recipient& to) override;
  Result<Notice> GetNotice(Id notice_id) override;
  Result<Delivery> GetDelivery(Id delivery_id) override;
  Result<std::optional<Delivery>> FindDelivery(Id notice_id, Id contact_point_id) override;
  Status InsertDelivery(Delivery& d) override;
  Status UpdateDelivery(const Delivery& d) override;

 private:
  // The committed state at the time of the change (the registry event's time).
  void Touch(UnixMillis at) { registry_at_ = std::max(registry_at_, at); }
  Result<Id> InsertNew(projection::Table table, projection::Row row);
  Status AppendPositions(const Case& c, bool is_new);
  Status ReplaceDeadlines(Id case_id, bool is_new, const std::vector<Deadline>& deadlines);
  Status AppendEvents(const std::vector<Event>& events, bool is_new);
  void ForgetReads();
  // Makes room in the maps of known cases below (cleared when full: what is
  // not known is read again).
  void KeepBounded();
  void KeepRow(Id id, projection::Row row);  // into case_rows_, bounded

  using Query = typename C::Query;
  C& c_;
  CaseCache& cache_;
  CaseCache kept_cases_;  // committed versions, this writer's own
  const DataCipher* cipher_;
  HistoryWriter<C> history_;
  projection::Recorder recorder_;
  UnixMillis registry_at_ = 0;
  // Cases saved by the write in progress (`staged_`) and by the writes of this
  // transaction that succeeded (`pending_`): what the cache gets after COMMIT.
  std::unordered_map<Id, CaseRef> staged_, pending_;
  std::unordered_map<Id, ContactGroup> groups_;
  // Contact points by party: they change only through this writer (Insert and
  // Remove forget them all), and every notice of every write looks them up.
  std::map<Recipient, std::vector<ContactPoint>> contact_points_;
  std::optional<Id> next_case_;
  // The log's head as this writer's last commit left it (Begin compares).
  std::optional<chain::Head> committed_head_;
  // The next id of each table numbered by its first column (read once, then
  // counted: only this writer inserts, under the history lock on PostgreSQL).
  std::map<projection::Table, Id> next_ids_;
  // Cases read or saved (kept between transactions as the rest, at most
  // kKnownCases of each): their stored row (the old row of the next save, for
  // the state sum), their last stored position's id and their pending deadlines.
  std::unordered_map<Id, projection::Row> case_rows_;
  size_t case_rows_bytes_ = 0;
  std::unordered_map<Id, Id> stored_positions_;
  std::unordered_map<Id, std::vector<Deadline>> deadlines_;
  // Request keys looked up or written by this transaction (nullopt: none stored).
  std::map<std::pair<std::string, std::string>, std::optional<StoredRequest>> requests_;
  Id first_notice_ = 0, last_notice_ = 0;
  std::pair<Id, Id> good_notices_{0, 0};  // as the last write that succeeded left them
};

}  // namespace baraza::sql

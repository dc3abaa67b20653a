// CaseStore: what the workflow needs from durable storage, and nothing of SQL.
// Implemented by SqliteCaseStore (the server) and MemoryCaseStore (unit tests);
// tests/storage runs one contract suite on both. All methods are thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "services/workflow/model.h"
#include "services/workflow/status.h"

namespace baraza {

// A case as the store holds it: immutable, shared by whoever reads it.
using CaseRef = std::shared_ptr<const Case>;

// A bearer token as stored: only the SHA-256 of the secret is kept.
struct TokenRecord {
  std::string hash;  // hex SHA-256 of the token
  Role role = Role::kMediator;
  Id subject_id = 0;
  Id party_id = 0;   // liaisons only
  Id group_id = 0;   // liaisons only
  std::string label;
  UnixMillis created_at = 0;
  UnixMillis expires_at = 0;  // 0: never
  UnixMillis revoked_at = 0;  // 0: not revoked

  // The id a token is listed and revoked by: the first 12 hex digits of its
  // hash. Safe to show; it does not help to guess the token.
  std::string PublicId() const { return hash.substr(0, 12); }
};

// A change request already applied, kept so that a retry of it gets the first
// answer and writes nothing again.
struct StoredRequest {
  std::string actor;        // who sent it (Actor::Label)
  std::string request_id;   // chosen by the client
  std::string fingerprint;  // what was asked: the method and a hash of its content
  Id object_id = 0;         // the case, group or party it created or changed
  std::string response;     // for cases: "v<version>" the first answer left the case at
  UnixMillis created_at = 0;
};

struct CaseFilter {
  Id group_id = 0;                  // 0: any
  Id party_id = 0;                  // 0: any; else cases the party is in
  Id commander_id = 0;              // 0: any; else cases the commander filed (ignored with party_id)
  std::optional<CaseState> state;   // any when empty
  Id before_id = 0;                 // paging: only ids below this; 0: from the newest
  int limit = 50;
};

// Which published reports to list: newest first.
struct ReportFilter {
  Id group_id = 0;   // 0: any
  Id case_id = 0;    // 0: any
  Id before_id = 0;  // paging: only ids below this; 0: from the newest
  int limit = 50;
};

// Where the tamper-evident history stands: the whole log's head as `barazad
// audit head` prints it ("<events>:<hex>"), and the hash of one case's last event.
struct HistoryHeads {
  std::string log;
  std::string case_last;  // empty when the case has no event yet
};

// The operations available inside one write transaction. Reads here see the
// transaction's own earlier writes. Used only on the store's writer.
class WriteTx {
 public:
  virtual ~WriteTx() = default;
  virtual Result<ContactGroup> GetGroup(Id group_id) = 0;
  virtual Result<Party> GetParty(Id party_id) = 0;
  virtual Result<Liaison> GetLiaison(Id liaison_id) = 0;
  virtual Result<Commander> GetCommander(Id commander_id) = 0;
  // The case as this transaction sees it, shared rather than copied (a
  // committed case may be the one the store caches; a case with many positions
  // is costly to copy, and a change copies it once anyway to make its next version).
  virtual Result<CaseRef> GetCaseShared(Id case_id) = 0;
  // GetCaseShared, copied.
  Result<Case> GetCase(Id case_id);
  virtual Result<Id> InsertGroup(const ContactGroup& group) = 0;
  virtual Result<Id> InsertParty(const Party& party) = 0;
  virtual Result<Id> InsertLiaison(const Liaison& liaison) = 0;
  virtual Result<Id> InsertCommander(const Commander& commander) = 0;
  // Sets the language a liaison (role kLiaison) or a commander (kCommander)
  // reads notices in; NOT_FOUND for an unknown one.
  virtual Status SetReaderLanguage(Role role, Id id, const std::string& language,
                                   UnixMillis now) = 0;
  virtual Status InsertToken(const TokenRecord& token) = 0;
  // Marks the token with this PublicId() revoked at `now` and returns it; NOT_FOUND
  // if no token has that id, FAILED_PRECONDITION if it was revoked already.
  virtual Result<TokenRecord> RevokeToken(const std::string& token_id, UnixMillis now) = 0;
  virtual Result<std::optional<StoredRequest>> FindRequest(const std::string& actor,
                                                           const std::string& request_id) = 0;
  virtual Status InsertRequest(const StoredRequest& request) = 0;
  // The id the next inserted case will have.
  virtual Result<Id> NextCaseId() = 0;
  // The case's events in order, this transaction's own included.
  virtual Result<std::vector<Event>> ListEvents(Id case_id) = 0;
  // The history's heads as they stand in this transaction.
  virtual Result<HistoryHeads> Heads(Id case_id) = 0;
  // The id the next inserted report will have.
  virtual Result<Id> NextReportId() = 0;
  virtual Result<Report> GetReport(Id report_id) = 0;
  // Stores a published report under its id (from NextReportId). Reports are
  // never changed or deleted afterwards.
  virtual Status InsertReport(const Report& report) = 0;
  // Writes the case (inserting or replacing it), appends its events, records its
  // notices and their planned deliveries (assigning ids in place) and replaces
  // its pending deadlines.
  // A case saved with a version other than the stored one + 1 is ABORTED.
  // The store keeps `c` as it is (shared with the caller, never copied: a case
  // with many positions is costly to copy, and the reply holds the same one).
  virtual Status SaveCase(CaseRef c, const std::vector<Event>& events,
                          std::vector<Notice>& notices,
                          const std::vector<Deadline>& deadlines) = 0;
  // SaveCase of a copy of `c`.
  Status SaveCase(const Case& c, const std::vector<Event>& events, std::vector<Notice>& notices,
                  const std::vector<Deadline>& deadlines) {
    return SaveCase(std::make_shared<const Case>(c), events, notices, deadlines);
  }

  // Reach (docs/notifications.md). Contact points are never deleted: removing
  // one stamps it removed, so that the record keeps where notices went.
  virtual Result<Id> InsertContactPoint(const ContactPoint& p) = 0;
  // NOT_FOUND for an unknown id; FAILED_PRECONDITION if removed already.
  virtual Result<ContactPoint> RemoveContactPoint(Id id, UnixMillis now) = 0;
  // The contact points in use that receive `to`'s notices (every liaison of a
  // party's, the mediators', a commander's), by id.
  virtual Result<std::vector<ContactPoint>> ContactPointsFor(const Recipient& to) = 0;
  virtual Result<Notice> GetNotice(Id notice_id) = 0;
  virtual Result<Delivery> GetDelivery(Id delivery_id) = 0;
  // The delivery of a notice to one contact point (0: a stream or an acknowledgement).
  virtual Result<std::optional<Delivery>> FindDelivery(Id notice_id, Id contact_point_id) = 0;
  // Inserts a delivery made after its notice (a stream, an acknowledgement); fills its id.
  virtual Status InsertDelivery(Delivery& d) = 0;
  virtual Status UpdateDelivery(const Delivery& d) = 0;
};

// What the store holds now, counted for barazad's metrics: cases by state,
// pending deadlines, those already due at the time asked, and the earliest
// of those.
struct StoreCounts {
  std::vector<std::pair<CaseState, int64_t>> cases_by_state;  // states with a case, in order
  int64_t deadlines_pending = 0;
  int64_t deadlines_overdue = 0;               // due at or before `now`
  std::optional<UnixMillis> oldest_overdue;    // its due time, when one is overdue
};

// The answers both stores give when a token cannot be revoked.
Status UnknownToken(const std::string& token_id);
Status RevokedAlready(const TokenRecord& token);
// The answer both stores give for a report id they do not hold.
Status NoSuchReport(Id report_id);

// The answer both stores give for a commander they do not know.
Status NoSuchCommander(Id id);
// The answer both stores give for a contact point or delivery they do not hold.
Status NoSuchContactPoint(Id id);
Status NoSuchDelivery(Id id);

class CaseStore {
 public:
  using WriteFn = std::function<Status(WriteTx&)>;
  using DoneFn = std::function<void(Status)>;

  virtual ~CaseStore() = default;

  // Runs `fn` in a write transaction and calls `done` once it has committed
  // (Ok) or rolled back (fn's error, or the commit's). The SQLite store runs
  // fn on its writer thread and commits many waiting writes together; a write
  // whose fn fails is rolled back alone. fn must not block. The SQLite store
  // calls `done` on its completion thread, in commit order, so that the writer
  // goes on to the next batch meanwhile; `done` must not wait for another write.
  // fn may run more than once (a batch rolled back and run again, a write at a
  // time): what it leaves for `done` it must set afresh on each run.
  // `key`: the client's request key the write is made under, if any (its
  // retry answers as the first call did): the SQL stores look the keys of a
  // batch up together, in one query, before running its writes.
  struct RequestRef {
    std::string actor, request_id;
  };
  virtual void Write(WriteFn fn, DoneFn done, RequestRef key = {}) = 0;
  // Write, then wait for the outcome. Never call it from the writer itself.
  Status WriteAndWait(WriteFn fn);

  // Reads see committed data and never wait for the writer.
  virtual Result<ContactGroup> GetGroup(Id group_id) = 0;
  virtual Result<std::vector<ContactGroup>> ListGroups(Id after_id, int limit) = 0;
  virtual Result<Party> GetParty(Id party_id) = 0;
  // A liaison or a commander, for the language it reads in. By default NotFound
  // (a store that does not keep them yet: notices are then rendered in English).
  virtual Result<Liaison> GetLiaison(Id liaison_id);
  virtual Result<Commander> GetCommander(Id commander_id);
  virtual Result<Case> GetCase(Id case_id) = 0;
  virtual Result<std::vector<Case>> ListCases(const CaseFilter& filter) = 0;
  // GetCase and ListCases without a copy of what the store holds already (the
  // SQLite store shares its cached cases; a case with many positions is costly
  // to copy). The reads of the API use these. By default, copies.
  virtual Result<CaseRef> GetCaseShared(Id case_id);
  virtual Result<std::vector<CaseRef>> ListCasesShared(const CaseFilter& filter);
  virtual Result<std::vector<Event>> ListEvents(Id case_id) = 0;
  // The notices to `to`, oldest first, with ids above after_id.
  virtual Result<std::vector<Notice>> ListNotices(const Recipient& to, Id after_id, int limit) = 0;
  virtual Result<std::optional<TokenRecord>> FindToken(const std::string& hash) = 0;
  virtual Result<int64_t> CountTokens(Role role) = 0;
  // Every token ever issued (hashes only), oldest first (ties by hash).
  virtual Result<std::vector<TokenRecord>> ListTokens() = 0;
  // Published reports; NOT_FOUND for an unknown id.
  virtual Result<Report> GetReport(Id report_id) = 0;
  virtual Result<std::vector<Report>> ListReports(const ReportFilter& filter) = 0;
  // The groups that have published at least one report, by id, after `after_id`.
  virtual Result<std::vector<Id>> ReportingGroups(Id after_id, int limit) = 0;

  // The contact points, in use and removed, by id, of a liaison (kLiaison and
  // its id), of the mediators (kMediator, 0) or of a commander (kCommander, id).
  virtual Result<std::vector<ContactPoint>> ListContactPoints(Role role, Id id) = 0;
  virtual Result<ContactPoint> GetContactPoint(Id id) = 0;
  virtual Result<Notice> GetNotice(Id notice_id) = 0;
  // Up to `limit` queued deliveries due at `now`, earliest first.
  virtual Result<std::vector<Delivery>> DueDeliveries(UnixMillis now, int limit) = 0;
  // When the earliest queued delivery is due, if any is queued.
  virtual Result<std::optional<UnixMillis>> NextDeliveryAt() = 0;
  // Every delivery of a case's notices, by id.
  virtual Result<std::vector<Delivery>> ListDeliveries(Id case_id) = 0;

  // The earliest pending deadline, if any.
  virtual Result<std::optional<UnixMillis>> NextDeadline() = 0;
  // Up to `limit` cases with a deadline at or before `now`, earliest first.
  virtual Result<std::vector<Id>> CasesDue(UnixMillis now, int limit) = 0;
  // Every pending deadline of one case (for tests and diagnostics).
  virtual Result<std::vector<Deadline>> DeadlinesOf(Id case_id) = 0;
  // Cases by state and the deadlines pending and overdue at `now` (metrics).
  virtual Result<StoreCounts> Counts(UnixMillis now) = 0;
};

}  // namespace baraza

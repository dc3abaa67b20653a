#include "storage/sql_store_reads.h"

#include <limits>
#include <optional>
#include <type_traits>

#include "storage/pg_case_store.h"
#include "storage/pg_connection.h"
#include "storage/sql_record.h"
#include "storage/sql_rows.h"
#include "storage/sqlite_case_store.h"
#include "storage/sqlite_connection.h"

namespace baraza::sql {

#define BARAZA_SQL_READER(name) \
  auto name = self().Reader();  \
  if (!name.ok()) return name.status()

namespace {

// On SQLite, the reads made while it lives see one snapshot (a read
// transaction): a page of cases and their positions, read one after the
// other, agree. PostgreSQL's readers see each statement's committed state.
template <class C>
class ReadSnapshot {
 public:
  explicit ReadSnapshot(C& c) : c_(c) {
    if constexpr (std::is_same_v<C, sqlite::Connection>) open_ = c_.Exec("BEGIN").ok();
  }
  ~ReadSnapshot() {  // never left open: the pooled reader would keep an old snapshot
    if (open_ && !c_.Exec("COMMIT").ok()) c_.Exec("ROLLBACK");
  }
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

 private:
  C& c_;
  bool open_ = false;
};

}  // namespace

template <class Store, class C>
Result<ContactGroup> SqlStoreReads<Store, C>::GetGroup(Id id) {
  BARAZA_SQL_READER(r);
  return LoadGroup(*r, id);
}

template <class Store, class C>
Result<std::vector<ContactGroup>> SqlStoreReads<Store, C>::ListGroups(Id after_id, int limit) {
  BARAZA_SQL_READER(r);
  std::vector<Id> ids;
  {
    typename C::Query q(*r, "SELECT id FROM contact_groups WHERE id > ? ORDER BY id LIMIT ?");
    q.Bind(after_id).Bind(limit);
    while (q.Next()) ids.push_back(q.Int(0));
    BARAZA_RETURN_IF_ERROR(q.status());
  }
  std::vector<ContactGroup> out;
  for (Id id : ids) {
    auto g = LoadGroup(*r, id);
    if (!g.ok()) return g.status();
    out.push_back(std::move(g).value());
  }
  return out;
}

template <class Store, class C>
Result<Party> SqlStoreReads<Store, C>::GetParty(Id id) {
  BARAZA_SQL_READER(r);
  return LoadParty(*r, id);
}

template <class Store, class C>
Result<CaseRef> SqlStoreReads<Store, C>::GetCaseShared(Id id) {
  if (auto cached = self().cache_.Get(id)) return cached;
  uint64_t epoch = self().cache_.Epoch();
  BARAZA_SQL_READER(r);
  auto c = LoadCase(*r, id, self().cipher_.get());
  if (!c.ok()) return c.status();
  auto shared = std::make_shared<const Case>(std::move(c).value());
  self().cache_.AddLoaded(shared, epoch);
  return shared;
}

template <class Store, class C>
Result<Case> SqlStoreReads<Store, C>::GetCase(Id id) {
  auto c = GetCaseShared(id);
  if (!c.ok()) return c.status();
  return **c;
}

template <class Store, class C>
Result<std::vector<Case>> SqlStoreReads<Store, C>::ListCases(const CaseFilter& f) {
  auto shared = ListCasesShared(f);
  if (!shared.ok()) return shared.status();
  std::vector<Case> out;
  out.reserve(shared->size());
  for (const auto& c : *shared) out.push_back(*c);
  return out;
}

template <class Store, class C>
Result<std::vector<CaseRef>> SqlStoreReads<Store, C>::ListCasesShared(const CaseFilter& f) {
  uint64_t epoch = self().cache_.Epoch();
  BARAZA_SQL_READER(r);
  ReadSnapshot<C> snapshot(*r);
  // One statement per way in, each written so that the database walks an index
  // newest first and stops at the page's end: by party (case_parties), by group
  // (cases_by_group), by commander (cases_by_commander), or all cases. The other
  // filters only skip rows. ?1 party or commander, ?2 group, ?3 state, ?4 below
  // this id, ?5 page size.
  static constexpr char kCols[] = "SELECT c.body, c.id, c.version ";
  static const std::string by_party =
      std::string(kCols) +
      "FROM case_parties cp JOIN cases c ON c.id = cp.case_id WHERE cp.party_id = ?1 "
      "AND cp.case_id < ?4 AND (?2 = 0 OR c.group_id = ?2) AND (?3 = 0 OR c.state = ?3) "
      "ORDER BY cp.case_id DESC LIMIT ?5";
  static const std::string by_group =
      std::string(kCols) +
      "FROM cases c WHERE c.group_id = ?2 AND c.id < ?4 AND (?1 = 0 OR c.commander_id = ?1) "
      "AND (?3 = 0 OR c.state = ?3) ORDER BY c.id DESC LIMIT ?5";
  static const std::string by_commander =
      std::string(kCols) +
      "FROM cases c " + C::kByCommanderIndex + "WHERE c.commander_id = ?1 "
      "AND c.commander_id != 0 AND c.id < ?4 AND (?3 = 0 OR c.state = ?3) "
      "ORDER BY c.id DESC LIMIT ?5";
  static const std::string all =
      std::string(kCols) +
      "FROM cases c WHERE c.id < ?4 AND (?3 = 0 OR c.state = ?3) ORDER BY c.id DESC LIMIT ?5";
  const std::string& sql = f.party_id       ? by_party
                           : f.group_id     ? by_group
                           : f.commander_id ? by_commander
                                            : all;
  typename C::Query q(*r, sql.c_str());
  q.Bind(f.party_id ? f.party_id : f.commander_id)
      .Bind(f.group_id)
      .Bind(f.state ? static_cast<int64_t>(*f.state) : 0)
      .Bind(f.before_id > 0 ? f.before_id : std::numeric_limits<int64_t>::max())
      .Bind(f.limit);
  // The page's rows first, then the positions of the cases not cached, not a
  // query each (detail::LoadPositionsOf).
  std::vector<CaseRef> out;
  std::vector<std::optional<Case>> loaded;  // by place in `out`, for those not cached
  while (q.Next()) {
    out.push_back(self().cache_.Get(q.Int(1), q.Int(2)));
    loaded.emplace_back();
    if (out.back()) continue;
    auto c = detail::CaseOfRow(q.Int(1), q.Blob(0));
    if (!c.ok()) return c.status();
    loaded.back() = std::move(c).value();
  }
  BARAZA_RETURN_IF_ERROR(q.status());
  std::vector<Case*> missing;
  for (auto& c : loaded)
    if (c) missing.push_back(&*c);
  BARAZA_RETURN_IF_ERROR(detail::LoadPositionsOf(*r, missing, self().cipher_.get()));
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i]) continue;
    out[i] = std::make_shared<const Case>(std::move(*loaded[i]));
    self().cache_.AddLoaded(out[i], epoch);
  }
  return out;
}

template <class Store, class C>
Result<std::vector<Event>> SqlStoreReads<Store, C>::ListEvents(Id case_id) {
  BARAZA_SQL_READER(r);
  return LoadEvents(*r, case_id);
}

template <class Store, class C>
Result<Report> SqlStoreReads<Store, C>::GetReport(Id id) {
  BARAZA_SQL_READER(r);
  return LoadReport(*r, id);
}

template <class Store, class C>
Result<std::vector<Report>> SqlStoreReads<Store, C>::ListReports(const ReportFilter& f) {
  BARAZA_SQL_READER(r);
  static const std::string sql =
      std::string(kReportColumns) +
      "WHERE (?1 = 0 OR group_id = ?1) AND (?2 = 0 OR case_id = ?2) AND (?3 = 0 OR id < ?3) "
      "ORDER BY id DESC LIMIT ?4";
  typename C::Query q(*r, sql.c_str());
  q.Bind(f.group_id).Bind(f.case_id).Bind(f.before_id).Bind(f.limit);
  std::vector<Report> out;
  while (q.Next()) {
    auto report = ReadReport(q);
    if (!report.ok()) return report.status();
    out.push_back(std::move(report).value());
  }
  BARAZA_RETURN_IF_ERROR(q.status());
  return out;
}

template <class Store, class C>
Result<std::vector<Id>> SqlStoreReads<Store, C>::ReportingGroups(Id after_id, int limit) {
  BARAZA_SQL_READER(r);
  typename C::Query q(*r, "SELECT DISTINCT group_id FROM reports WHERE group_id > ? ORDER BY group_id LIMIT ?");
  q.Bind(after_id).Bind(limit);
  std::vector<Id> out;
  while (q.Next()) out.push_back(q.Int(0));
  BARAZA_RETURN_IF_ERROR(q.status());
  return out;
}

template <class Store, class C>
Result<std::vector<Notice>> SqlStoreReads<Store, C>::ListNotices(const Recipient& to, Id after_id, int limit) {
  BARAZA_SQL_READER(r);
  // Literal roles, and the partial index's own term (SQLite uses a partial index
  // only when the query repeats its WHERE term), so that the index serves them.
  static const std::string of_party =
      std::string(kNoticeColumns) +
      "WHERE party_id = ? AND recipient_role = 0 AND id > ? ORDER BY id LIMIT ?";
  static const std::string of_mediators =
      std::string(kNoticeColumns) +
      "WHERE recipient_role != 0 AND recipient_role = 1 AND commander_id = ? AND id > ? "
      "ORDER BY id LIMIT ?";
  static const std::string of_commander =
      std::string(kNoticeColumns) +
      "WHERE recipient_role != 0 AND recipient_role = 3 AND commander_id = ? AND id > ? "
      "ORDER BY id LIMIT ?";
  const std::string& sql = to.role == Role::kLiaison    ? of_party
                           : to.role == Role::kMediator ? of_mediators
                                                        : of_commander;
  typename C::Query q(*r, sql.c_str());
  q.Bind(to.id).Bind(after_id).Bind(limit);
  std::vector<Notice> out;
  while (q.Next()) out.push_back(ReadNotice(q));
  BARAZA_RETURN_IF_ERROR(q.status());
  return out;
}

template <class Store, class C>
Result<Notice> SqlStoreReads<Store, C>::GetNotice(Id notice_id) {
  BARAZA_SQL_READER(r);
  return LoadNotice(*r, notice_id);
}

template <class Store, class C>
Result<std::vector<ContactPoint>> SqlStoreReads<Store, C>::ListContactPoints(Role role, Id id) {
  BARAZA_SQL_READER(r);
  auto found =
      role == Role::kLiaison ? SelectRows(*r, projection::Table::kContactPoints,
                                              "liaison_id = ? AND role = 0 ORDER BY id", {id})
      : role == Role::kMediator
          ? SelectRows(*r, projection::Table::kContactPoints,
                           "role != 0 AND role = 1 AND commander_id = ? ORDER BY id", {id})
          : SelectRows(*r, projection::Table::kContactPoints,
                           "role != 0 AND role = 3 AND commander_id = ? ORDER BY id", {id});
  BARAZA_ASSIGN_OR_RETURN(auto rows, std::move(found));
  std::vector<ContactPoint> out;
  for (const auto& row : rows) out.push_back(projection::ContactPointOf(row));
  return out;
}

template <class Store, class C>
Result<ContactPoint> SqlStoreReads<Store, C>::GetContactPoint(Id id) {
  BARAZA_SQL_READER(r);
  BARAZA_ASSIGN_OR_RETURN(auto row, ReadRow(*r, projection::Table::kContactPoints, {id}));
  if (!row) return NoSuchContactPoint(id);
  return projection::ContactPointOf(*row);
}

template <class Store, class C>
Result<std::vector<Delivery>> SqlStoreReads<Store, C>::DueDeliveries(UnixMillis now, int limit) {
  BARAZA_SQL_READER(r);
  BARAZA_ASSIGN_OR_RETURN(
      auto rows, SelectRows(*r, projection::Table::kDeliveries,
                                "state = 1 AND next_attempt_at <= ? ORDER BY next_attempt_at "
                                "LIMIT ?",
                                {now, static_cast<int64_t>(limit)}));
  std::vector<Delivery> out;
  for (const auto& row : rows) out.push_back(projection::DeliveryOf(row));
  return out;
}

template <class Store, class C>
Result<std::optional<UnixMillis>> SqlStoreReads<Store, C>::NextDeliveryAt() {
  BARAZA_SQL_READER(r);
  typename C::Query q(*r, "SELECT MIN(next_attempt_at) FROM deliveries WHERE state = 1");
  if (!q.Next()) return q.status().ok() ? Status::Internal("no min") : q.status();
  if (q.IsNull(0)) return std::optional<UnixMillis>{};
  return std::optional<UnixMillis>{q.Int(0)};
}

template <class Store, class C>
Result<std::vector<Delivery>> SqlStoreReads<Store, C>::ListDeliveries(Id case_id) {
  BARAZA_SQL_READER(r);
  BARAZA_ASSIGN_OR_RETURN(auto rows, SelectRows(*r, projection::Table::kDeliveries,
                                                    "case_id = ? ORDER BY id", {case_id}));
  std::vector<Delivery> out;
  for (const auto& row : rows) out.push_back(projection::DeliveryOf(row));
  return out;
}

template <class Store, class C>
Result<std::optional<TokenRecord>> SqlStoreReads<Store, C>::FindToken(const std::string& hash) {
  BARAZA_SQL_READER(r);
  static const std::string sql = std::string(kTokenColumns) + "WHERE hash = ?";
  typename C::Query q(*r, sql.c_str());
  q.Bind(hash);
  if (!q.Next()) {
    BARAZA_RETURN_IF_ERROR(q.status());
    return std::optional<TokenRecord>{};
  }
  return std::optional<TokenRecord>{ReadToken(q)};
}

template <class Store, class C>
Result<std::vector<TokenRecord>> SqlStoreReads<Store, C>::ListTokens() {
  BARAZA_SQL_READER(r);
  static const std::string sql = std::string(kTokenColumns) + "ORDER BY created_at, hash";
  typename C::Query q(*r, sql.c_str());
  std::vector<TokenRecord> out;
  while (q.Next()) out.push_back(ReadToken(q));
  BARAZA_RETURN_IF_ERROR(q.status());
  return out;
}

template <class Store, class C>
Result<int64_t> SqlStoreReads<Store, C>::CountTokens(Role role) {
  BARAZA_SQL_READER(r);
  typename C::Query q(*r, "SELECT COUNT(*) FROM tokens WHERE role = ?");
  q.Bind(static_cast<int64_t>(role));
  if (!q.Next()) return q.status().ok() ? Status::Internal("no count") : q.status();
  return q.Int(0);
}

template <class Store, class C>
Result<std::optional<UnixMillis>> SqlStoreReads<Store, C>::NextDeadline() {
  BARAZA_SQL_READER(r);
  typename C::Query q(*r, "SELECT MIN(due_at) FROM deadlines");
  if (!q.Next()) return q.status().ok() ? Status::Internal("no min") : q.status();
  if (q.IsNull(0)) return std::optional<UnixMillis>{};
  return std::optional<UnixMillis>{q.Int(0)};
}

template <class Store, class C>
Result<std::vector<Id>> SqlStoreReads<Store, C>::CasesDue(UnixMillis now, int limit) {
  BARAZA_SQL_READER(r);
  typename C::Query q(*r,
          "SELECT case_id, MIN(due_at) AS due FROM deadlines WHERE due_at <= ? "
          "GROUP BY case_id ORDER BY due LIMIT ?");
  q.Bind(now).Bind(limit);
  std::vector<Id> out;
  while (q.Next()) out.push_back(q.Int(0));
  BARAZA_RETURN_IF_ERROR(q.status());
  return out;
}

template <class Store, class C>
Result<std::vector<Deadline>> SqlStoreReads<Store, C>::DeadlinesOf(Id case_id) {
  BARAZA_SQL_READER(r);
  typename C::Query q(*r,
          "SELECT case_id, party_id, kind, due_at FROM deadlines WHERE case_id = ? "
          "ORDER BY due_at, party_id, kind");
  q.Bind(case_id);
  std::vector<Deadline> out;
  while (q.Next())
    out.push_back({q.Int(0), q.Int(1), static_cast<DeadlineKind>(q.Int(2)), q.Int(3)});
  BARAZA_RETURN_IF_ERROR(q.status());
  return out;
}

template <class Store, class C>
Result<Liaison> SqlStoreReads<Store, C>::GetLiaison(Id id) {
  BARAZA_SQL_READER(r);
  return LoadLiaison(*r, id);
}

template <class Store, class C>
Result<Commander> SqlStoreReads<Store, C>::GetCommander(Id id) {
  BARAZA_SQL_READER(r);
  return LoadCommander(*r, id);
}

// What the metrics read at each scrape (docs/operations.md, "Metrics").
template <class Store, class C>
Result<StoreCounts> SqlStoreReads<Store, C>::Counts(UnixMillis now) {
  BARAZA_SQL_READER(r);
  StoreCounts out;
  {
    typename C::Query q(*r, "SELECT state, COUNT(*) FROM cases GROUP BY state ORDER BY state");
    while (q.Next()) out.cases_by_state.emplace_back(static_cast<CaseState>(q.Int(0)), q.Int(1));
    BARAZA_RETURN_IF_ERROR(q.status());
  }
  typename C::Query q(*r,
          "SELECT (SELECT COUNT(*) FROM deadlines), "
          "(SELECT COUNT(*) FROM deadlines WHERE due_at <= ?1), "
          "(SELECT MIN(due_at) FROM deadlines WHERE due_at <= ?1)");
  q.Bind(now);
  if (!q.Next()) return q.status().ok() ? Status::Internal("no deadline counts") : q.status();
  out.deadlines_pending = q.Int(0);
  out.deadlines_overdue = q.Int(1);
  if (!q.IsNull(2)) out.oldest_overdue = q.Int(2);
  return out;
}


template class SqlStoreReads<SqliteCaseStore, sqlite::Connection>;
template class SqlStoreReads<PgCaseStore, pg::Connection>;

}  // namespace baraza::sql

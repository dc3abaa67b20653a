// PgCaseStore's reads: each on a connection borrowed from the pool, the same
// statements as the SQLite store's (storage/sqlite_case_store.cc).
#include <limits>

#include "storage/pg_case_store.h"
#include "storage/pg_lease.h"
#include "storage/pg_record.h"
#include "storage/pg_rows.h"

namespace baraza {

using pg::kReportColumns;
using pg::kTokenColumns;
using pg::Query;

#define BARAZA_READER(name) \
  auto name = Reader();     \
  if (!name.ok()) return name.status()

Result<ContactGroup> PgCaseStore::GetGroup(Id id) {
  BARAZA_READER(r);
  return LoadGroup(*r, id);
}

Result<std::vector<ContactGroup>> PgCaseStore::ListGroups(Id after_id, int limit) {
  BARAZA_READER(r);
  std::vector<Id> ids;
  {
    Query q(*r, "SELECT id FROM contact_groups WHERE id > ? ORDER BY id LIMIT ?");
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

Result<Party> PgCaseStore::GetParty(Id id) {
  BARAZA_READER(r);
  return LoadParty(*r, id);
}

Result<CaseRef> PgCaseStore::GetCaseShared(Id id) {
  if (auto cached = cache_.Get(id)) return cached;
  uint64_t epoch = cache_.Epoch();
  BARAZA_READER(r);
  auto c = LoadCase(*r, id, cipher_.get());
  if (!c.ok()) return c.status();
  auto shared = std::make_shared<const Case>(std::move(c).value());
  cache_.AddLoaded(shared, epoch);
  return shared;
}

Result<Case> PgCaseStore::GetCase(Id id) {
  auto c = GetCaseShared(id);
  if (!c.ok()) return c.status();
  return **c;
}

Result<std::vector<Case>> PgCaseStore::ListCases(const CaseFilter& f) {
  auto shared = ListCasesShared(f);
  if (!shared.ok()) return shared.status();
  std::vector<Case> out;
  out.reserve(shared->size());
  for (const auto& c : *shared) out.push_back(*c);
  return out;
}

Result<std::vector<CaseRef>> PgCaseStore::ListCasesShared(const CaseFilter& f) {
  uint64_t epoch = cache_.Epoch();
  BARAZA_READER(r);
  // One statement per way in, each written so that PostgreSQL walks an index
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
      "FROM cases c WHERE c.commander_id = ?1 "
      "AND c.commander_id != 0 AND c.id < ?4 AND (?3 = 0 OR c.state = ?3) "
      "ORDER BY c.id DESC LIMIT ?5";
  static const std::string all =
      std::string(kCols) +
      "FROM cases c WHERE c.id < ?4 AND (?3 = 0 OR c.state = ?3) ORDER BY c.id DESC LIMIT ?5";
  const std::string& sql = f.party_id       ? by_party
                           : f.group_id     ? by_group
                           : f.commander_id ? by_commander
                                            : all;
  Query q(*r, sql.c_str());
  q.Bind(f.party_id ? f.party_id : f.commander_id)
      .Bind(f.group_id)
      .Bind(f.state ? static_cast<int64_t>(*f.state) : 0)
      .Bind(f.before_id > 0 ? f.before_id : std::numeric_limits<int64_t>::max())
      .Bind(f.limit);
  std::vector<CaseRef> out;
  while (q.Next()) {
    if (auto cached = cache_.Get(q.Int(1), q.Int(2))) {
      out.push_back(std::move(cached));
      continue;
    }
    auto c = DecodeStoredCase(*r, q.Blob(0), cipher_.get());
    if (!c.ok()) return c.status();
    auto shared = std::make_shared<const Case>(std::move(c).value());
    cache_.AddLoaded(shared, epoch);
    out.push_back(std::move(shared));
  }
  BARAZA_RETURN_IF_ERROR(q.status());
  return out;
}

Result<std::vector<Event>> PgCaseStore::ListEvents(Id case_id) {
  BARAZA_READER(r);
  return LoadEvents(*r, case_id);
}

Result<Report> PgCaseStore::GetReport(Id id) {
  BARAZA_READER(r);
  return LoadReport(*r, id);
}

Result<std::vector<Report>> PgCaseStore::ListReports(const ReportFilter& f) {
  BARAZA_READER(r);
  static const std::string sql =
      std::string(kReportColumns) +
      "WHERE (?1 = 0 OR group_id = ?1) AND (?2 = 0 OR case_id = ?2) AND (?3 = 0 OR id < ?3) "
      "ORDER BY id DESC LIMIT ?4";
  Query q(*r, sql.c_str());
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

Result<std::vector<Id>> PgCaseStore::ReportingGroups(Id after_id, int limit) {
  BARAZA_READER(r);
  Query q(*r, "SELECT DISTINCT group_id FROM reports WHERE group_id > ? ORDER BY group_id LIMIT ?");
  q.Bind(after_id).Bind(limit);
  std::vector<Id> out;
  while (q.Next()) out.push_back(q.Int(0));
  BARAZA_RETURN_IF_ERROR(q.status());
  return out;
}

Result<std::vector<Notice>> PgCaseStore::ListNotices(const Recipient& to, Id after_id, int limit) {
  BARAZA_READER(r);
  static const std::string of_party =
      std::string(pg::kNoticeColumns) +
      "WHERE party_id = ? AND recipient_role = 0 AND id > ? ORDER BY id LIMIT ?";
  static const std::string of_mediators =
      std::string(pg::kNoticeColumns) +
      "WHERE recipient_role != 0 AND recipient_role = 1 AND commander_id = ? AND id > ? "
      "ORDER BY id LIMIT ?";
  static const std::string of_commander =
      std::string(pg::kNoticeColumns) +
      "WHERE recipient_role != 0 AND recipient_role = 3 AND commander_id = ? AND id > ? "
      "ORDER BY id LIMIT ?";
  const std::string& sql = to.role == Role::kLiaison    ? of_party
                           : to.role == Role::kMediator ? of_mediators
                                                        : of_commander;
  Query q(*r, sql.c_str());
  q.Bind(to.id).Bind(after_id).Bind(limit);
  std::vector<Notice> out;
  while (q.Next()) out.push_back(pg::ReadNotice(q));
  BARAZA_RETURN_IF_ERROR(q.status());
  return out;
}

Result<Notice> PgCaseStore::GetNotice(Id notice_id) {
  BARAZA_READER(r);
  return pg::LoadNotice(*r, notice_id);
}

Result<std::vector<ContactPoint>> PgCaseStore::ListContactPoints(Role role, Id id) {
  BARAZA_READER(r);
  auto found =
      role == Role::kLiaison ? pg::SelectRows(*r, projection::Table::kContactPoints,
                                              "liaison_id = ? AND role = 0 ORDER BY id", {id})
      : role == Role::kMediator
          ? pg::SelectRows(*r, projection::Table::kContactPoints,
                           "role != 0 AND role = 1 AND commander_id = ? ORDER BY id", {id})
          : pg::SelectRows(*r, projection::Table::kContactPoints,
                           "role != 0 AND role = 3 AND commander_id = ? ORDER BY id", {id});
  BARAZA_ASSIGN_OR_RETURN(auto rows, std::move(found));
  std::vector<ContactPoint> out;
  for (const auto& row : rows) out.push_back(projection::ContactPointOf(row));
  return out;
}

Result<ContactPoint> PgCaseStore::GetContactPoint(Id id) {
  BARAZA_READER(r);
  BARAZA_ASSIGN_OR_RETURN(auto row, pg::ReadRow(*r, projection::Table::kContactPoints, {id}));
  if (!row) return NoSuchContactPoint(id);
  return projection::ContactPointOf(*row);
}

Result<std::vector<Delivery>> PgCaseStore::DueDeliveries(UnixMillis now, int limit) {
  BARAZA_READER(r);
  BARAZA_ASSIGN_OR_RETURN(
      auto rows, pg::SelectRows(*r, projection::Table::kDeliveries,
                                "state = 1 AND next_attempt_at <= ? ORDER BY next_attempt_at "
                                "LIMIT ?",
                                {now, static_cast<int64_t>(limit)}));
  std::vector<Delivery> out;
  for (const auto& row : rows) out.push_back(projection::DeliveryOf(row));
  return out;
}

Result<std::optional<UnixMillis>> PgCaseStore::NextDeliveryAt() {
  BARAZA_READER(r);
  Query q(*r, "SELECT MIN(next_attempt_at) FROM deliveries WHERE state = 1");
  if (!q.Next()) return q.status().ok() ? Status::Internal("no min") : q.status();
  if (q.IsNull(0)) return std::optional<UnixMillis>{};
  return std::optional<UnixMillis>{q.Int(0)};
}

Result<std::vector<Delivery>> PgCaseStore::ListDeliveries(Id case_id) {
  BARAZA_READER(r);
  BARAZA_ASSIGN_OR_RETURN(auto rows, pg::SelectRows(*r, projection::Table::kDeliveries,
                                                    "case_id = ? ORDER BY id", {case_id}));
  std::vector<Delivery> out;
  for (const auto& row : rows) out.push_back(projection::DeliveryOf(row));
  return out;
}

Result<std::optional<TokenRecord>> PgCaseStore::FindToken(const std::string& hash) {
  BARAZA_READER(r);
  static const std::string sql = std::string(kTokenColumns) + "WHERE hash = ?";
  Query q(*r, sql.c_str());
  q.Bind(hash);
  if (!q.Next()) {
    BARAZA_RETURN_IF_ERROR(q.status());
    return std::optional<TokenRecord>{};
  }
  return std::optional<TokenRecord>{ReadToken(q)};
}

Result<std::vector<TokenRecord>> PgCaseStore::ListTokens() {
  BARAZA_READER(r);
  static const std::string sql = std::string(kTokenColumns) + "ORDER BY created_at, hash";
  Query q(*r, sql.c_str());
  std::vector<TokenRecord> out;
  while (q.Next()) out.push_back(ReadToken(q));
  BARAZA_RETURN_IF_ERROR(q.status());
  return out;
}

Result<int64_t> PgCaseStore::CountTokens(Role role) {
  BARAZA_READER(r);
  Query q(*r, "SELECT COUNT(*) FROM tokens WHERE role = ?");
  q.Bind(static_cast<int64_t>(role));
  if (!q.Next()) return q.status().ok() ? Status::Internal("no count") : q.status();
  return q.Int(0);
}

Result<std::optional<UnixMillis>> PgCaseStore::NextDeadline() {
  BARAZA_READER(r);
  Query q(*r, "SELECT MIN(due_at) FROM deadlines");
  if (!q.Next()) return q.status().ok() ? Status::Internal("no min") : q.status();
  if (q.IsNull(0)) return std::optional<UnixMillis>{};
  return std::optional<UnixMillis>{q.Int(0)};
}

Result<std::vector<Id>> PgCaseStore::CasesDue(UnixMillis now, int limit) {
  BARAZA_READER(r);
  Query q(*r,
          "SELECT case_id, MIN(due_at) AS due FROM deadlines WHERE due_at <= ? "
          "GROUP BY case_id ORDER BY due LIMIT ?");
  q.Bind(now).Bind(limit);
  std::vector<Id> out;
  while (q.Next()) out.push_back(q.Int(0));
  BARAZA_RETURN_IF_ERROR(q.status());
  return out;
}

Result<std::vector<Deadline>> PgCaseStore::DeadlinesOf(Id case_id) {
  BARAZA_READER(r);
  Query q(*r,
          "SELECT case_id, party_id, kind, due_at FROM deadlines WHERE case_id = ? "
          "ORDER BY due_at, party_id, kind");
  q.Bind(case_id);
  std::vector<Deadline> out;
  while (q.Next())
    out.push_back({q.Int(0), q.Int(1), static_cast<DeadlineKind>(q.Int(2)), q.Int(3)});
  BARAZA_RETURN_IF_ERROR(q.status());
  return out;
}

Result<Liaison> PgCaseStore::GetLiaison(Id id) {
  BARAZA_READER(r);
  return LoadLiaison(*r, id);
}

Result<Commander> PgCaseStore::GetCommander(Id id) {
  BARAZA_READER(r);
  return LoadCommander(*r, id);
}

// What the metrics read at each scrape (docs/operations.md, "Metrics").
Result<StoreCounts> PgCaseStore::Counts(UnixMillis now) {
  BARAZA_READER(r);
  StoreCounts out;
  {
    Query q(*r, "SELECT state, COUNT(*) FROM cases GROUP BY state ORDER BY state");
    while (q.Next()) out.cases_by_state.emplace_back(static_cast<CaseState>(q.Int(0)), q.Int(1));
    BARAZA_RETURN_IF_ERROR(q.status());
  }
  Query q(*r,
          "SELECT (SELECT COUNT(*) FROM deadlines), "
          "(SELECT COUNT(*) FROM deadlines WHERE due_at <= ?), "
          "(SELECT MIN(due_at) FROM deadlines WHERE due_at <= ?)");
  q.Bind(now).Bind(now);
  if (!q.Next()) return q.status().ok() ? Status::Internal("no deadline counts") : q.status();
  out.deadlines_pending = q.Int(0);
  out.deadlines_overdue = q.Int(1);
  if (!q.IsNull(2)) out.oldest_overdue = q.Int(2);
  return out;
}

}  // namespace baraza

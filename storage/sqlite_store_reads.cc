// The SQLite store's reads of what reaches people: notices, contact points,
// deliveries, and the tokens that say who they are (the rest: sqlite_case_store.cc).
#include "storage/sqlite_case_store.h"

#include "storage/sqlite_reader.h"
#include "storage/sqlite_rows.h"

namespace baraza {

using sqlite::Connection;
using sqlite::Query;
using sqlite::kTokenColumns;

Result<std::vector<Notice>> SqliteCaseStore::ListNotices(const Recipient& to, Id after_id,
                                                         int limit) {
  BARAZA_READER(r);
  // Literal roles, and the partial index's own term (SQLite uses a partial index
  // only when the query repeats its WHERE term), so that the index serves them.
  static const std::string of_party =
      std::string(sqlite::kNoticeColumns) +
      "WHERE party_id = ? AND recipient_role = 0 AND id > ? ORDER BY id LIMIT ?";
  static const std::string of_mediators =
      std::string(sqlite::kNoticeColumns) +
      "WHERE recipient_role != 0 AND recipient_role = 1 AND commander_id = ? AND id > ? "
      "ORDER BY id LIMIT ?";
  static const std::string of_commander =
      std::string(sqlite::kNoticeColumns) +
      "WHERE recipient_role != 0 AND recipient_role = 3 AND commander_id = ? AND id > ? "
      "ORDER BY id LIMIT ?";
  const std::string& sql = to.role == Role::kLiaison    ? of_party
                           : to.role == Role::kMediator ? of_mediators
                                                        : of_commander;
  Query q(*r, sql.c_str());
  q.Bind(to.id).Bind(after_id).Bind(limit);
  std::vector<Notice> out;
  while (q.Next()) out.push_back(sqlite::ReadNotice(q));
  BARAZA_RETURN_IF_ERROR(q.status());
  return out;
}

Result<Notice> SqliteCaseStore::GetNotice(Id notice_id) {
  BARAZA_READER(r);
  return sqlite::LoadNotice(*r, notice_id);
}

Result<std::vector<ContactPoint>> SqliteCaseStore::ListContactPoints(Role role, Id id) {
  BARAZA_READER(r);
  auto found = role == Role::kLiaison
                   ? sqlite::SelectRows(*r, projection::Table::kContactPoints,
                                        "liaison_id = ? AND role = 0 ORDER BY id", {id})
               : role == Role::kMediator
                   ? sqlite::SelectRows(*r, projection::Table::kContactPoints,
                                        "role != 0 AND role = 1 AND commander_id = ? ORDER BY id",
                                        {id})
                   : sqlite::SelectRows(*r, projection::Table::kContactPoints,
                                        "role != 0 AND role = 3 AND commander_id = ? ORDER BY id",
                                        {id});
  BARAZA_ASSIGN_OR_RETURN(auto rows, std::move(found));
  std::vector<ContactPoint> out;
  for (const auto& row : rows) out.push_back(projection::ContactPointOf(row));
  return out;
}

Result<ContactPoint> SqliteCaseStore::GetContactPoint(Id id) {
  BARAZA_READER(r);
  BARAZA_ASSIGN_OR_RETURN(auto row, sqlite::ReadRow(*r, projection::Table::kContactPoints, {id}));
  if (!row) return NoSuchContactPoint(id);
  return projection::ContactPointOf(*row);
}

Result<std::vector<Delivery>> SqliteCaseStore::DueDeliveries(UnixMillis now, int limit) {
  BARAZA_READER(r);
  BARAZA_ASSIGN_OR_RETURN(
      auto rows, sqlite::SelectRows(*r, projection::Table::kDeliveries,
                                    "state = 1 AND next_attempt_at <= ? ORDER BY next_attempt_at "
                                    "LIMIT ?",
                                    {now, static_cast<int64_t>(limit)}));
  std::vector<Delivery> out;
  for (const auto& row : rows) out.push_back(projection::DeliveryOf(row));
  return out;
}

Result<std::optional<UnixMillis>> SqliteCaseStore::NextDeliveryAt() {
  BARAZA_READER(r);
  Query q(*r, "SELECT MIN(next_attempt_at) FROM deliveries WHERE state = 1");
  if (!q.Next()) return q.status().ok() ? Status::Internal("no min") : q.status();
  if (q.IsNull(0)) return std::optional<UnixMillis>{};
  return std::optional<UnixMillis>{q.Int(0)};
}

Result<std::vector<Delivery>> SqliteCaseStore::ListDeliveries(Id case_id) {
  BARAZA_READER(r);
  BARAZA_ASSIGN_OR_RETURN(auto rows, sqlite::SelectRows(*r, projection::Table::kDeliveries,
                                                        "case_id = ? ORDER BY id", {case_id}));
  std::vector<Delivery> out;
  for (const auto& row : rows) out.push_back(projection::DeliveryOf(row));
  return out;
}

Result<std::optional<TokenRecord>> SqliteCaseStore::FindToken(const std::string& hash) {
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

Result<std::vector<TokenRecord>> SqliteCaseStore::ListTokens() {
  BARAZA_READER(r);
  static const std::string sql = std::string(kTokenColumns) + "ORDER BY created_at, hash";
  Query q(*r, sql.c_str());
  std::vector<TokenRecord> out;
  while (q.Next()) out.push_back(ReadToken(q));
  BARAZA_RETURN_IF_ERROR(q.status());
  return out;
}

Result<int64_t> SqliteCaseStore::CountTokens(Role role) {
  BARAZA_READER(r);
  Query q(*r, "SELECT COUNT(*) FROM tokens WHERE role = ?");
  q.Bind(static_cast<int64_t>(role));
  if (!q.Next()) return q.status().ok() ? Status::Internal("no count") : q.status();
  return q.Int(0);
}

}  // namespace baraza

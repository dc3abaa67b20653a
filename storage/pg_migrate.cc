#include "storage/pg_migrate.h"

#include <filesystem>

#include "storage/pg_case_store.h"
#include "storage/pg_connection.h"
#include "storage/pg_schema.h"
#include "storage/projection.h"
#include "storage/sqlite_case_store.h"
#include "storage/sqlite_connection.h"
#include "storage/sql_record.h"
#include "storage/sql_rows.h"
#include "storage/sqlite_connection.h"

namespace baraza {
namespace {

// Whether the PostgreSQL database holds anything of Baraza's.
Result<bool> HoldsData(pg::Connection& c) {
  std::string sql = "SELECT (SELECT COUNT(*) FROM events) + (SELECT COUNT(*) FROM data_key)";
  for (const auto& t : projection::Tables())
    sql += std::string(" + (SELECT COUNT(*) FROM ") + t.name + ")";
  pg::Query q(c, sql.c_str());
  if (!q.Next()) return q.status().ok() ? Status::Internal("no count") : q.status();
  return q.Int(0) > 0;
}

Status CopyRows(sqlite::Connection& from, pg::Connection& to, int64_t& rows,
                const std::function<void(int64_t)>& progress) {
  for (const auto& t : projection::Tables()) {
    BARAZA_ASSIGN_OR_RETURN(auto all, sql::SelectRows(from, t.table, "1 = 1", {}));
    for (const auto& row : all) {
      BARAZA_RETURN_IF_ERROR(sql::InsertRow(to, t.table, row));
      if (progress && ++rows % 10000 == 0) progress(rows);
    }
  }
  static const std::string events = std::string(sql::kEventColumns) + "ORDER BY log_seq";
  sqlite::Query q(from, events.c_str());
  while (q.Next()) {
    chain::StoredEvent e = sql::ReadStoredEvent(q);
    pg::Query in(to,
                 "INSERT INTO events(case_id, seq, at, actor, type, party_id, visibility, "
                 "details, log_seq, hash, log_hash, changes) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)");
    in.Bind(e.event.case_id)
        .Bind(e.event.seq)
        .Bind(e.event.at)
        .Bind(e.event.actor)
        .Bind(static_cast<int64_t>(e.event.type))
        .Bind(e.event.party_id)
        .Bind(static_cast<int64_t>(e.event.visibility))
        .Bind(e.details_json)
        .Bind(e.log_seq)
        .Bind(e.hash)
        .Bind(e.log_hash)
        .BindBlob(e.changes);
    BARAZA_RETURN_IF_ERROR(in.Run());
    if (progress && ++rows % 10000 == 0) progress(rows);
  }
  BARAZA_RETURN_IF_ERROR(q.status());
  // The data key's id: the sealed text is copied as it is, under the same key.
  sqlite::Query key(from, "SELECT key_id FROM data_key WHERE id = 1");
  if (key.Next()) {
    pg::Query in(to, "INSERT INTO data_key(id, key_id) VALUES(1, ?)");
    in.Bind(key.Text(0));
    BARAZA_RETURN_IF_ERROR(in.Run());
  }
  return key.status();
}

}  // namespace

Result<MigrationResult> MigrateSqliteToPostgres(const std::string& sqlite_path,
                                                const std::string& pg_conninfo,
                                                const std::function<void(int64_t)>& progress) {
  if (!std::filesystem::exists(sqlite_path))
    return Status::NotFound("no SQLite database at " + sqlite_path);
  MigrationResult out;
  {
    // Opening brings an older file to the current schema, as barazad would;
    // a source that does not verify is not moved.
    SqliteCaseStore::Options o;
    o.path = sqlite_path;
    o.without_data_key = true;
    BARAZA_ASSIGN_OR_RETURN(auto source, SqliteCaseStore::Open(o));
    BARAZA_ASSIGN_OR_RETURN(auto audit, source->AuditHistory(std::nullopt));
    if (!audit.ok())
      return Status::FailedPrecondition(
          "the SQLite database does not verify (" +
          (audit.first_break ? *audit.first_break : audit.mismatches.front()) +
          "); see `barazad audit verify --db " + sqlite_path + "`; nothing was copied");
    out.from = audit.head;
  }
  BARAZA_ASSIGN_OR_RETURN(auto from, sqlite::Connection::Open(sqlite_path, /*writer=*/false));
  BARAZA_ASSIGN_OR_RETURN(auto to, pg::Connection::Open(pg_conninfo));
  BARAZA_RETURN_IF_ERROR(pg::Migrate(*to, PgCaseStore::kSchemaVersion));
  // One snapshot of the source, one transaction on the target, under the
  // history lock: a barazad started on the target meanwhile waits.
  BARAZA_RETURN_IF_ERROR(from->Exec("BEGIN"));
  BARAZA_RETURN_IF_ERROR(
      to->Exec("BEGIN; SELECT pg_advisory_xact_lock(" + std::to_string(pg::kHistoryLock) + ")"));
  auto held = HoldsData(*to);
  Status s = held.status();
  if (s.ok() && *held)
    s = Status::FailedPrecondition(
        "the PostgreSQL database already holds Baraza data; migrate only into an empty "
        "database (create a new one with `createdb`), so that no history is mixed with another");
  if (s.ok()) s = CopyRows(*from, *to, out.rows, progress);
  if (s.ok()) s = to->Exec("COMMIT");
  if (!s.ok()) to->Exec("ROLLBACK");
  from->Exec("COMMIT");
  BARAZA_RETURN_IF_ERROR(s);
  // Planner statistics of the copied tables now: autovacuum may not look for
  // a minute, and a full table planned as empty is scanned whole. The copy is
  // committed either way: a failure here leaves it to autovacuum.
  to->Exec("ANALYZE");
  PgCaseStore::Options o;
  o.conninfo = pg_conninfo;
  o.without_data_key = true;
  BARAZA_ASSIGN_OR_RETURN(auto copy, PgCaseStore::Open(o));
  BARAZA_ASSIGN_OR_RETURN(auto audit, copy->AuditHistory(std::nullopt));
  if (!audit.ok())
    return Status::DataLoss("the copy does not verify (" +
                            (audit.first_break ? *audit.first_break : audit.mismatches.front()) +
                            "); do not serve it");
  out.to = audit.head;
  return out;
}

}  // namespace baraza

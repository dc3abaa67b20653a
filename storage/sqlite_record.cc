#include "storage/sqlite_record.h"

#include <map>
#include <thread>

#include "storage/case_codec.h"
#include "storage/sql_history.h"
#include "storage/sql_record.h"
#include "storage/sqlite_connection.h"
#include "storage/sqlite_schema.h"

namespace baraza {

using projection::Change;
using projection::Row;
using projection::StateSum;
using projection::Table;
using projection::TableSpec;

// --- SQLite's own parts of the shared record code (storage/sql_record.h) -------

namespace sql {

namespace {

// The state sum of some tables, digesting each row from SQLite's own buffers.
Result<StateSum> SumOf(sqlite::Connection& c, const std::vector<const TableSpec*>& tables) {
  StateSum sum;
  projection::RowDigester d;
  for (const TableSpec* t : tables) {
    sqlite::Query q(c, SqlOf(t->table).select_all.c_str());
    sqlite3_stmt* st = nullptr;
    while (q.Next()) {
      if (!st) st = q.statement();
      d.Begin(t->table);
      for (int i = 0; i < static_cast<int>(t->columns.size()); ++i) {
        if (sqlite3_column_type(st, i) == SQLITE_INTEGER) {
          d.Int(sqlite3_column_int64(st, i));
        } else {
          auto* p = static_cast<const char*>(sqlite3_column_blob(st, i));
          d.Text(p ? p : "", static_cast<size_t>(sqlite3_column_bytes(st, i)));
        }
      }
      sum.Add(d.Finish());
    }
    BARAZA_RETURN_IF_ERROR(q.status());
  }
  return sum;
}

}  // namespace

Result<StateSum> SumOfTables(sqlite::Connection& c) {
  // Cases, the largest table, on a second connection and thread: a start-up
  // check scans every row, and the machine has two cores.
  std::vector<const TableSpec*> cases, rest;
  for (const TableSpec& t : projection::Tables())
    (t.table == Table::kCases ? cases : rest).push_back(&t);
  const char* file = sqlite3_db_filename(c.db(), "main");
  Result<StateSum> of_cases = Status::Internal("not scanned");
  std::thread scan;
  if (file && *file) {
    scan = std::thread([&] {
      auto conn = sqlite::Connection::Open(file, /*writer=*/false);
      of_cases = conn.ok() ? SumOf(**conn, cases) : Result<StateSum>(conn.status());
    });
  } else {
    of_cases = SumOf(c, cases);
  }
  auto of_rest = SumOf(c, rest);
  if (scan.joinable()) scan.join();
  BARAZA_RETURN_IF_ERROR(of_cases.status());
  BARAZA_RETURN_IF_ERROR(of_rest.status());
  StateSum sum = *of_rest;
  sum.Add(of_cases->Bytes());
  return sum;
}

}  // namespace sql

namespace sqlite {

using sql::InsertRow;
using sql::Replay;
using sql::ScanTable;
using sql::WalkHistory;
using HistoryWriter = sql::HistoryWriter<Connection>;

Result<int64_t> Rebuild(Connection& c) {
  chain::Verifier verifier;
  Replay replay(/*keep_rows=*/true);
  std::vector<std::string> problems;
  BARAZA_RETURN_IF_ERROR(WalkHistory(c, verifier, replay, problems, {}));
  verifier.Finish();
  if (verifier.first_break())
    return Status::FailedPrecondition("the history itself does not verify (" +
                                      *verifier.first_break() +
                                      "), so the tables cannot be rebuilt from it; restore a backup");
  if (!problems.empty())
    return Status::FailedPrecondition("the history's recorded changes do not add up (" +
                                      problems.front() + "); restore a backup");
  // Rows per table in key order, so that the rebuilt file is the same each time.
  std::map<Table, std::map<std::string, const Row*>> rows;
  for (const auto& [key, e] : replay.expected()) rows[e.table][key] = &e.row;
  BARAZA_RETURN_IF_ERROR(c.Exec("BEGIN IMMEDIATE"));
  Status s = c.Exec(
      "DROP TRIGGER IF EXISTS positions_no_update; DROP TRIGGER IF EXISTS positions_no_delete; "
      "DROP TRIGGER IF EXISTS reports_no_update; DROP TRIGGER IF EXISTS reports_no_delete;");
  const auto& tables = projection::Tables();
  for (auto t = tables.rbegin(); s.ok() && t != tables.rend(); ++t)
    s = c.Exec((std::string("DELETE FROM ") + t->name).c_str());  // not cached: run once
  int64_t written = 0;
  for (const TableSpec& t : tables) {
    for (const auto& [key, row] : rows[t.table]) {
      if (!s.ok()) break;
      s = InsertRow(c, t.table, *row);
      ++written;
    }
  }
  if (s.ok()) s = c.Exec(kPositionGuards);
  if (s.ok()) s = c.Exec(kReportGuards);
  if (s.ok()) s = c.Exec("COMMIT");
  if (!s.ok()) {
    c.Exec("ROLLBACK");
    return s;
  }
  return written;
}

Status SealExistingState(Connection& c) {
  // Every row, grouped by the case it belongs to (0: the registry).
  std::map<Id, std::vector<Change>> by_case;
  projection::Recorder all;
  for (const TableSpec& t : projection::Tables()) {
    BARAZA_RETURN_IF_ERROR(ScanTable(c, t, [&](Row& row) {
      Id case_id = projection::CaseOf(t.table, row);
      by_case[case_id].push_back({t.table, row, false});
    }));
  }
  if (by_case.empty()) return Status::Ok();
  UnixMillis at = 0;
  {
    Query q(c, "SELECT COALESCE(MAX(at), 0) FROM events");
    if (q.Next()) at = q.Int(0);
    BARAZA_RETURN_IF_ERROR(q.status());
  }
  HistoryWriter history(c);
  auto seal = [&](Id case_id, EventType type, const std::vector<Change>& changes,
                  const std::string& details) -> Status {
    projection::Recorder rec;
    rec.Reset(all.sum());
    for (const Change& ch : changes) rec.Put(ch.table, ch.row);
    all.Reset(rec.sum());
    BARAZA_ASSIGN_OR_RETURN(HistoryWriter::Tail tail, history.CaseTail(case_id));
    Event e;
    e.case_id = case_id;
    e.seq = tail.seq + 1;
    e.at = at;
    e.actor = "system";
    e.type = type;
    e.visibility = Visibility::kMediatorOnly;
    return history.Append(e, details, rec.Take());
  };
  const std::string details = codec::EncodeDetails({{"schema", "5"}});
  for (const auto& [case_id, changes] : by_case) {
    if (case_id == 0) continue;
    BARAZA_RETURN_IF_ERROR(seal(case_id, EventType::kRecordSealed, changes, details));
  }
  // The registry in events of a bounded size.
  const auto& registry = by_case[0];
  constexpr size_t kChunk = 1000;
  for (size_t i = 0; i < registry.size(); i += kChunk) {
    std::vector<Change> chunk(registry.begin() + static_cast<std::ptrdiff_t>(i),
                              registry.begin() + static_cast<std::ptrdiff_t>(
                                                     std::min(registry.size(), i + kChunk)));
    BARAZA_RETURN_IF_ERROR(seal(0, EventType::kRegistryChanged, chunk, details));
  }
  return Status::Ok();
}

}  // namespace sqlite
}  // namespace baraza

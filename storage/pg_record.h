// The PostgreSQL store's state checked against its history, as the SQLite
// store's is (storage/sqlite_record.h): generic access to projection rows,
// the state sum, `barazad audit verify` and the start-up check. One
// connection, one thread.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "storage/event_chain.h"
#include "storage/pg_connection.h"
#include "storage/projection.h"
#include "storage/sqlite_record.h"

namespace baraza::pg {

// Generic access to one projection row, by the columns of projection::Tables().
Result<std::optional<projection::Row>> ReadRow(Connection& c, projection::Table table,
                                               const projection::Row& key);
// The column of `cases` that holds the body: bytea, bound as bytes.
inline constexpr size_t kCaseBodyColumn = 6;
Status InsertRow(Connection& c, projection::Table table, const projection::Row& row);
Status DeleteRow(Connection& c, projection::Table table, const projection::Row& key);
// Inserts a row whose first column is its id, numbered as SQLite numbers an
// INTEGER PRIMARY KEY (the largest + 1); sets it in `row`.
Status InsertRowWithNewId(Connection& c, projection::Table table, projection::Row& row);
// Every row of a table matching `where` (SQL with ? for each of `args`), as rows.
Result<std::vector<projection::Row>> SelectRows(Connection& c, projection::Table table,
                                                const char* where, const projection::Row& args);

// The state sum of every projection row, computed from the tables.
Result<projection::StateSum> SumOfTables(Connection& c);
// The state sum recorded by the last write; zero for a history that recorded none.
Result<projection::StateSum> RecordedSum(Connection& c);

// What the full audit found (the same as the SQLite store's).
using RecordAudit = sqlite::RecordAudit;
// Walks the whole chain, replays the changes every event recorded, and compares
// the result with every projection table. `progress` is called every 100,000 events.
Result<RecordAudit> AuditRecord(Connection& c, std::optional<chain::Head> kept,
                                const std::function<void(int64_t)>& progress = {});
// barazad's start-up check: the last `events` events of the chain link up, and
// the tables' state sum is the one the last write recorded.
Status CheckOnStart(Connection& c, int events);

}  // namespace baraza::pg

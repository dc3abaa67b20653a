// The state kept beside the history (the projection tables), checked against
// the history and rebuilt from it: `barazad audit verify`, barazad's start-up
// check and `barazad rebuild`. SQLite store only; one connection, one thread.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "storage/event_chain.h"
#include "storage/projection.h"
#include "storage/sqlite_connection.h"

namespace baraza::sqlite {

// Generic access to one projection row, by the columns of projection::Tables().
Result<std::optional<projection::Row>> ReadRow(Connection& c, projection::Table table,
                                               const projection::Row& key);
Status InsertRow(Connection& c, projection::Table table, const projection::Row& row);
Status DeleteRow(Connection& c, projection::Table table, const projection::Row& key);
// Inserts a row whose first column is an INTEGER PRIMARY KEY that SQLite
// assigns; sets it in `row`.
Status InsertRowWithNewId(Connection& c, projection::Table table, projection::Row& row);
// Every row of a table matching `where` (SQL with ? for each of `args`), as rows.
Result<std::vector<projection::Row>> SelectRows(Connection& c, projection::Table table,
                                                const char* where, const projection::Row& args);

// The state sum of every projection row, computed from the tables.
Result<projection::StateSum> SumOfTables(Connection& c);
// The state sum recorded by the last write; zero for a history that recorded none.
Result<projection::StateSum> RecordedSum(Connection& c);

// What the full audit found: where the chain ends, its first break, and every
// projection row that does not match the history (the first few described).
struct RecordAudit {
  chain::Head head;
  std::optional<std::string> first_break;
  std::vector<std::string> mismatches;  // at most kMaxListed
  int64_t mismatch_count = 0;
  static constexpr size_t kMaxListed = 20;
  bool ok() const { return !first_break && mismatch_count == 0; }
};
// Walks the whole chain, replays the changes every event recorded, and compares
// the result with every projection table. `progress` is called every 100,000 events.
Result<RecordAudit> AuditRecord(Connection& c, std::optional<chain::Head> kept,
                                const std::function<void(int64_t)>& progress = {});

// barazad's start-up check: the last `events` events of the chain link up, and
// the tables' state sum is the one the last write recorded. DATA_LOSS saying
// where when not (the full audit runs then, to name the rows).
Status CheckOnStart(Connection& c, int events);

// Recomputes every projection table from the history in one transaction;
// refuses when the chain itself does not verify. Returns the rows written.
Result<int64_t> Rebuild(Connection& c);

// Schema 5: records every row an older database holds in its history, one event
// per case (record sealed) and registry events for the rest.
Status SealExistingState(Connection& c);

}  // namespace baraza::sqlite

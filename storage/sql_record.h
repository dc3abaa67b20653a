// The projection tables (the state kept beside the history) read, written,
// summed and checked against the history: one code for SQLite and PostgreSQL,
// templates over the connection (storage/sql_rows.h) explicitly made for both.
// `barazad audit verify` and the start-up check; one connection, one thread.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "storage/event_chain.h"
#include "storage/projection.h"

namespace baraza {
namespace sqlite {
class Connection;
}
namespace pg {
class Connection;
}
}  // namespace baraza

namespace baraza::sql {

// The column of `cases` that holds the body: binary, bound as bytes.
inline constexpr size_t kCaseBodyColumn = 6;

// Generic access to one projection row, by the columns of projection::Tables().
// InsertRow and DeleteRow are sent (Query::Send): in the PostgreSQL writer's
// pipeline their failure shows at its next read or at its end.
template <class C>
Result<std::optional<projection::Row>> ReadRow(C& c, projection::Table table,
                                               const projection::Row& key);
template <class C>
Status InsertRow(C& c, projection::Table table, const projection::Row& row);
template <class C>
Status DeleteRow(C& c, projection::Table table, const projection::Row& key);
// Every row of a table matching `where` (SQL with ? for each of `args`; a
// string literal: its address names the statement), as rows.
template <class C>
Result<std::vector<projection::Row>> SelectRows(C& c, projection::Table table, const char* where,
                                                const projection::Row& args);
// The id the next row of a table numbered by its first column gets: the
// largest + 1, as SQLite numbers an INTEGER PRIMARY KEY (so that one history
// numbers its rows alike in both stores).
template <class C>
Result<Id> NextRowId(C& c, projection::Table table);

// The state sum of every projection row, computed from the tables. Per
// dialect: SQLite's scans the largest table on a second connection.
Result<projection::StateSum> SumOfTables(sqlite::Connection& c);
Result<projection::StateSum> SumOfTables(pg::Connection& c);
// The state sum recorded by the last write; zero for a history that recorded none.
template <class C>
Result<projection::StateSum> RecordedSum(C& c);

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
template <class C>
Result<RecordAudit> AuditRecord(C& c, std::optional<chain::Head> kept,
                                const std::function<void(int64_t)>& progress = {});

// barazad's start-up check: the last `events` events of the chain link up, and
// the tables' state sum is the one the last write recorded. DATA_LOSS saying
// where when not (the full audit runs then, to name the rows).
template <class C>
Status CheckOnStart(C& c, int events);

// --- For the dialects' own code (SQLite's rebuild and schema 5 seal) ---------

// The SQL of each projection table, built once from its columns (the
// connections cache statements by the address of their text, so it stays put).
struct TableSql {
  std::string select_all, select_key, insert, next_id, delete_key;
};
const TableSql& SqlOf(projection::Table table);

template <class Q>
projection::Row ReadCells(Q& q, size_t n) {
  projection::Row row;
  row.reserve(n);
  for (size_t i = 0; i < n; ++i) row.push_back(q.CellAt(static_cast<int>(i)));
  return row;
}

// Calls fn for every row of a table.
template <class C>
Status ScanTable(C& c, const projection::TableSpec& t,
                 const std::function<void(projection::Row&)>& fn);

// Replays the changes recorded in the history, in log order.
class Replay {
 public:
  struct Expected {
    std::string digest;
    projection::Row row;  // the key only, unless kept whole for a rebuild
    projection::Table table;
  };
  explicit Replay(bool keep_rows) : keep_rows_(keep_rows) {}
  // Applies one event's changes; a message when they cannot be read or do not add up.
  std::optional<std::string> Apply(const chain::StoredEvent& e);
  std::unordered_map<std::string, Expected>& expected() { return expected_; }

 private:
  bool keep_rows_;
  projection::StateSum sum_;
  std::unordered_map<std::string, Expected> expected_;
};

// Walks the events in log order through the chain verifier and the replay.
template <class C>
Status WalkHistory(C& c, chain::Verifier& verifier, Replay& replay,
                   std::vector<std::string>& problems,
                   const std::function<void(int64_t)>& progress);

}  // namespace baraza::sql

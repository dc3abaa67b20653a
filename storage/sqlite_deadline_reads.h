// The SQLite store's reads of pending deadlines and of what its metrics count
// (cases by state, deadlines pending and overdue). Used by SqliteCaseStore on
// a read connection it has borrowed; not thread-safe on one connection.
#pragma once

#include <vector>

#include "storage/case_store.h"
#include "storage/sqlite_connection.h"

namespace baraza::sqlite {

// Up to `limit` cases with a deadline at or before `now`, earliest first.
Result<std::vector<Id>> CasesDue(Connection& c, UnixMillis now, int limit);
// Every pending deadline of one case, by time.
Result<std::vector<Deadline>> DeadlinesOf(Connection& c, Id case_id);
// Cases by state; deadlines pending, and overdue at `now`.
Result<StoreCounts> Counts(Connection& c, UnixMillis now);

}  // namespace baraza::sqlite

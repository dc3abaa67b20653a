// The PostgreSQL store's schema: its versions and their migrations, kept in a
// schema_version table and run once at open, in one transaction under an
// advisory lock (two barazad starting together migrate once).
#pragma once

#include "storage/pg_connection.h"

namespace baraza::pg {

// Brings the database up to schema `newest`; FAILED_PRECONDITION for a database
// newer than this binary knows.
Status Migrate(Connection& c, int newest);

// The advisory lock every transaction that appends to the history holds: the
// log is one chain, so its writers take turns (docs/storage.md, "PostgreSQL").
inline constexpr int64_t kHistoryLock = 0x62617261'7a61'0001;  // "baraza", 1

}  // namespace baraza::pg

// The SQLite store's schema and its migrations, keyed on PRAGMA user_version
// (docs/storage.md has the tables). Run once at open, on the writer connection.
#pragma once

#include "storage/sqlite_connection.h"

namespace baraza::sqlite {

// The triggers that keep published reports and stated positions from changing;
// `barazad rebuild` drops them while it rewrites the tables, then runs these.
extern const char* const kReportGuards;
extern const char* const kPositionGuards;

// Brings the database up to schema `newest` in one transaction; a database
// newer than `newest` is refused with a message saying what to do.
Status Migrate(Connection& c, int newest);

}  // namespace baraza::sqlite

// Moving a mission from SQLite to PostgreSQL (`barazad migrate`): every row of
// the history and of every table copied as it is, in one transaction, into an
// empty PostgreSQL database; both sides verified, so their heads can be compared.
#pragma once

#include <functional>
#include <string>

#include "services/workflow/status.h"
#include "storage/event_chain.h"

namespace baraza {

struct MigrationResult {
  chain::Head from, to;  // the heads of the SQLite history and of the copy
  int64_t rows = 0;      // rows copied, events included
};

// Copies the SQLite database at `sqlite_path` (barazad stopped on it) into the
// PostgreSQL database `pg_conninfo`, which must hold no Baraza data yet
// (FAILED_PRECONDITION otherwise, nothing written). The source must verify;
// the copy is verified after its commit. `progress` gets the rows copied so far.
Result<MigrationResult> MigrateSqliteToPostgres(const std::string& sqlite_path,
                                                const std::string& pg_conninfo,
                                                const std::function<void(int64_t)>& progress = {});

}  // namespace baraza

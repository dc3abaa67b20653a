// What only the SQLite store does with the state kept beside the history:
// `barazad rebuild` (the tables recomputed from the history) and the schema 5
// seal. The audit and the start-up check are shared: storage/sql_record.h.
#pragma once

#include "storage/sql_record.h"
#include "storage/sqlite_connection.h"

namespace baraza::sqlite {

using sql::RecordAudit;

// Recomputes every projection table from the history in one transaction;
// refuses when the chain itself does not verify. Returns the rows written.
Result<int64_t> Rebuild(Connection& c);

// Schema 5: records every row an older database holds in its history, one event
// per case (record sealed) and registry events for the rest.
Status SealExistingState(Connection& c);

}  // namespace baraza::sqlite

// Reading the PostgreSQL store's rows into the model: groups, parties, cases with
// their positions, events, reports, tokens (the same columns as the SQLite
// store's, storage/sqlite_rows.h). Used by the writer and the readers of PgCaseStore.
#pragma once

#include <string>
#include <vector>

#include "storage/case_store.h"
#include "storage/data_cipher.h"
#include "storage/event_chain.h"
#include "storage/pg_connection.h"

namespace baraza::pg {

// SELECT lists whose columns the Read* functions below expect.
extern const char* const kEventColumns;
extern const char* const kTokenColumns;
extern const char* const kReportColumns;

chain::StoredEvent ReadStoredEvent(Query& q);
TokenRecord ReadToken(Query& q);
Result<Report> ReadReport(Query& q);

Result<Party> LoadParty(Connection& c, Id id);
Result<ContactGroup> LoadGroup(Connection& c, Id id);
Result<Liaison> LoadLiaison(Connection& c, Id id);
Result<Commander> LoadCommander(Connection& c, Id id);
// A stored case: its body, then its positions, mediator-only ones opened with
// `cipher` (null: FAILED_PRECONDITION if the case has any).
Result<Case> DecodeStoredCase(Connection& c, const std::string& body, const DataCipher* cipher);
Result<Case> LoadCase(Connection& c, Id id, const DataCipher* cipher);
Result<std::vector<Event>> LoadEvents(Connection& c, Id case_id);
Result<Report> LoadReport(Connection& c, Id id);
// A notice (without its deliveries); NOT_FOUND for an unknown id.
Result<Notice> LoadNotice(Connection& c, Id id);
Notice ReadNotice(Query& q);  // the columns of kNoticeColumns
extern const char* const kNoticeColumns;

}  // namespace baraza::pg

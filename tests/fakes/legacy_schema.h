// Turning a database written by this barazad back into the layout of schema 4
// (no recorded changes, no registry history, every event chained as before),
// as a database from before the history bound the state. For migration tests.
#pragma once

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "storage/event_chain.h"
#include "tests/fakes/tamper.h"

namespace baraza::testing {

// Rewrites the file at `path` as schema 4 would have written it; returns the
// history head it leaves, as `barazad audit head` printed it then.
inline chain::Head DowngradeToSchema4(const std::string& path) {
  Tamper(path, std::string(kDropHistoryGuards) +
                   "DELETE FROM events WHERE case_id = 0 OR type = 21; "
                   "ALTER TABLE events DROP COLUMN changes; "
                   "DROP TABLE contact_points; DROP TABLE deliveries;");
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db,
                             "SELECT case_id, seq, at, actor, type, party_id, visibility, details "
                             "FROM events ORDER BY log_seq",
                             -1, &st, nullptr) == SQLITE_OK);
  std::map<Id, std::string> last;
  std::string log;
  int64_t n = 0;
  std::string sql;
  while (sqlite3_step(st) == SQLITE_ROW) {
    Event e;
    e.case_id = sqlite3_column_int64(st, 0);
    e.seq = sqlite3_column_int64(st, 1);
    e.at = sqlite3_column_int64(st, 2);
    e.actor = reinterpret_cast<const char*>(sqlite3_column_text(st, 3));
    e.type = static_cast<EventType>(sqlite3_column_int(st, 4));
    e.party_id = sqlite3_column_int64(st, 5);
    e.visibility = static_cast<Visibility>(sqlite3_column_int(st, 6));
    std::string details = reinterpret_cast<const char*>(sqlite3_column_text(st, 7));
    last[e.case_id] = chain::CaseLink(last[e.case_id], e, details);
    log = chain::LogLink(log, last[e.case_id]);
    sql += "UPDATE events SET log_seq = -" + std::to_string(++n) + ", hash = '" + last[e.case_id] +
           "', log_hash = '" + log + "' WHERE case_id = " + std::to_string(e.case_id) +
           " AND seq = " + std::to_string(e.seq) + ";";
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  Tamper(path, sql +
                   "UPDATE events SET log_seq = -log_seq; "
                   "CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT "
                   "RAISE(ABORT, 'the history is append-only'); END; "
                   "CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT "
                   "RAISE(ABORT, 'the history is append-only'); END; "
                   "PRAGMA user_version = 4;");
  return chain::Head::After(n, log);
}

}  // namespace baraza::testing

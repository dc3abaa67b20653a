// Turning a database written by this barazad back into the layout of schema 4
// (no recorded changes, no registry history, every event chained as before),
// as a database from before the history bound the state. For migration tests.
#pragma once

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <string>
#include <utility>
#include <vector>

#include "storage/case_codec.h"
#include "storage/event_chain.h"
#include "tests/fakes/tamper.h"

namespace baraza::testing {

// What schema 9 changed (the history keyed by its place in the log): the events
// table back in the layout of schema 8, clustered by (case, seq), its triggers gone.
inline constexpr const char* kDropSchema9 =
    "CREATE TABLE events_v8(case_id INTEGER NOT NULL, seq INTEGER NOT NULL, "
    "at INTEGER NOT NULL, actor TEXT NOT NULL, type INTEGER NOT NULL, "
    "party_id INTEGER NOT NULL, visibility INTEGER NOT NULL, details TEXT NOT NULL, "
    "log_seq INTEGER, hash TEXT NOT NULL DEFAULT '', log_hash TEXT NOT NULL DEFAULT '', "
    "changes BLOB NOT NULL DEFAULT x'', PRIMARY KEY(case_id, seq)) WITHOUT ROWID; "
    "INSERT INTO events_v8 SELECT case_id, seq, at, actor, type, party_id, visibility, "
    "details, log_seq, hash, log_hash, changes FROM events; "
    "DROP TABLE events; ALTER TABLE events_v8 RENAME TO events; "
    "CREATE UNIQUE INDEX events_by_log ON events(log_seq); ";

// The triggers that keep the history append-only, as every schema had them.
inline constexpr const char* kHistoryGuards =
    "CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT "
    "RAISE(ABORT, 'the history is append-only'); END; "
    "CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT "
    "RAISE(ABORT, 'the history is append-only'); END; ";

// What schema 10 added (a group's time zone, a liaison's and a commander's
// language): dropped.
inline constexpr const char* kDropSchema10 =
    "ALTER TABLE contact_groups DROP COLUMN time_zone; ALTER TABLE liaisons DROP COLUMN language; "
    "ALTER TABLE commanders DROP COLUMN language; ";

// What schema 8 added (the id of the data key of sealed text): dropped.
inline constexpr const char* kDropSchema8 = "DROP TABLE data_key; ";

// What schema 7 added (notices and contact points for every role): dropped, the
// file's tables are those of schema 6.
inline constexpr const char* kDropSchema7 =
    "DROP INDEX notices_by_recipient; ALTER TABLE notices DROP COLUMN recipient_role; "
    "ALTER TABLE notices DROP COLUMN commander_id; DROP INDEX contact_points_by_role; "
    "ALTER TABLE contact_points DROP COLUMN role; "
    "ALTER TABLE contact_points DROP COLUMN commander_id; ";

// Rewrites every case body in the JSON that schema 8 and before stored.
inline void BodiesBackToJson(const std::string& path) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  std::vector<std::pair<int64_t, std::string>> bodies;
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT id, body FROM cases", -1, &st, nullptr) == SQLITE_OK);
  while (sqlite3_step(st) == SQLITE_ROW) {
    std::string body(static_cast<const char*>(sqlite3_column_blob(st, 1)),
                     static_cast<size_t>(sqlite3_column_bytes(st, 1)));
    auto c = codec::DecodeCase(body);
    REQUIRE(c.ok());
    bodies.emplace_back(sqlite3_column_int64(st, 0),
                        codec::EncodeCaseJson(*c, codec::Positions::kLeftOut));
  }
  sqlite3_finalize(st);
  REQUIRE(sqlite3_prepare_v2(db, "UPDATE cases SET body = ? WHERE id = ?", -1, &st, nullptr) ==
          SQLITE_OK);
  for (const auto& [id, body] : bodies) {
    sqlite3_bind_text(st, 1, body.data(), static_cast<int>(body.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, id);
    REQUIRE(sqlite3_step(st) == SQLITE_DONE);
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
}

// Rewrites the file at `path` as schema 4 would have written it (JSON bodies too); returns the
// history head it leaves, as `barazad audit head` printed it then.
inline chain::Head DowngradeToSchema4(const std::string& path) {
  BodiesBackToJson(path);
  Tamper(path, std::string(kDropHistoryGuards) + kDropSchema10 + kDropSchema9 + kDropSchema8 +
                   kDropSchema7 +
                   "DELETE FROM events WHERE case_id = 0 OR type = 21; "
                   "ALTER TABLE events DROP COLUMN changes; "
                   "DROP TABLE contact_points; DROP TABLE deliveries;");
  // The events of schema 4 carried no recorded changes: chained without them.
  Rechained chained = Rechain(path, /*with_changes=*/false, /*renumber=*/true);
  Tamper(path, std::string("UPDATE events SET log_seq = -log_seq; ") + kHistoryGuards +
                   "PRAGMA user_version = 4;");
  return chain::Head::After(chained.events, chained.log_hash);
}

}  // namespace baraza::testing

// Turning a database written by this barazad back into the layout of schema 4
// (no recorded changes, no registry history, every event chained as before),
// as a database from before the history bound the state. For migration tests.
#pragma once

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <string>

#include "storage/event_chain.h"
#include "tests/fakes/tamper.h"

namespace baraza::testing {

// What schema 9 added (a group's time zone, a liaison's and a commander's
// language): dropped.
inline constexpr const char* kDropSchema9 =
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

// Rewrites the file at `path` as schema 4 would have written it; returns the
// history head it leaves, as `barazad audit head` printed it then.
inline chain::Head DowngradeToSchema4(const std::string& path) {
  Tamper(path, std::string(kDropHistoryGuards) + kDropSchema9 + kDropSchema8 + kDropSchema7 +
                   "DELETE FROM events WHERE case_id = 0 OR type = 21; "
                   "ALTER TABLE events DROP COLUMN changes; "
                   "DROP TABLE contact_points; DROP TABLE deliveries;");
  // The events of schema 4 carried no recorded changes: chained without them.
  Rechained chained = Rechain(path, /*with_changes=*/false, /*renumber=*/true);
  Tamper(path, "UPDATE events SET log_seq = -log_seq; "
                   "CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT "
                   "RAISE(ABORT, 'the history is append-only'); END; "
                   "CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT "
                   "RAISE(ABORT, 'the history is append-only'); END; "
                   "PRAGMA user_version = 4;");
  return chain::Head::After(chained.events, chained.log_hash);
}

}  // namespace baraza::testing

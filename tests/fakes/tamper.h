// Changing a database file behind the server's back, as an intruder with
// access to the file would: for tests of the tamper-evident history.
#pragma once

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <string>

namespace baraza::testing {

// Runs `sql` on the file at `path`; the test fails if SQLite refuses it.
inline void Tamper(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  std::string message = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  INFO(message);
  REQUIRE(rc == SQLITE_OK);
}

// Drops the triggers that forbid UPDATE and DELETE on events; prefix a Tamper's SQL with it.
inline constexpr const char* kDropHistoryGuards =
    "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete; ";

}  // namespace baraza::testing

// Changing a database file behind the server's back, as an intruder with
// access to the file would: for tests of the tamper-evident history.
#pragma once

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <functional>
#include <map>
#include <string>

#include "storage/case_codec.h"
#include "storage/event_chain.h"

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

// `bytes` as an SQL blob literal, x'...'.
inline std::string SqlBlob(const std::string& bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string out = "x'";
  for (unsigned char ch : bytes) {
    out += kHex[ch >> 4];
    out += kHex[ch & 15];
  }
  return out + "'";
}

// Rewrites the body of case `case_id` as an intruder who knows the format would:
// decoded, changed by `edit`, encoded again; `also` is more SQL for the same go.
inline void TamperCaseBody(const std::string& path, int64_t case_id,
                           const std::function<void(Case&)>& edit, const std::string& also = "") {
  std::string body;
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "SELECT body FROM cases WHERE id = ?", -1, &st, nullptr) ==
            SQLITE_OK);
    sqlite3_bind_int64(st, 1, case_id);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    body.assign(static_cast<const char*>(sqlite3_column_blob(st, 0)),
                static_cast<size_t>(sqlite3_column_bytes(st, 0)));
    sqlite3_finalize(st);
    sqlite3_close(db);
  }
  auto c = codec::DecodeCase(body);
  REQUIRE(c.ok());
  edit(*c);
  Tamper(path, "UPDATE cases SET body = " +
                   SqlBlob(codec::EncodeCase(*c, codec::Positions::kLeftOut)) +
                   " WHERE id = " + std::to_string(case_id) + "; " + also);
}

// Drops the triggers that forbid UPDATE and DELETE on events; prefix a Tamper's SQL with it.
inline constexpr const char* kDropHistoryGuards =
    "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete; ";

// Re-links every event of the file at `path` in log order, as an intruder
// who rewrote the history would, and returns the last link (the log head's
// hash) and the number of events. `with_changes` false chains as schema 4 did
// (the recorded changes are left out of the links). With `renumber` each event
// also gets log_seq -n, to be flipped positive by the caller.
struct Rechained {
  int64_t events = 0;
  std::string log_hash;
};
inline Rechained Rechain(const std::string& path, bool with_changes, bool renumber = false) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  std::string select = "SELECT case_id, seq, at, actor, type, party_id, visibility, details";
  select += with_changes ? ", changes" : "";
  REQUIRE(sqlite3_prepare_v2(db, (select + " FROM events ORDER BY log_seq").c_str(), -1, &st,
                             nullptr) == SQLITE_OK);
  std::map<Id, std::string> last;
  Rechained out;
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
    std::string changes;
    if (with_changes && sqlite3_column_bytes(st, 8) > 0)
      changes.assign(static_cast<const char*>(sqlite3_column_blob(st, 8)),
                     static_cast<size_t>(sqlite3_column_bytes(st, 8)));
    last[e.case_id] = chain::CaseLink(last[e.case_id], e, details, changes);
    out.log_hash = chain::LogLink(out.log_hash, last[e.case_id]);
    ++out.events;
    sql += "UPDATE events SET " +
           (renumber ? "log_seq = -" + std::to_string(out.events) + ", " : std::string()) +
           "hash = '" + last[e.case_id] + "', log_hash = '" + out.log_hash +
           "' WHERE case_id = " + std::to_string(e.case_id) + " AND seq = " +
           std::to_string(e.seq) + ";";
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  Tamper(path, sql);
  return out;
}

}  // namespace baraza::testing

// The tamper-evident history in the SQLite store: the chain verifies as written,
// and every way of changing rows in the file directly (edit, delete, reorder,
// truncate, rewrite and re-hash) is caught by the audit.
#include <catch2/catch.hpp>
#include <sqlite3.h>

#include "services/workflow/case_machine.h"
#include "storage/sqlite_case_store.h"
#include "storage/projection.h"
#include "storage/sqlite_record.h"
#include "storage/case_codec.h"
#include "tests/fakes/legacy_schema.h"
#include "tests/fakes/store_helpers.h"
#include "tests/fakes/tamper.h"
#include "tests/fakes/temp_dir.h"

using namespace baraza;
using namespace baraza::testing;

namespace {

// Two cases whose events interleave in the log: the group's registry event,
// file A, file B, answer in A. 1 + 3 + 3 + 1 = 8 events.
struct History {
  TempDir dir;
  std::string path = dir.file("b.db");
  Id case_a = 0, case_b = 0;

  History() {
    auto store = SqliteCaseStore::Open({path});
    REQUIRE(store.ok());
    ContactGroup g = Seed(**store);
    auto a = FileIn(**store, g);
    auto b = FileIn(**store, g);
    case_a = a.next.id;
    case_b = b.next.id;
    auto answer = workflow::Respond(a.next, "we accept talks", Visibility::kGroup,
                                    LiaisonOf(g.parties[1].id), kT0 + 3600 * kSecond);
    REQUIRE(answer.ok());
    Save(**store, *answer);
  }

  SqliteCaseStore::Audit Audit(std::optional<chain::Head> kept = std::nullopt) {
    auto store = SqliteCaseStore::Open({path});
    REQUIRE(store.ok());
    auto audit = (*store)->AuditHistory(kept);
    REQUIRE(audit.ok());
    return *audit;
  }
};

}  // namespace

TEST_CASE("history audit passes on an untouched history and names its head", "[audit]") {
  History h;
  auto audit = h.Audit();
  CHECK_FALSE(audit.first_break);
  CHECK(audit.head.events == 8);
  CHECK(audit.head.hash.size() == 64);
  // The head it printed checks out against the same log.
  CHECK_FALSE(h.Audit(audit.head).first_break);
}

TEST_CASE("history audit catches an edited event", "[audit]") {
  History h;
  Tamper(h.path, std::string(kDropHistoryGuards) +
                     "UPDATE events SET details = '{\"position\":\"we refuse\"}' "
                     "WHERE case_id = " + std::to_string(h.case_a) + " AND seq = 2");
  auto audit = h.Audit();
  REQUIRE(audit.first_break);
  CHECK_THAT(*audit.first_break, Catch::Contains("case " + std::to_string(h.case_a) + ", event 2"));
  CHECK_THAT(*audit.first_break, Catch::Contains("edited"));
}

TEST_CASE("history audit catches an edited actor or time", "[audit]") {
  History h;
  Tamper(h.path, std::string(kDropHistoryGuards) + "UPDATE events SET at = at + 1 WHERE log_seq = 5");
  auto audit = h.Audit();
  REQUIRE(audit.first_break);
  CHECK_THAT(*audit.first_break, Catch::StartsWith("event 5 of the log"));
}

TEST_CASE("history audit catches a deleted event", "[audit]") {
  History h;
  Tamper(h.path, std::string(kDropHistoryGuards) + "DELETE FROM events WHERE log_seq = 3");
  auto audit = h.Audit();
  REQUIRE(audit.first_break);
  CHECK_THAT(*audit.first_break, Catch::Contains("jumps from event 2 to 4"));
}

TEST_CASE("history audit catches a deleted event renumbered to hide the gap", "[audit]") {
  History h;
  Tamper(h.path, std::string(kDropHistoryGuards) +
                     "DELETE FROM events WHERE log_seq = 4; "
                     "UPDATE events SET log_seq = -log_seq WHERE log_seq > 4; "
                     "UPDATE events SET log_seq = -log_seq - 1 WHERE log_seq < 0;");
  auto audit = h.Audit();
  REQUIRE(audit.first_break);
  // The event now numbered 4 (case B's first) no longer follows event 3 in the log chain.
  CHECK_THAT(*audit.first_break, Catch::StartsWith("event 4 of the log"));
  CHECK_THAT(*audit.first_break, Catch::Contains("chain breaks"));
}

TEST_CASE("history audit catches two events swapped in the log", "[audit]") {
  History h;
  // Events 4 (case A) and 5 (case B) change places.
  Tamper(h.path, std::string(kDropHistoryGuards) +
                     "UPDATE events SET log_seq = -1 WHERE log_seq = 4; "
                     "UPDATE events SET log_seq = 4 WHERE log_seq = 5; "
                     "UPDATE events SET log_seq = 5 WHERE log_seq = -1;");
  auto audit = h.Audit();
  REQUIRE(audit.first_break);
  CHECK_THAT(*audit.first_break, Catch::StartsWith("event 4 of the log"));
}

TEST_CASE("history audit catches a truncated log against the kept head", "[audit]") {
  History h;
  chain::Head kept = h.Audit().head;
  Tamper(h.path, std::string(kDropHistoryGuards) + "DELETE FROM events WHERE log_seq > 5");
  // Without the kept head a cut at the end cannot be seen: what remains is a valid chain.
  CHECK_FALSE(h.Audit().first_break);
  auto audit = h.Audit(kept);
  REQUIRE(audit.first_break);
  CHECK_THAT(*audit.first_break, Catch::Contains("holds 5 events but the kept head names event 8"));
}

TEST_CASE("history audit catches a log rewritten and re-hashed against the kept head", "[audit]") {
  History h;
  chain::Head kept = h.Audit().head;
  // The intruder edits event 2 and recomputes every hash after it.
  Tamper(h.path, std::string(kDropHistoryGuards) +
                     "UPDATE events SET actor = 'someone else' WHERE log_seq = 2");
  Rechain(h.path, /*with_changes=*/true);
  CHECK_FALSE(h.Audit().first_break);  // a consistent forgery, on its own
  auto audit = h.Audit(kept);
  REQUIRE(audit.first_break);
  CHECK_THAT(*audit.first_break, Catch::Contains("does not match the kept head"));
}

TEST_CASE("history audit checks a head that is not the last one", "[audit]") {
  History h;
  chain::Head at_eight = h.Audit().head;
  {
    auto store = SqliteCaseStore::Open({h.path});
    REQUIRE(store.ok());
    FileIn(**store, *(*store)->GetGroup(1));
  }
  auto audit = h.Audit(at_eight);
  CHECK_FALSE(audit.first_break);
  CHECK(audit.head.events == 11);
  CHECK(audit.head.hash != at_eight.hash);
}

TEST_CASE("sqlite store chains the events of a version 1 database when it migrates", "[audit]") {
  History h;
  chain::Head before = DowngradeToSchema4(h.path);
  // Back to the version 1 layout: no log order, no hashes, no reports.
  Tamper(h.path, kPositionsBackIntoBodies);
  Tamper(h.path,
         "DROP TABLE reports; DROP INDEX events_by_log; ALTER TABLE events DROP COLUMN log_seq; "
         "ALTER TABLE events DROP COLUMN hash; ALTER TABLE events DROP COLUMN log_hash; "
         "PRAGMA user_version = 1;");
  // Same order (time, case, sequence), same chain; then the state sealed on top.
  auto audit = h.Audit(before);
  CHECK(audit.ok());
  CHECK(before.events == 7);
  CHECK(audit.head.events == 7 + 2 + 1);  // a seal per case, one for the registry
}

TEST_CASE("sqlite store migrates a version 8 history into a table kept in log order, head unchanged",
          "[audit][record]") {
  History h;
  auto before = h.Audit();
  REQUIRE(before.ok());
  Tamper(h.path, std::string(kDropSchema10) + kDropSchema9 + kHistoryGuards +
                     "PRAGMA user_version = 8;");
  auto layout = [&] {
    std::string sql;
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(h.path.c_str(), &db) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_schema WHERE name = 'events'", -1, &st,
                               nullptr) == SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
      sql = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return sql;
  };
  REQUIRE(layout().find("WITHOUT ROWID") != std::string::npos);  // the old layout, really
  auto after = h.Audit(before.head);  // opening migrates to schema 9
  CHECK(after.ok());
  CHECK(after.head.events == before.head.events);
  CHECK(after.head.hash == before.head.hash);
  CHECK(layout().find("log_seq INTEGER PRIMARY KEY") != std::string::npos);
  CHECK(layout().find("WITHOUT ROWID") == std::string::npos);
  // Still append-only, and a case's history still reads in order.
  auto store = SqliteCaseStore::Open({h.path});
  REQUIRE(store.ok());
  CHECK((*store)->CheckOnStart().ok());
  auto events = (*store)->ListEvents(h.case_a);
  REQUIRE(events.ok());
  REQUIRE(events->size() >= 2);
  for (size_t i = 1; i < events->size(); ++i) CHECK((*events)[i].seq == (*events)[i - 1].seq + 1);
}

TEST_CASE("history head parses what it prints and refuses anything else", "[audit]") {
  chain::Head h{12, std::string(64, 'a')};
  auto back = chain::Head::Parse(h.ToString());
  REQUIRE(back.ok());
  CHECK(back->events == 12);
  CHECK(back->hash == h.hash);
  CHECK_FALSE(chain::Head::Parse("12").ok());
  CHECK_FALSE(chain::Head::Parse(":" + std::string(64, 'a')).ok());
  CHECK_FALSE(chain::Head::Parse("x2:" + std::string(64, 'a')).ok());
  CHECK_FALSE(chain::Head::Parse("12:" + std::string(63, 'a')).ok());
  CHECK_FALSE(chain::Head::Parse("12:" + std::string(64, 'G')).ok());
}

TEST_CASE("sqlite store seals the state of a version 4 database into its history when it migrates",
          "[audit][record]") {
  History h;
  chain::Head v4 = DowngradeToSchema4(h.path);
  CHECK(v4.events == 7);  // no registry history before schema 5
  auto audit = h.Audit(v4);  // opening migrates
  CHECK(audit.ok());
  CHECK(audit.head.events == 7 + 2 + 1);  // a seal per case, one for the registry
  // Sealed, the state is bound: an edit of it is caught like any other.
  Tamper(h.path, "DROP TRIGGER positions_no_update; UPDATE positions SET text = 'we refuse'");
  auto edited = h.Audit(v4);
  CHECK_FALSE(edited.first_break);
  REQUIRE(edited.mismatch_count == 1);
  CHECK_THAT(edited.mismatches[0],
             Catch::StartsWith("position 1 of case " + std::to_string(h.case_a) + ": the row differs"));
  auto rebuilt = SqliteCaseStore::Rebuild(h.path);
  REQUIRE(rebuilt.ok());
  CHECK(h.Audit(v4).ok());
  auto store = SqliteCaseStore::Open({h.path});
  REQUIRE(store.ok());
  CHECK((*store)->GetCase(h.case_a)->positions.at(0).text == "we accept talks");
}

TEST_CASE("sqlite store migrates a version 6 database with its history and state sum intact",
          "[audit][record]") {
  History h;
  auto before = h.Audit();
  REQUIRE(before.ok());
  Tamper(h.path, std::string(kDropSchema10) + kDropSchema9 + kHistoryGuards + kDropSchema8 + kDropSchema7 +
                     "PRAGMA user_version = 6;");
  auto after = h.Audit(before.head);  // opening migrates to schema 7
  CHECK(after.ok());
  CHECK(after.head.events == before.head.events);  // nothing to seal: the rows digest as before
  auto store = SqliteCaseStore::Open({h.path});
  REQUIRE(store.ok());
  CHECK((*store)->CheckOnStart().ok());
  auto notices = (*store)->ListNotices(Recipient::Party(kPartyA), 0, 10);
  REQUIRE(notices.ok());
  REQUIRE_FALSE(notices->empty());
  CHECK(notices->front().to == Recipient::Party(kPartyA));
  CHECK((*store)->ListNotices(Recipient::Mediators(), 0, 10)->empty());
}

TEST_CASE("the start-up check passes on an untouched record and names an edited one",
          "[audit][record]") {
  History h;
  {
    auto store = SqliteCaseStore::Open({h.path});
    REQUIRE(store.ok());
    CHECK((*store)->CheckOnStart().ok());
  }
  Tamper(h.path, "UPDATE deadlines SET due_at = 0 WHERE case_id = " + std::to_string(h.case_b));
  auto store = SqliteCaseStore::Open({h.path});
  REQUIRE(store.ok());
  Status s = (*store)->CheckOnStart();
  CHECK(s.code() == Code::kDataLoss);
  CHECK_THAT(s.message(), Catch::Contains("of case " + std::to_string(h.case_b)));
}

TEST_CASE("the start-up check catches an edited event at the end of the log", "[audit][record]") {
  History h;
  Tamper(h.path, std::string(kDropHistoryGuards) + "UPDATE events SET at = at + 1 WHERE log_seq = 8");
  auto store = SqliteCaseStore::Open({h.path});
  REQUIRE(store.ok());
  Status s = (*store)->CheckOnStart();
  CHECK(s.code() == Code::kDataLoss);
  CHECK_THAT(s.message(), Catch::Contains("event 8 of the log"));
  CHECK_THAT(s.message(), Catch::Contains("edited"));
}

TEST_CASE("history audit refuses a case's row recorded in another history", "[audit][record]") {
  // An insider rewrites case A's row and appends a properly chained registry
  // event (case 0) that records the forged row and the matching state sum.
  History h;
  std::string body;
  int64_t log_seq = 0, reg_seq = 0;
  std::string log_hash, reg_hash;
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(h.path.c_str(), &db) == SQLITE_OK);
    auto one = [&](const std::string& sql, auto read) {
      sqlite3_stmt* st = nullptr;
      REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
      if (sqlite3_step(st) == SQLITE_ROW) read(st);
      sqlite3_finalize(st);
    };
    one("SELECT body FROM cases WHERE id = " + std::to_string(h.case_a), [&](sqlite3_stmt* st) {
      body = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    });
    one("SELECT log_seq, log_hash FROM events ORDER BY log_seq DESC LIMIT 1", [&](sqlite3_stmt* st) {
      log_seq = sqlite3_column_int64(st, 0);
      log_hash = reinterpret_cast<const char*>(sqlite3_column_text(st, 1));
    });
    one("SELECT seq, hash FROM events WHERE case_id = 0 ORDER BY seq DESC LIMIT 1",
        [&](sqlite3_stmt* st) {
          reg_seq = sqlite3_column_int64(st, 0);
          reg_hash = reinterpret_cast<const char*>(sqlite3_column_text(st, 1));
        });
    sqlite3_close(db);
  }
  Case forged;
  {
    auto store = SqliteCaseStore::Open({h.path});
    REQUIRE(store.ok());
    forged = *(*store)->GetCase(h.case_a);
  }
  forged.state = CaseState::kDefaultJudgement;
  std::string forged_body = codec::EncodeCase(forged, codec::Positions::kLeftOut);
  Tamper(h.path, "UPDATE cases SET state = 4, body = " + SqlBlob(forged_body) + " WHERE id = " +
                     std::to_string(h.case_a));
  // The state sum as the forger recomputes it, forged row included.
  projection::StateSum sum;
  {
    auto forger = sqlite::Connection::Open(h.path, /*writer=*/false);
    REQUIRE(forger.ok());
    auto s = sql::SumOfTables(**forger);
    REQUIRE(s.ok());
    sum = *s;
  }
  sqlite3* db = nullptr;
  Event e;
  e.case_id = 0;
  e.seq = reg_seq + 1;
  e.at = kT0 + 9 * kSecond;
  e.actor = "system";
  e.type = EventType::kRegistryChanged;
  e.visibility = Visibility::kMediatorOnly;
  std::string details = codec::EncodeDetails({{"changed", "case written"}});
  std::string changes = projection::Encode(
      {{projection::Table::kCases, projection::CaseRow(forged, forged_body), false}}, sum);
  std::string link = chain::CaseLink(reg_hash, e, details, changes);
  std::string log = chain::LogLink(log_hash, link);
  {
    REQUIRE(sqlite3_open(h.path.c_str(), &db) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db,
                               "INSERT INTO events(case_id, seq, at, actor, type, party_id, "
                               "visibility, details, log_seq, hash, log_hash, changes) "
                               "VALUES(0,?,?,?,?,0,?,?,?,?,?,?)",
                               -1, &st, nullptr) == SQLITE_OK);
    sqlite3_bind_int64(st, 1, e.seq);
    sqlite3_bind_int64(st, 2, e.at);
    sqlite3_bind_text(st, 3, e.actor.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 4, static_cast<int>(e.type));
    sqlite3_bind_int(st, 5, static_cast<int>(e.visibility));
    sqlite3_bind_text(st, 6, details.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 7, log_seq + 1);
    sqlite3_bind_text(st, 8, link.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 9, log.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_blob(st, 10, changes.data(), static_cast<int>(changes.size()), SQLITE_TRANSIENT);
    REQUIRE(sqlite3_step(st) == SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(db);
  }
  auto audit = h.Audit();
  CHECK_FALSE(audit.first_break);  // the chain itself is consistent: the forger re-linked it
  REQUIRE(audit.mismatch_count >= 1);
  CHECK_THAT(audit.mismatches[0], Catch::Contains("case 0, event"));
  CHECK_THAT(audit.mismatches[0],
             Catch::Contains("it records case " + std::to_string(h.case_a) +
                             ", which belongs to case " + std::to_string(h.case_a)));
}

TEST_CASE("sqlite store migrates a version 8 database whose notices are English text: old heads "
          "verify and the text is shown as stored", "[audit][record][i18n]") {
  TempDir dir;
  std::string path = dir.file("b.db");
  Id case_id = 0;
  {
    auto store = SqliteCaseStore::Open({path});
    REQUIRE(store.ok());
    ContactGroup g = Seed(**store);
    // A case filed as the server wrote it before messages: finished English.
    Status s = (*store)->WriteAndWait([&](WriteTx& tx) -> Status {
      auto id = tx.NextCaseId();
      if (!id.ok()) return id.status();
      auto f = TwoRespondentDispute();
      f.group_id = g.id;
      f.filed_by_party_id = g.parties[0].id;
      f.respondent_party_ids = {g.parties[1].id, g.parties[2].id};
      auto t = workflow::FileDispute(*id, f, g, Mediator(), kT0);
      if (!t.ok()) return t.status();
      for (Notice& n : t->notices) {
        n.message = {};
        n.text = "case " + std::to_string(*id) + ": your party is called to negotiate.";
      }
      case_id = *id;
      return tx.SaveCase(t->next, t->events, t->notices, workflow::PendingDeadlines(t->next));
    });
    REQUIRE(s.ok());
  }
  Tamper(path, std::string(kDropSchema10) + kDropSchema9 + kHistoryGuards +
                   "PRAGMA user_version = 8;");
  chain::Head old_head;
  {
    auto store = SqliteCaseStore::Open({path});  // migrates to schema 10
    REQUIRE(store.ok());
    auto audit = (*store)->AuditHistory(std::nullopt);
    REQUIRE(audit.ok());
    CHECK(audit->ok());
    old_head = audit->head;
    auto notices = (*store)->ListNotices(Recipient::Party(kPartyB), 0, 10);
    REQUIRE(notices.ok());
    REQUIRE(notices->size() == 1);
    CHECK(notices->front().message.empty());
    CHECK(notices->front().text == "case " + std::to_string(case_id) +
                                       ": your party is called to negotiate.");
    // A new case's notices are stored as messages, after the old history.
    ContactGroup g = *(*store)->GetGroup(1);
    auto t = FileIn(**store, g);
    auto fresh = (*store)->ListNotices(Recipient::Party(kPartyB), 0, 10);
    REQUIRE(fresh.ok());
    REQUIRE(fresh->size() == 2);
    CHECK(fresh->back().message.id == "notice.call_to_negotiate");
    CHECK(fresh->back().text.empty());
    CHECK((*store)->CheckOnStart().ok());
  }
  // The head kept before the new messages still verifies as a prefix, and so
  // does the whole history.
  auto store = SqliteCaseStore::Open({path});
  REQUIRE(store.ok());
  auto audit = (*store)->AuditHistory(old_head);
  REQUIRE(audit.ok());
  CHECK(audit->ok());
  CHECK(audit->head.events > old_head.events);
}

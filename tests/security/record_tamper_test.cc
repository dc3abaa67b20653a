// The history binds the state: an edit of any table of a closed database, made
// behind the server's back, is named by `barazad audit verify`, stops barazad
// from starting, and is undone by `barazad rebuild`. On the real binary.
#include <catch2/catch.hpp>

#include <filesystem>

#include "tests/e2e/e2e_fixtures.h"
#include "tests/fakes/tamper.h"

using namespace baraza;
using namespace baraza::testing;

namespace {

const std::string kBarazad = BARAZAD_PATH;

// A dispute whose answering party stated a mediator-only position, and whose
// silent party is still awaited; then barazad stopped.
class ClosedRecord : public WithThreeParties {
 protected:
  ClosedRecord() {
    auto m = Mediator();
    v1::Case filed;
    REQUIRE(m.FileDispute(Dispute(s, 3600), &filed).ok());
    case_id = filed.id();
    v1::Case answered;
    REQUIRE(server.Client(s.answers_token)
                .RespondToNotice(Answer(case_id, "Held for the mediator: we will withdraw",
                                        v1::VISIBILITY_MEDIATOR_ONLY),
                                 &answered)
                .ok());
    REQUIRE(server.Stop() == 0);
    db = server.db_path();
    the_case = "case " + std::to_string(case_id);
  }

  std::pair<int, std::string> Barazad(const std::string& args) {
    return RunCommand(kBarazad + " " + args + " --db " + db);
  }
  // barazad refuses at once on an edited record; one that starts is stopped after 15 s.
  std::pair<int, std::string> TryStart() {
    return RunCommand("timeout 15 " + kBarazad + " --listen 127.0.0.1:0 --mediator-token-file " +
                      dir.file("mediator.token") + " --db " + db);
  }

  // The edit is named by the audit and refused at start; rebuild restores the state.
  void ExpectCaughtAndRebuilt(const std::string& names) {
    auto [verify_code, verify_out] = Barazad("audit verify");
    CHECK(verify_code == 1);
    CHECK_THAT(verify_out, Catch::Contains("MISMATCH: "));
    CHECK_THAT(verify_out, Catch::Contains(names));
    CHECK_THAT(verify_out, Catch::Contains("barazad rebuild"));

    auto [start_code, start_out] = TryStart();
    CHECK(start_code == 1);
    CHECK_THAT(start_out, Catch::Contains("does not match the history"));
    CHECK_THAT(start_out, Catch::Contains(names));

    auto [rebuild_code, rebuild_out] = Barazad("rebuild");
    INFO(rebuild_out);
    CHECK(rebuild_code == 0);
    CHECK_THAT(rebuild_out, Catch::Contains("and the state verified"));
    REQUIRE(server.Start());
    auto mediator = Mediator();
    auto k = GetCase(mediator, case_id);
    CHECK(k.state() == v1::CASE_STATE_NEGOTIATING);
    CHECK(RespondentOf(k, s.answers).status() == v1::RESPONDENT_STATUS_ANSWERED);
    REQUIRE(k.positions_size() == 1);
    CHECK(k.positions(0).visibility() == v1::VISIBILITY_MEDIATOR_ONLY);
    CHECK(k.positions(0).text() == "Held for the mediator: we will withdraw");
  }

  int64_t case_id = 0;
  std::string db, the_case;
};

}  // namespace

TEST_CASE_METHOD(ClosedRecord, "an untouched record verifies, starts, and rebuilds to itself",
                 "[security][audit][record]") {
  auto [code, out] = Barazad("audit verify");
  CHECK(code == 0);
  CHECK_THAT(out, Catch::Contains("events and the state verified"));
  auto [rebuild_code, rebuild_out] = Barazad("rebuild");
  CHECK(rebuild_code == 0);
  CHECK_THAT(rebuild_out, Catch::Contains("and the state verified"));
  CHECK(server.Start());
}

TEST_CASE_METHOD(ClosedRecord, "a case's state edited by hand is caught and rebuilt",
                 "[security][audit][record]") {
  Tamper(db, "UPDATE cases SET state = 4 WHERE id = " + std::to_string(case_id));
  ExpectCaughtAndRebuilt(the_case);
}

TEST_CASE_METHOD(ClosedRecord, "a respondent set back to awaiting with a past deadline is caught",
                 "[security][audit][record]") {
  // The attack of issue 14: the answered party made a no-show, with a due
  // deadline, so that a default judgement would fall on it at start.
  TamperCaseBody(
      db, case_id,
      [](Case& c) {
        c.respondents.at(0).status = RespondentStatus::kAwaiting;
        c.respondents.at(0).deadline = 1000;
      },
      "INSERT INTO deadlines(case_id, party_id, kind, due_at) VALUES(" + std::to_string(case_id) +
          ", " + std::to_string(s.answers) + ", 2, 1000) ON CONFLICT DO UPDATE SET due_at = 1000;");
  ExpectCaughtAndRebuilt(the_case);
}

TEST_CASE_METHOD(ClosedRecord, "a position's text edited by hand is caught and rebuilt",
                 "[security][audit][record]") {
  Tamper(db, "DROP TRIGGER positions_no_update; UPDATE positions SET text = 'we refuse'");
  ExpectCaughtAndRebuilt("position 1 of " + the_case);
}

TEST_CASE_METHOD(ClosedRecord, "a mediator-only position made public by hand is caught and rebuilt",
                 "[security][audit][record]") {
  Tamper(db, "DROP TRIGGER positions_no_update; UPDATE positions SET visibility = 1");
  ExpectCaughtAndRebuilt("position 1 of " + the_case);
}

TEST_CASE_METHOD(ClosedRecord, "a deadline row moved or deleted by hand is caught and rebuilt",
                 "[security][audit][record]") {
  SECTION("moved") { Tamper(db, "UPDATE deadlines SET due_at = due_at + 86400000"); }
  SECTION("deleted") { Tamper(db, "DELETE FROM deadlines"); }
  ExpectCaughtAndRebuilt("of " + the_case);
}

TEST_CASE_METHOD(ClosedRecord, "a token's role edited by hand is caught and rebuilt",
                 "[security][audit][record]") {
  // A liaison's token made a mediator's.
  Tamper(db, "UPDATE tokens SET role = 1 WHERE role = 2 AND party_id = " +
                 std::to_string(s.silent));
  ExpectCaughtAndRebuilt("token ");
}

TEST_CASE_METHOD(ClosedRecord, "a notice inserted by hand is caught and rebuilt",
                 "[security][audit][record]") {
  Tamper(db, "INSERT INTO notices(case_id, party_id, kind, text, created_at, deadline) VALUES(" +
                 std::to_string(case_id) + ", " + std::to_string(s.silent) +
                 ", 4, 'a default judgement was entered against you', 0, 0)");
  ExpectCaughtAndRebuilt("of " + the_case);
}

TEST_CASE_METHOD(ClosedRecord, "an edited event is refused at start and cannot be rebuilt from",
                 "[security][audit][record]") {
  Tamper(db, std::string(kDropHistoryGuards) +
                 "UPDATE events SET actor = 'someone else' WHERE log_seq = (SELECT MAX(log_seq) "
                 "FROM events)");
  auto [start_code, start_out] = TryStart();
  CHECK(start_code == 1);
  CHECK_THAT(start_out, Catch::Contains("the history does not verify"));
  CHECK_THAT(start_out, Catch::Contains("was edited"));
  auto [rebuild_code, rebuild_out] = Barazad("rebuild");
  CHECK(rebuild_code == 1);
  CHECK_THAT(rebuild_out, Catch::Contains("restore a backup"));
}

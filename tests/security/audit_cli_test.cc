// `barazad audit` on the real database a real server wrote: it verifies an
// untouched history, prints a head, and names what an intruder changed in the file.
#include <catch2/catch.hpp>
#include <sqlite3.h>

#include "tests/e2e/e2e_fixtures.h"
#include "tests/fakes/tamper.h"

using namespace baraza;
using namespace baraza::testing;

namespace {

std::string Audit(const std::string& db, const std::string& args) {
  return std::string(BARAZAD_PATH) + " audit " + args + " --db " + db;
}

}  // namespace

TEST_CASE_METHOD(WithThreeParties, "barazad audit verifies what the server wrote and catches edits",
                 "[security][audit]") {
  auto mediator = Mediator();
  v1::Case filed;
  REQUIRE(mediator.FileDispute(Dispute(s, 3600), &filed).ok());
  REQUIRE(mediator.FileDispute(Dispute(s, 3600), &filed).ok());
  REQUIRE(server.Stop() == 0);

  auto [verify_code, verify_out] = RunCommand(Audit(server.db_path(), "verify"));
  CHECK(verify_code == 0);
  // 8 registry events (the first mediator token, the group, 3 parties, 3
  // liaisons with their tokens), then 3 events per dispute.
  CHECK_THAT(verify_out, Catch::Contains("ok: 14 events and the state verified"));
  auto [head_code, head] = RunCommand(Audit(server.db_path(), "head"));
  REQUIRE(head_code == 0);
  head = head.substr(0, head.find('\n'));
  CHECK_THAT(head, Catch::StartsWith("14:"));

  // An intruder deletes the last event and drops the guards that forbid it.
  Tamper(server.db_path(),
         std::string(kDropHistoryGuards) + "DELETE FROM events WHERE log_seq = 14");
  // The chain that is left is valid on its own, but the state it left behind
  // (the second dispute's rows) is no longer in the history...
  auto [short_code, short_out] = RunCommand(Audit(server.db_path(), "verify"));
  CHECK(short_code == 1);
  CHECK_THAT(short_out, Catch::Contains("MISMATCH: case " + std::to_string(filed.id()) +
                                        ": the row is not in the history"));
  // ...and the head kept outside names the cut.
  auto [kept_code, kept_out] = RunCommand(Audit(server.db_path(), "verify --head " + head));
  CHECK(kept_code == 1);
  CHECK_THAT(kept_out, Catch::Contains("BROKEN: the log holds 13 events but the kept head names event 14"));

  // And edits a position.
  Tamper(server.db_path(),
         "UPDATE events SET details = '{}' WHERE log_seq = 2");
  auto [edit_code, edit_out] = RunCommand(Audit(server.db_path(), "verify"));
  CHECK(edit_code == 1);
  CHECK_THAT(edit_out, Catch::Contains("BROKEN: event 2 of the log"));
  CHECK_THAT(edit_out, Catch::Contains("edited"));
  auto [broken_head_code, broken_head_out] = RunCommand(Audit(server.db_path(), "head"));
  CHECK(broken_head_code == 1);
  CHECK_THAT(broken_head_out, Catch::Contains("does not verify"));
}

TEST_CASE("barazad audit says what is wrong with a malformed head", "[security][audit]") {
  TempDir dir;
  auto [code, out] = RunCommand(std::string(BARAZAD_PATH) + " audit verify --head 12:abc --db " +
                                dir.file("none.db"));
  CHECK(code == 1);
  CHECK_THAT(out, Catch::Contains("<events>:<64 hex digits>"));
}

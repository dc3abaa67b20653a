// End-to-end on PostgreSQL: the real barazad with --store on a real
// PostgreSQL 15 started by the test, driven through the client library; the
// operator commands (`audit verify`, `migrate`) on the same databases.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/e2e/e2e_fixtures.h"
#include "tests/fakes/postgres_server.h"
#include "tests/fakes/postgres_tools.h"

using namespace baraza;
using namespace baraza::testing;
using namespace std::chrono_literals;

namespace {

std::string Barazad(const std::string& args) { return std::string(BARAZAD_PATH) + " " + args; }

std::string Quoted(const std::string& s) { return "'" + s + "'"; }

// A new database of the test's PostgreSQL, as barazad's --store takes it.
std::string NewStore() {
  auto& pg = PostgresServer::Get();
  std::string conninfo = pg.NewDatabase();
  auto at = conninfo.find("dbname=") + 7;
  return pg.Uri(conninfo.substr(at, conninfo.find(' ', at) - at));
}

// The "<events>:<hash>" after `prefix` on a line of a command's output.
std::string After(const std::string& out, const std::string& prefix) {
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(prefix, 0) == 0) return line.substr(prefix.size());
  return "";
}

}  // namespace

TEST_CASE(
    "barazad on PostgreSQL: a dispute is answered, judged by default, and the history verifies",
    "[e2e][postgres]") {
  BARAZA_REQUIRE_POSTGRES();
  std::string store = NewStore();
  TempDir dir;
  ServerProcess server(dir);
  server.extra_args = {"--store", store};
  REQUIRE(server.Start());
  auto mediator = server.Client(server.mediator_token());
  Setup s = ThreeParties(mediator);
  v1::Case filed;
  {
    // The silent party's liaison watches its notices: the record then shows the
    // outreach a default judgement needs (a notice streamed from PostgreSQL).
    ConnectedLiaison silent_phone(server, s.silent_token);
    REQUIRE(mediator.FileDispute(Dispute(s, 4), &filed).ok());
    CHECK(filed.state() == v1::CASE_STATE_NEGOTIATING);
    auto answering = server.Client(s.answers_token);
    v1::Case after_answer;
    REQUIRE(
        answering.RespondToNotice(Answer(filed.id(), "We open the well at dawn."), &after_answer)
            .ok());
    // The deadline fires by itself, from the PostgreSQL store's deadlines.
    v1::Case done = WaitForCase(mediator, filed.id(), 30s, [](const v1::Case& k) {
      return k.state() == v1::CASE_STATE_DEFAULT_JUDGEMENT;
    });
    REQUIRE(done.state() == v1::CASE_STATE_DEFAULT_JUDGEMENT);
    CHECK(RespondentOf(done, s.silent).status() == v1::RESPONDENT_STATUS_DEFAULTED);
    auto events = History(mediator, filed.id());
    CHECK(Count(events, v1::EVENT_TYPE_DEFAULT_JUDGEMENT_ENTERED, s.silent) == 1);
  }
  CHECK(server.Stop() == 0);

  // `audit verify` on the same database; and a restart serves the same case.
  auto [code, out] = RunCommand(Barazad("audit verify --store " + Quoted(store)));
  INFO(out);
  CHECK(code == 0);
  CHECK_THAT(out, Catch::StartsWith("ok: "));
  REQUIRE(server.Start());
  auto again = server.Client(server.mediator_token());
  CHECK(GetCase(again, filed.id()).state() == v1::CASE_STATE_DEFAULT_JUDGEMENT);
  CHECK(server.Stop() == 0);
}

TEST_CASE(
    "barazad with an unreachable PostgreSQL exits at once with a message saying what to check",
    "[e2e][postgres]") {
  TempDir dir;
  // Port 1 on loopback: nothing listens there.
  auto [code, out] =
      RunCommand(Barazad("--store 'postgresql://baraza@127.0.0.1:1/none' --db " + dir.file("b.db") +
                         " --mediator-token-file " + dir.file("t") + " 2>&1"));
  INFO(out);
  CHECK(code != 0);
  CHECK_THAT(out, Catch::Contains("cannot connect to PostgreSQL"));
  CHECK_THAT(out, Catch::Contains("--store"));
  auto [bad_code, bad_out] =
      RunCommand(Barazad("--store 'mysql://x' --db " + dir.file("b.db") +
                         " --mediator-token-file " + dir.file("t") + " 2>&1"));
  CHECK(bad_code != 0);
  CHECK_THAT(bad_out, Catch::Contains("is not a postgresql:// URI"));
}

TEST_CASE("barazad migrate moves an SQLite mission to PostgreSQL with the same head, once",
          "[e2e][postgres]") {
  BARAZA_REQUIRE_POSTGRES();
  TempDir dir;
  ServerProcess server(dir);
  REQUIRE(server.Start());
  int64_t case_id = 0;
  {
    auto mediator = server.Client(server.mediator_token());
    Setup s = ThreeParties(mediator);
    v1::Case filed;
    REQUIRE(mediator.FileDispute(Dispute(s, 3600), &filed).ok());
    case_id = filed.id();
    auto answering = server.Client(s.answers_token);
    v1::Case answered;
    // A mediator-only position: sealed text, moved as it is under the same key.
    auto answer = Answer(case_id, "only the mediator may read this", v1::VISIBILITY_MEDIATOR_ONLY);
    REQUIRE(answering.RespondToNotice(answer, &answered).ok());
  }
  CHECK(server.Stop() == 0);

  std::string store = NewStore();
  auto [code, out] = RunCommand(
      Barazad("migrate --from sqlite:" + server.db_path() + " --to " + Quoted(store) + " 2>&1"));
  INFO(out);
  REQUIRE(code == 0);
  std::string from = After(out, "head of sqlite:" + server.db_path() + ": ");
  std::string to = After(out, "head of the PostgreSQL copy: ");
  CHECK_FALSE(from.empty());
  CHECK(from == to);
  auto [verify_code, verify_out] = RunCommand(Barazad("audit verify --store " + Quoted(store)));
  CHECK(verify_code == 0);
  CHECK(After(verify_out, "head ") == from);
  // The copy is planned as what it is from the first request: analyzed.
  CHECK(pgtools::Scalar(store, "SELECT count(*) FROM pg_stat_user_tables WHERE relname = "
                               "'events' AND last_analyze IS NOT NULL") == "1");

  // A second migration into the same database is refused and writes nothing.
  auto [again_code, again_out] = RunCommand(
      Barazad("migrate --from sqlite:" + server.db_path() + " --to " + Quoted(store) + " 2>&1"));
  CHECK(again_code != 0);
  CHECK_THAT(again_out, Catch::Contains("already holds Baraza data"));
  auto [after_code, after_out] = RunCommand(Barazad("audit verify --store " + Quoted(store)));
  CHECK(After(after_out, "head ") == from);

  // barazad serves the moved mission from PostgreSQL, with the same mediator
  // token and the same data key (beside --db), mediator-only text included.
  server.extra_args = {"--store", store};
  REQUIRE(server.Start());
  auto mediator = server.Client(server.mediator_token());
  v1::Case moved = GetCase(mediator, case_id);
  REQUIRE(moved.positions_size() >= 1);
  CHECK(moved.positions(moved.positions_size() - 1).text() == "only the mediator may read this");
  CHECK(server.Stop() == 0);
}

TEST_CASE(
    "two barazad on one PostgreSQL: each serves, every deadline fires once, notices reach "
    "a liaison watching through the other",
    "[e2e][postgres]") {
  BARAZA_REQUIRE_POSTGRES();
  std::string store = NewStore();
  TempDir dir_a, dir_b;
  ServerProcess a(dir_a), b(dir_b);
  a.extra_args = {"--store", store};
  REQUIRE(a.Start());
  // The second shares the database and its data key; the first's mediator token works on both.
  b.extra_args = {"--store", store, "--data-key-file", a.db_path() + ".key"};
  REQUIRE(b.Start());
  const std::string token = a.mediator_token();
  auto via_a = a.Client(token);
  auto via_b = b.Client(token);
  Setup s = ThreeParties(via_a);
  std::vector<int64_t> ids;
  {
    // Neither respondent answers; one's liaison watches through a, the other's
    // through b only: each is told, so each is judged by default.
    ConnectedLiaison silent_phone(b, s.silent_token);
    ConnectedLiaison other_phone(a, s.answers_token);
    for (int i = 0; i < 4; ++i) {  // filed through both
      v1::Case filed;
      REQUIRE((i % 2 ? via_b : via_a).FileDispute(Dispute(s, 4), &filed).ok());
      ids.push_back(filed.id());
    }
    for (int i = 0; i < 100 && silent_phone.received() < 4; ++i) std::this_thread::sleep_for(100ms);
    CHECK(silent_phone.received() >= 4);  // the two filed through a came over NOTIFY
    for (int i = 0; i < 100 && other_phone.received() < 4; ++i) std::this_thread::sleep_for(100ms);
    CHECK(other_phone.received() >= 4);  // and those filed through b to a
    for (int64_t id : ids) {
      v1::Case done = WaitForCase(via_b, id, 30s, [](const v1::Case& k) {
        return k.state() == v1::CASE_STATE_DEFAULT_JUDGEMENT;
      });
      CHECK(done.state() == v1::CASE_STATE_DEFAULT_JUDGEMENT);
    }
  }
  // Both schedulers watched the same deadlines; each fired once.
  for (int64_t id : ids) {
    auto events = History(via_a, id);
    CHECK(Count(events, v1::EVENT_TYPE_DEFAULT_JUDGEMENT_ENTERED, s.silent) == 1);
    CHECK(Count(events, v1::EVENT_TYPE_DEFAULT_JUDGEMENT_ENTERED, s.answers) == 1);
  }
  CHECK(a.Stop() == 0);
  CHECK(b.Stop() == 0);
  auto [code, out] = RunCommand(Barazad("audit verify --store " + Quoted(store)));
  INFO(out);
  CHECK(code == 0);
}

TEST_CASE(
    "barazad on PostgreSQL says NOT_SERVING and fails writes UNAVAILABLE while the database "
    "is away, then serves again by itself",
    "[e2e][postgres]") {
  BARAZA_REQUIRE_POSTGRES();
  auto& pg = PostgresServer::Get();
  std::string store = NewStore();
  TempDir dir;
  ServerProcess server(dir);
  server.extra_args = {"--store", store};
  REQUIRE(server.Start());
  auto mediator = server.Client(server.mediator_token());
  Setup s = ThreeParties(mediator);
  pg.Stop();
  bool serving = true;
  // barazad checks the database every second: a bounded wait for NOT_SERVING.
  for (int i = 0; i < 100 && serving; ++i) {
    serving = mediator.WaitUntilServing(100ms);
    if (serving) std::this_thread::sleep_for(100ms);
  }
  {
    std::ifstream log(dir.file("barazad.log"));
    std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
    INFO("barazad's log:\n" << text);
    CHECK_FALSE(serving);
  }
  v1::Case filed;
  auto refused = mediator.FileDispute(Dispute(s, 3600), &filed);
  CHECK(refused.error_code() == grpc::StatusCode::UNAVAILABLE);
  pg.Start();
  CHECK(mediator.WaitUntilServing(20s));
  auto accepted = mediator.FileDispute(Dispute(s, 3600), &filed);
  INFO(accepted.error_message());
  CHECK(accepted.ok());
  CHECK(server.Stop() == 0);
  auto [code, out] = RunCommand(Barazad("audit verify --store " + Quoted(store)));
  INFO(out);
  CHECK(code == 0);
}

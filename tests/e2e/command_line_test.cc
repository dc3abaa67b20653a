// The binaries' command lines, run as a person would: --version on each, and
// barazad refusing a --log-level or --log-format it does not know instead of
// logging nothing or something else.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "tests/e2e/e2e_fixtures.h"

using namespace baraza;
using namespace baraza::testing;

TEST_CASE("every binary answers --version with the version and the git commit", "[e2e][cli]") {
  for (const char* path : {BARAZAD_PATH, BARAZA_MEDIATOR_PATH, BARAZA_LIAISON_PATH,
                           BARAZA_COMMANDER_PATH, BARAZA_OBSERVER_PATH}) {
    auto [code, out] = RunCommand(std::string(path) + " --version");
    INFO(path << " --version printed: " << out);
    CHECK(code == 0);
    CHECK_THAT(out, Catch::Contains(std::filesystem::path(path).filename().string() + " " +
                                    BARAZA_EXPECTED_VERSION));
    CHECK_THAT(out, Catch::Contains("commit "));
  }
}

TEST_CASE("barazad refuses an unknown --log-level at start and says which levels there are",
          "[e2e][cli]") {
  TempDir dir;
  // Bounded: were the level taken, barazad would serve until `timeout` stops it.
  auto [code, out] = RunCommand("timeout 10 " + std::string(BARAZAD_PATH) +
                                " --log-level verbose --listen 127.0.0.1:0 --db " +
                                dir.file("baraza.db") + " --mediator-token-file " +
                                dir.file("mediator.token"));
  INFO(out);
  CHECK(code != 0);
  CHECK_THAT(out, Catch::Contains("--log-level") && Catch::Contains("verbose") &&
                      Catch::Contains("debug") && Catch::Contains("warn"));
  CHECK_FALSE(std::filesystem::exists(dir.file("baraza.db")));  // it did not start

  // A level it knows still starts it.
  ServerProcess server(dir);
  server.extra_args = {"--log-level", "warn"};
  REQUIRE(server.Start());
  CHECK(server.Stop() == 0);
}

TEST_CASE("barazad refuses an unknown --log-format at start and says which formats there are",
          "[e2e][cli][log]") {
  TempDir dir;
  // Bounded: were the format taken, barazad would serve until `timeout` stops it.
  auto [code, out] = RunCommand("timeout 10 " + std::string(BARAZAD_PATH) +
                                " --log-format jsonl --listen 127.0.0.1:0 --db " +
                                dir.file("baraza.db") + " --mediator-token-file " +
                                dir.file("mediator.token"));
  INFO(out);
  CHECK(code != 0);
  CHECK_THAT(out, Catch::Contains("--log-format") && Catch::Contains("jsonl") &&
                      Catch::Contains("text") && Catch::Contains("json"));
  CHECK_FALSE(std::filesystem::exists(dir.file("baraza.db")));  // it did not start
}


TEST_CASE("notice list and notice watch work in every role's command line, JSON in snake_case",
          "[e2e][cli]") {
  TempDir dir;
  ServerProcess server(dir);
  REQUIRE(server.Start());
  auto mediator = server.Client(server.mediator_token());
  Setup s = ThreeParties(mediator);
  std::string commander_token = RegisterCommander(mediator, "Col. A. Diallo, Sector South");
  v1::Case action;
  REQUIRE(server.Client(commander_token)
              .LogEmergencyAction(EmergencyActionIn(s.group, {s.answers, s.silent}), &action)
              .ok());
  v1::AppealActionRequest appeal;
  appeal.set_case_id(action.id());
  appeal.set_grounds("The roadblock was ours and nobody fired.");
  REQUIRE(server.Client(s.answers_token).AppealAction(appeal, &action).ok());

  std::string at = " --server " + server.address() + " --token-file ";
  struct Cli {
    const char* path;
    std::string token_file;
    const char* kind;  // a notice each must see
  };
  std::vector<Cli> clis = {
      {BARAZA_MEDIATOR_PATH, WriteTokenFile(dir, "m.token", server.mediator_token()), "awaiting-ruling"},
      {BARAZA_COMMANDER_PATH, WriteTokenFile(dir, "c.token", commander_token), "appeal"},
      {BARAZA_LIAISON_PATH, WriteTokenFile(dir, "l.token", s.silent_token), "emergency-action"}};
  for (const auto& cli : clis) {
    auto [code, out] = RunCommand(std::string(cli.path) + at + cli.token_file + " notice list");
    INFO(cli.path << " notice list printed: " << out);
    CHECK(code == 0);
    CHECK_THAT(out, Catch::Contains(cli.kind));
    auto [wcode, watched] = RunCommand("timeout 30 " + std::string(cli.path) + at +
                                       cli.token_file + " -o json notice watch --count 1 --for 20");
    INFO(cli.path << " notice watch printed: " << watched);
    CHECK(wcode == 0);
    // The same naming as every other command's JSON (`notice list -o json`).
    CHECK_THAT(watched, Catch::Contains("\"case_id\""));
    CHECK_THAT(watched, !Catch::Contains("\"caseId\""));
  }
}

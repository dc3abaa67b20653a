// The binaries' command lines, run as a person would: --version on each, and
// barazad refusing a --log-level it does not know instead of logging nothing.
#include <catch2/catch.hpp>

#include <filesystem>

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

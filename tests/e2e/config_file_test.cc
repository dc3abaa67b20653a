// barazad's config file (--config, default /etc/baraza/barazad.conf) on the real
// binary: a key takes effect, a flag beats it, and mistakes are refused by name.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>

#include "tests/e2e/e2e_fixtures.h"

using namespace baraza;
using namespace baraza::testing;

namespace {

std::string WriteConfig(const TempDir& dir, const std::string& text) {
  std::string path = dir.file("barazad.conf");
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("a key in barazad's config file takes effect when serving", "[e2e][config]") {
  TempDir dir;
  // Only the file asks for the public page; ServerProcess does not.
  std::string conf = WriteConfig(dir, "# the page, from the file\npublic-page = \"127.0.0.1:0\"\n");
  ServerProcess server(dir);
  server.extra_args = {"--config", conf};
  REQUIRE(server.Start());
  CHECK(server.page_port() > 0);
  CHECK(server.Stop() == 0);
}

TEST_CASE("a flag on barazad's command line beats the same key in its config file",
          "[e2e][config]") {
  TempDir dir;
  std::string conf = WriteConfig(dir, "mediator-token-file = \"" + dir.file("from-file.token") +
                                          "\"\npublic-page = \"127.0.0.1:0\"\n");
  ServerProcess server(dir);  // passes --mediator-token-file <dir>/mediator.token
  server.extra_args = {"--config", conf};
  REQUIRE(server.Start());
  CHECK(server.page_port() > 0);  // the file was read
  CHECK(std::filesystem::exists(dir.file("mediator.token")));
  CHECK_FALSE(std::filesystem::exists(dir.file("from-file.token")));
  CHECK(server.Stop() == 0);
}

TEST_CASE("a config file's key serves the operator's commands too (token list on its db)",
          "[e2e][config]") {
  TempDir dir;
  ServerProcess server(dir);
  REQUIRE(server.Start());
  REQUIRE(server.Stop() == 0);
  std::string conf = WriteConfig(dir, "db = \"" + server.db_path() + "\"\n");
  auto [code, out] = RunCommand(std::string(BARAZAD_PATH) + " --config " + conf + " token list");
  INFO(out);
  CHECK(code == 0);
  CHECK_THAT(out, Catch::Contains("first mediator"));
}

TEST_CASE("an unknown key in barazad's config file is refused naming the file and the key",
          "[e2e][config]") {
  TempDir dir;
  std::string conf = WriteConfig(dir, "listen-adress = \"127.0.0.1:0\"\n");
  auto [code, out] = RunCommand("timeout 10 " + std::string(BARAZAD_PATH) + " --config " + conf +
                                " --listen 127.0.0.1:0 --db " + dir.file("baraza.db") +
                                " --mediator-token-file " + dir.file("mediator.token"));
  INFO(out);
  CHECK(code == 2);
  CHECK_THAT(out, Catch::Contains(conf) && Catch::Contains("unknown key \"listen-adress\""));
  CHECK_FALSE(std::filesystem::exists(dir.file("baraza.db")));  // it did not start
}

TEST_CASE("a command's option in barazad's config file is refused, not run", "[e2e][config]") {
  TempDir dir;
  // A [backup] section must not turn serving into a backup, nor set its --out.
  std::string conf = WriteConfig(dir, "[backup]\nout = \"" + dir.file("copy.db") + "\"\n");
  auto [code, out] = RunCommand("timeout 10 " + std::string(BARAZAD_PATH) + " --config " + conf +
                                " --listen 127.0.0.1:0 --db " + dir.file("baraza.db"));
  INFO(out);
  CHECK(code == 2);
  CHECK_THAT(out, Catch::Contains(conf) && Catch::Contains("backup.out"));
  CHECK_FALSE(std::filesystem::exists(dir.file("baraza.db")));
  CHECK_FALSE(std::filesystem::exists(dir.file("copy.db")));
}

TEST_CASE("a config file given with --config that does not exist is an error naming it",
          "[e2e][config]") {
  TempDir dir;
  std::string missing = dir.file("no-such.conf");
  auto [code, out] = RunCommand("timeout 10 " + std::string(BARAZAD_PATH) + " --config " +
                                missing + " --listen 127.0.0.1:0 --db " + dir.file("baraza.db"));
  INFO(out);
  CHECK(code == 2);
  CHECK_THAT(out, Catch::Contains(missing));
  CHECK_FALSE(std::filesystem::exists(dir.file("baraza.db")));
}

TEST_CASE("the shipped config file deploy/barazad.conf is accepted by barazad as it is", "[e2e][config]") {
  TempDir dir;
  ServerProcess server(dir);  // its flags beat the shipped paths under /var/lib/baraza
  server.extra_args = {"--config", BARAZA_SHIPPED_CONFIG};
  REQUIRE(server.Start());
  CHECK(server.Stop() == 0);
}

TEST_CASE("every key shown commented out in the shipped config file is one barazad knows",
          "[e2e][config]") {
  TempDir dir;
  ServerProcess server(dir);
  REQUIRE(server.Start());
  REQUIRE(server.Stop() == 0);
  // Uncomment each "# key = value" line (the TLS files must exist: point them at one).
  std::ifstream shipped(BARAZA_SHIPPED_CONFIG);
  std::string line, text;
  int keys = 0;
  std::regex commented_key(R"(^# ([a-z-]+) = (.*)$)");
  while (std::getline(shipped, line)) {
    std::smatch m;
    if (!std::regex_match(line, m, commented_key)) continue;
    std::string value = m[1].str().rfind("tls-", 0) == 0 ? "\"" + std::string(BARAZA_SHIPPED_CONFIG) + "\""
                                                         : m[2].str();
    text += m[1].str() + " = " + value + "\n";
    ++keys;
  }
  CHECK(keys >= 20);
  std::string conf = WriteConfig(dir, text);
  auto [code, out] = RunCommand(std::string(BARAZAD_PATH) + " --config " + conf + " --db " +
                                server.db_path() + " token list");
  INFO(text << out);
  CHECK(code == 0);
}

TEST_CASE("a value in barazad's config file it cannot take is refused with status 2",
          "[e2e][config]") {
  TempDir dir;
  std::string conf = WriteConfig(dir, "max-connections = \"many\"\n");
  auto [code, out] = RunCommand("timeout 10 " + std::string(BARAZAD_PATH) + " --config " + conf +
                                " --listen 127.0.0.1:0 --db " + dir.file("baraza.db"));
  INFO(out);
  CHECK(code == 2);  // the service's unit does not restart on 2 (RestartPreventExitStatus)
  CHECK_THAT(out, Catch::Contains("max-connections") && Catch::Contains("many"));
  CHECK_FALSE(std::filesystem::exists(dir.file("baraza.db")));
}

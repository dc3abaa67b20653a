// Token files against a hostile local user: barazad never writes a token through
// a symbolic link planted at its path, and refuses to start while the mediator
// token file can be read by others. Runs the real barazad.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "tests/e2e/e2e_fixtures.h"

using namespace baraza::testing;
namespace fs = std::filesystem;

namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// barazad serving on a free loopback port; `timeout` ends it if it does start,
// so that a barazad that wrongly serves fails the test instead of hanging it.
std::pair<int, std::string> StartBarazad(const TempDir& dir, const std::string& token_file) {
  return RunCommand("timeout 20 " + std::string(BARAZAD_PATH) + " --listen 127.0.0.1:0 --db " +
                    dir.file("baraza.db") + " --mediator-token-file " + token_file);
}

}  // namespace

TEST_CASE("barazad refuses a symlink planted at the mediator token path and leaves its target "
          "untouched",
          "[security][token-file]") {
  TempDir dir;
  std::string target = dir.file("precious.txt"), link = dir.file("mediator.token");
  std::ofstream(target) << "precious\n";
  fs::create_symlink(target, link);

  auto [code, out] = StartBarazad(dir, link);
  INFO(out);
  CHECK(code == 1);
  CHECK_THAT(out, Catch::Contains(link));
  CHECK_THAT(out, Catch::Contains("symbolic link"));
  CHECK(ReadAll(target) == "precious\n");
  CHECK(fs::is_symlink(link));
  // Refused before a token was issued: once the link is gone the next start is a first start.
  fs::remove(link);
  ServerProcess server(dir);
  REQUIRE(server.Start());
  CHECK(server.mediator_token().size() == 67);
}

TEST_CASE("barazad refuses to start while others can read the mediator token file, and says "
          "how to fix it",
          "[security][token-file]") {
  TempDir dir;
  {
    ServerProcess first(dir);
    REQUIRE(first.Start());
    REQUIRE(first.Stop() == 0);
  }
  std::string token = dir.file("mediator.token");
  struct stat st{};
  REQUIRE(::stat(token.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);  // written so on the first start

  REQUIRE(::chmod(token.c_str(), 0640) == 0);
  auto [code, out] = StartBarazad(dir, token);
  INFO(out);
  CHECK(code == 1);
  CHECK_THAT(out, Catch::Contains(token));
  CHECK_THAT(out, Catch::Contains("chmod 600 " + token));

  REQUIRE(::chmod(token.c_str(), 0600) == 0);
  ServerProcess again(dir);
  CHECK(again.Start());
}

TEST_CASE("barazad token issue --out refuses a planted symlink and writes a new file with mode 0600",
          "[security][token-file]") {
  TempDir dir;
  {
    ServerProcess first(dir);  // makes the database
    REQUIRE(first.Start());
    REQUIRE(first.Stop() == 0);
  }
  std::string target = dir.file("precious.txt"), link = dir.file("night.token");
  std::ofstream(target) << "precious\n";
  fs::create_symlink(target, link);
  std::string issue = std::string(BARAZAD_PATH) + " token issue --label night --db " +
                      dir.file("baraza.db") + " --out ";
  auto [code, out] = RunCommand(issue + link);
  INFO(out);
  CHECK(code != 0);
  CHECK(ReadAll(target) == "precious\n");

  auto [ok_code, ok_out] = RunCommand(issue + dir.file("fresh.token"));
  INFO(ok_out);
  CHECK(ok_code == 0);
  struct stat st{};
  REQUIRE(::stat(dir.file("fresh.token").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("barazad creates its database, WAL and secrets readable by its owner only",
          "[security][files]") {
  TempDir dir;
  ServerProcess server(dir);
  REQUIRE(server.Start());
  auto mediator = server.Client(server.mediator_token());
  CreateGroup(mediator, "Kismayo contact group");  // a write: the WAL exists
  for (const std::string& name : {"baraza.db", "baraza.db-wal", "baraza.db-shm", "mediator.token",
                                  "webhook.secret"}) {
    struct stat st {};
    INFO(name);
    REQUIRE(::stat(dir.file(name).c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
  }
  REQUIRE(server.Stop() == 0);
  // A database made readable by others (a careless copy) is made the owner's again at start.
  ::chmod(dir.file("baraza.db").c_str(), 0644);
  REQUIRE(server.Start());
  struct stat st {};
  REQUIRE(::stat(dir.file("baraza.db").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

// Backups of the real barazad: `barazad backup` while clients file disputes,
// `barazad restore` of that copy, `barazad audit verify` on the restored
// database; and the periodic --backup-dir option.
#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/e2e/e2e_fixtures.h"

using namespace baraza;
using namespace baraza::testing;

namespace {

std::string Barazad(const std::string& args) { return std::string(BARAZAD_PATH) + " " + args; }

// The "<events>:<hash>" of the line "head <events>:<hash>" in a command's output;
// empty if none.
std::string HeadIn(const std::string& out) {
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("head ", 0) == 0) return line.substr(5);
  return "";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int CountOf(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

std::vector<std::string> BackupsIn(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    std::string name = e.path().filename();
    if (name.rfind("barazad-", 0) == 0 && name.size() == 27) out.push_back(e.path().string());
  }
  return out;
}

// Polls barazad's log until `what` appears `times` times, for at most `limit`.
bool WaitForLog(const TempDir& dir, const std::string& what, int times, std::chrono::seconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (CountOf(ReadFile(dir.file("barazad.log")), what) < times) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(100ms);
  }
  return true;
}

}  // namespace

TEST_CASE_METHOD(WithThreeParties,
                 "barazad backup taken while disputes are filed restores to the head it printed",
                 "[e2e][backup]") {
  // Four clients file disputes, each in a bounded loop, until told to stop.
  std::atomic<bool> stop{false};
  std::atomic<int> filed{0}, failed{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&] {
      auto m = Mediator();
      for (int i = 0; i < 500 && !stop; ++i) {
        v1::Case c;
        if (m.FileDispute(Dispute(s, 3600), &c).ok()) ++filed;
        else ++failed;
      }
    });
  }
  auto until = std::chrono::steady_clock::now() + 30s;
  while (filed < 40 && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(10ms);
  int filed_before = filed;
  std::string out = dir.file("backup.db");
  auto [backup_code, backup_out] =
      RunCommand(Barazad("backup --db " + server.db_path() + " --out " + out));
  int filed_after_backup = filed;
  until = std::chrono::steady_clock::now() + 30s;
  while (filed < filed_after_backup + 20 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(10ms);
  stop = true;
  for (auto& t : writers) t.join();
  INFO(backup_out);
  REQUIRE(backup_code == 0);
  CHECK(failed == 0);
  CHECK(filed_before >= 40);                    // the copy began with writes under way...
  CHECK(filed >= filed_after_backup + 20);      // ...and they went on after it
  std::string head = HeadIn(backup_out);
  REQUIRE(head.size() > 65);
  CHECK_THAT(backup_out, Catch::Contains("events and the state verified"));
  REQUIRE(server.Stop() == 0);

  // Restore it into a new path: the same head, and `audit verify` agrees.
  std::string restored = dir.file("restored/baraza.db");
  std::filesystem::create_directory(dir.file("restored"));
  auto [restore_code, restore_out] =
      RunCommand(Barazad("restore --from " + out + " --db " + restored));
  INFO(restore_out);
  REQUIRE(restore_code == 0);
  CHECK(HeadIn(restore_out) == head);
  auto [verify_code, verify_out] = RunCommand(Barazad("audit verify --db " + restored));
  INFO(verify_out);
  CHECK(verify_code == 0);
  CHECK(HeadIn(verify_out) == head);
  // The copy is a snapshot of the served history: the live log passes through its head.
  auto [live_code, live_out] =
      RunCommand(Barazad("audit verify --db " + server.db_path() + " --head " + head));
  INFO(live_out);
  CHECK(live_code == 0);
  CHECK(HeadIn(live_out) != head);  // and went on past it

  // Neither command overwrites.
  auto [again_code, again_out] =
      RunCommand(Barazad("backup --db " + server.db_path() + " --out " + out));
  CHECK(again_code == 1);
  CHECK_THAT(again_out, Catch::Contains("never overwritten"));
  auto [over_code, over_out] =
      RunCommand(Barazad("restore --from " + out + " --db " + server.db_path()));
  CHECK(over_code == 1);
  CHECK_THAT(over_out, Catch::Contains(server.db_path() + " exists"));
}

TEST_CASE("barazad backup into a folder that does not exist fails and leaves nothing",
          "[e2e][backup]") {
  TempDir dir;
  ServerProcess server(dir);
  REQUIRE(server.Start());
  auto [code, out] = RunCommand(Barazad("backup --db " + server.db_path() + " --out " +
                                        dir.file("missing/backup.db")));
  CHECK(code == 1);
  CHECK_THAT(out, Catch::Contains("cannot create a file in " + dir.file("missing")));
  CHECK_FALSE(std::filesystem::exists(dir.file("missing")));
  auto [none_code, none_out] =
      RunCommand(Barazad("restore --from " + dir.file("none.db") + " --db " + dir.file("r.db")));
  CHECK(none_code == 1);
  CHECK_THAT(none_out, Catch::Contains("no database at " + dir.file("none.db")));
  CHECK_FALSE(std::filesystem::exists(dir.file("r.db")));
}

TEST_CASE("barazad backup that hits a full disk leaves nothing", "[e2e][backup]") {
  // The shell's file size limit stands in for a full disk (no root needed): past
  // it every write fails; SIGXFSZ is ignored so that the write fails instead.
  TempDir dir;
  ServerProcess server(dir);
  REQUIRE(server.Start());
  {
    auto m = server.Client(server.mediator_token());
    Setup s = ThreeParties(m);
    for (int i = 0; i < 10; ++i) {
      v1::Case c;
      REQUIRE(m.FileDispute(Dispute(s, 3600), &c).ok());
    }
  }
  std::filesystem::create_directory(dir.file("small"));
  auto [code, out] = RunCommand("bash -c \"trap '' XFSZ; ulimit -f 16; exec " +
                                Barazad("backup --db " + server.db_path() + " --out " +
                                        dir.file("small/backup.db")) + "\"");
  INFO(out);
  CHECK(code == 1);
  CHECK_THAT(out, Catch::Contains("backup.db: copying the database"));
  CHECK(std::filesystem::is_empty(dir.file("small")));
}

TEST_CASE("barazad --backup-dir takes verified backups and keeps the newest K", "[e2e][backup]") {
  TempDir dir;
  ServerProcess server(dir);
  std::string backups = dir.file("backups");
  server.extra_args = {"--backup-dir", backups, "--backup-every", "1s", "--backup-keep", "2"};
  REQUIRE(server.Start());
  {
    auto m = server.Client(server.mediator_token());
    ThreeParties(m);
  }
  CHECK(WaitForLog(dir, "backup: " + backups + "/barazad-", 4, 30s));
  REQUIRE(server.Stop() == 0);
  std::string log = ReadFile(dir.file("barazad.log"));
  CHECK_THAT(log, Catch::Contains("verified), head "));
  CHECK_THAT(log, Catch::Contains("(keeping the newest 2)"));
  auto files = BackupsIn(backups);
  REQUIRE(files.size() == 2);
  for (const auto& f : files) {
    auto [code, out] = RunCommand(Barazad("audit verify --db " + f));
    INFO(f << "\n" << out);
    CHECK(code == 0);
  }
}

TEST_CASE("barazad --backup-dir that cannot be written logs the failure and serves on",
          "[e2e][backup]") {
  TempDir dir;
  ServerProcess server(dir);
  std::ofstream(dir.file("not-a-folder")) << "a file where the folder should be";
  server.extra_args = {"--backup-dir", dir.file("not-a-folder"), "--backup-every", "1s"};
  REQUIRE(server.Start());
  CHECK(WaitForLog(dir, "failed, barazad serves on", 2, 30s));
  {
    auto m = server.Client(server.mediator_token());
    CHECK(CreateGroup(m, "still serving") > 0);
  }
  CHECK(server.Stop() == 0);
}

// The periodic backup (services/server/backup_schedule.h): names by UTC time,
// when the next backup is due, which old ones go, and a run on a real database
// with a fake clock.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "services/server/backup_schedule.h"
#include "storage/sqlite_case_store.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/store_helpers.h"
#include "tests/fakes/temp_dir.h"

using namespace baraza;
using namespace baraza::testing;

namespace {

constexpr Millis kMinute = 60 * kSecond;

std::set<std::string> FilesIn(const std::filesystem::path& dir) {
  std::set<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) out.insert(e.path().filename());
  return out;
}

std::string MakeDatabase(const TempDir& dir) {
  std::string path = dir.file("baraza.db");
  auto store = SqliteCaseStore::Open({path});
  REQUIRE(store.ok());
  ContactGroup g = Seed(**store);
  FileIn(**store, g);
  return path;
}

}  // namespace

TEST_CASE("backup file name is the UTC time to the second", "[backup][schedule]") {
  CHECK(BackupFileName(kT0) == "barazad-20260528T202640Z.db");
  CHECK(BackupFileName(kT0 + 999) == "barazad-20260528T202640Z.db");
  CHECK(BackupFileTime("barazad-20260528T202640Z.db") == kT0);
}

TEST_CASE("backup file time is none for any other name", "[backup][schedule]") {
  for (const char* name : {"notes.txt", "barazad-20260528T202640Z.db.partial-a1b2c3",
                           "barazad-20261301T000000Z.db", "barazad-20260231T000000Z.db",
                           "barazad-20260528 202640Z.db", "barazad-2026052T8202640Z.db",
                           "barazad-20260528T202640Z.sqlite"}) {
    INFO(name);
    CHECK_FALSE(BackupFileTime(name));
  }
}

TEST_CASE("next backup is due at once when the folder holds none", "[backup][schedule]") {
  CHECK(NextBackupAt(std::nullopt, std::nullopt, 60 * kMinute, kT0) == kT0);
}

TEST_CASE("next backup is due one interval after the newest in the folder", "[backup][schedule]") {
  CHECK(NextBackupAt(kT0 - 10 * kMinute, std::nullopt, 60 * kMinute, kT0) == kT0 + 50 * kMinute);
  // Overdue (barazad was down): due now, that is, in the past.
  CHECK(NextBackupAt(kT0 - 90 * kMinute, std::nullopt, 60 * kMinute, kT0) <= kT0);
}

TEST_CASE("next backup after a failed attempt waits one interval", "[backup][schedule]") {
  // The newest backup is old, but an attempt just failed: no retry at once.
  CHECK(NextBackupAt(kT0 - 300 * kMinute, kT0, 60 * kMinute, kT0) == kT0 + 60 * kMinute);
  CHECK(NextBackupAt(std::nullopt, kT0 - kMinute, 60 * kMinute, kT0) == kT0 + 59 * kMinute);
}

TEST_CASE("next backup when the newest is named for a time to come counts it as now",
          "[backup][schedule]") {
  CHECK(NextBackupAt(kT0 + 30 * kDay, std::nullopt, 60 * kMinute, kT0) == kT0 + 60 * kMinute);
}

TEST_CASE("pruning keeps the newest K backups and no other file is chosen", "[backup][schedule]") {
  std::vector<std::string> names = {
      BackupFileName(kT0 + 2 * kMinute), "notes.txt", BackupFileName(kT0),
      BackupFileName(kT0 + 3 * kMinute), BackupFileName(kT0 + kMinute) + ".partial-a1b2c3",
      BackupFileName(kT0 + kMinute)};
  auto pruned = BackupsToPrune(names, 2);
  CHECK(pruned == std::vector<std::string>{BackupFileName(kT0), BackupFileName(kT0 + kMinute)});
  CHECK(BackupsToPrune(names, 4).empty());
}

TEST_CASE("periodic backup writes a verified copy named for now and keeps the newest K",
          "[backup][schedule]") {
  TempDir dir;
  std::string db = MakeDatabase(dir);
  TempDir backups;
  std::ofstream(backups.file("notes.txt")) << "the operator's own file";
  FakeClock clock;
  BackupSchedule schedule(db, {backups.path().string(), 60 * kMinute, 2}, clock);
  for (int i = 0; i < 3; ++i) REQUIRE(schedule.RunOnce(kT0 + i * 60 * kMinute).ok());
  CHECK(FilesIn(backups.path()) ==
        std::set<std::string>{"notes.txt", BackupFileName(kT0 + 60 * kMinute),
                              BackupFileName(kT0 + 120 * kMinute)});
  SqliteCaseStore::Options copy_options;
  copy_options.path = backups.file(BackupFileName(kT0 + 120 * kMinute));
  copy_options.data_key_file = db + ".key";  // a copy opens with its database's key
  auto copy = SqliteCaseStore::Open(copy_options);
  REQUIRE(copy.ok());
  auto audit = (*copy)->AuditHistory(std::nullopt);
  REQUIRE(audit.ok());
  CHECK(audit->ok());
  CHECK(audit->head.events == 4);
}

TEST_CASE("periodic backup that fails returns the failure and leaves nothing", "[backup][schedule]") {
  TempDir dir;
  FakeClock clock;
  TempDir backups;
  BackupSchedule schedule(dir.file("none.db"), {backups.path().string(), 60 * kMinute, 2}, clock);
  Status s = schedule.RunOnce(kT0);
  CHECK(s.code() == Code::kNotFound);
  CHECK(FilesIn(backups.path()).empty());
}

TEST_CASE("periodic backup schedule backs up at start and stops when asked", "[backup][schedule]") {
  TempDir dir;
  std::string db = MakeDatabase(dir);
  TempDir backups;
  FakeClock clock;
  BackupSchedule schedule(db, {backups.path().string(), 60 * kMinute, 2}, clock);
  schedule.Start();
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!std::filesystem::exists(backups.file(BackupFileName(clock.Now()))) &&
         std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  auto stop_began = std::chrono::steady_clock::now();
  schedule.Stop();  // the loop now sleeps for an hour of the fake clock; Stop wakes it
  CHECK(std::chrono::steady_clock::now() - stop_began < std::chrono::seconds(5));
  CHECK(FilesIn(backups.path()) == std::set<std::string>{BackupFileName(clock.Now())});
}

// Online backup and restore of the SQLite store (storage/sqlite_backup.h): the
// copy holds the source's head and verifies; an existing file is never
// replaced; a copy that fails leaves nothing behind.
#include <catch2/catch.hpp>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "storage/sqlite_backup.h"
#include "storage/sqlite_case_store.h"
#include "tests/fakes/legacy_schema.h"
#include "tests/fakes/store_helpers.h"
#include "tests/fakes/tamper.h"
#include "tests/fakes/temp_dir.h"

using namespace baraza;
using namespace baraza::testing;

namespace {

// The names in a folder, to show that a failed copy left nothing.
std::set<std::string> FilesIn(const std::filesystem::path& dir) {
  std::set<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) out.insert(e.path().filename());
  return out;
}

// A database with a group and `cases` disputes, closed; returns its head.
chain::Head MakeDatabase(const std::string& path, int cases = 2) {
  auto store = SqliteCaseStore::Open({path});
  REQUIRE(store.ok());
  ContactGroup g = Seed(**store);
  for (int i = 0; i < cases; ++i) FileIn(**store, g);
  auto audit = (*store)->AuditHistory(std::nullopt);
  REQUIRE(audit.ok());
  REQUIRE(audit->ok());
  return audit->head;
}

// A copy has no key file beside it (the key is kept apart): audited without it.
chain::Head HeadOf(const std::string& path) {
  SqliteCaseStore::Options options;
  options.path = path;
  options.without_data_key = true;
  auto store = SqliteCaseStore::Open(options);
  REQUIRE(store.ok());
  auto audit = (*store)->AuditHistory(std::nullopt);
  REQUIRE(audit.ok());
  REQUIRE(audit->ok());
  return audit->head;
}

int ModeOf(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return static_cast<int>(st.st_mode & 0777);
}

}  // namespace

TEST_CASE("backup of a serving database holds its head and verifies", "[backup]") {
  TempDir dir;
  std::string db = dir.file("b.db");
  auto store = SqliteCaseStore::Open({db});
  REQUIRE(store.ok());
  ContactGroup g = Seed(**store);
  FileIn(**store, g);
  FileIn(**store, g);
  auto serving_head = (*store)->AuditHistory(std::nullopt)->head;
  REQUIRE(serving_head.events == 7);  // the group, then 3 events per dispute

  TempDir backups;
  std::string out = backups.file("copy.db");
  int64_t steps = 0, last_copied = 0, last_total = 0;
  CopyOptions options;
  options.pages_per_step = 1;
  options.on_copy = [&](int64_t copied, int64_t total) {
    ++steps;
    CHECK(copied >= last_copied);
    last_copied = copied;
    last_total = total;
  };
  auto copy = BackupDatabase(db, out, options);  // the store is open and serving
  INFO(copy.status().message());
  REQUIRE(copy.ok());
  CHECK(copy->head.ToString() == serving_head.ToString());
  CHECK(copy->bytes == static_cast<int64_t>(std::filesystem::file_size(out)));
  CHECK(steps > 1);
  CHECK(last_copied == last_total);
  CHECK(ModeOf(out) == 0600);
  CHECK(FilesIn(backups.path()) == std::set<std::string>{"copy.db"});  // no temp or side files
  store->reset();
  CHECK(HeadOf(out).ToString() == serving_head.ToString());
}

TEST_CASE("backup taken in small steps while writes commit is one consistent snapshot",
          "[backup]") {
  TempDir dir;
  std::string db = dir.file("b.db");
  auto store = SqliteCaseStore::Open({db});
  REQUIRE(store.ok());
  ContactGroup g = Seed(**store);
  for (int i = 0; i < 100; ++i) FileIn(**store, g);
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    for (int i = 0; i < 2000 && !stop; ++i) {  // bounded; stops when the copy is done
      FileIn(**store, g);
      ++written;
    }
  });
  CopyOptions options;
  options.pages_per_step = 2;
  int64_t steps = 0, total = 0;
  int written_at_start = -1;
  options.on_copy = [&](int64_t, int64_t pages) {
    if (written_at_start < 0) written_at_start = written;
    total = pages;
    // Let writes land between the steps.
    if (++steps % 8 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  };
  auto copy = BackupDatabase(db, dir.file("copy.db"), options);
  int written_at_end = written;
  stop = true;
  writer.join();
  INFO(copy.status().message());
  REQUIRE(copy.ok());
  CHECK(written_at_end > written_at_start);  // writes committed while the steps ran
  // Every step copied new pages: the copy never started over because of them.
  CHECK(steps == (total + 1) / 2);
  // The copy ends at a head the source passed through: 1 + 3 per case, at least
  // the 100 filed before the copy began...
  CHECK(copy->head.events >= 301);
  CHECK((copy->head.events - 1) % 3 == 0);
  CHECK(HeadOf(dir.file("copy.db")).ToString() == copy->head.ToString());
  // ...and the source's history, which went on, contains that head.
  auto source = (*store)->AuditHistory(copy->head);
  REQUIRE(source.ok());
  CHECK(source->ok());
  CHECK(source->head.events > copy->head.events);
}

TEST_CASE("backup refuses an existing file and leaves it as it was", "[backup]") {
  TempDir dir;
  MakeDatabase(dir.file("b.db"));
  std::ofstream(dir.file("copy.db")) << "an earlier backup";
  auto before = FilesIn(dir.path());
  auto copy = BackupDatabase(dir.file("b.db"), dir.file("copy.db"));
  REQUIRE_FALSE(copy.ok());
  CHECK(copy.status().code() == Code::kAlreadyExists);
  CHECK_THAT(copy.status().message(), Catch::Contains("never overwritten"));
  std::ifstream in(dir.file("copy.db"));
  std::string text;
  std::getline(in, text);
  CHECK(text == "an earlier backup");
  CHECK(FilesIn(dir.path()) == before);
}

TEST_CASE("backup into a folder it cannot write fails and leaves nothing", "[backup]") {
  TempDir dir;
  MakeDatabase(dir.file("b.db"));
  SECTION("a folder that does not exist") {
    auto copy = BackupDatabase(dir.file("b.db"), dir.file("missing/copy.db"));
    REQUIRE_FALSE(copy.ok());
    CHECK(copy.status().code() == Code::kUnavailable);
    CHECK_THAT(copy.status().message(), Catch::Contains("No such file or directory"));
    CHECK_FALSE(std::filesystem::exists(dir.file("missing")));
  }
  SECTION("a folder without write permission") {
    if (::geteuid() == 0) {
      WARN("running as root: permissions do not stop root, so this section checks nothing");
      return;
    }
    std::filesystem::create_directory(dir.file("locked"));
    std::filesystem::permissions(dir.file("locked"), std::filesystem::perms::owner_read |
                                                         std::filesystem::perms::owner_exec);
    auto copy = BackupDatabase(dir.file("b.db"), dir.file("locked/copy.db"));
    std::filesystem::permissions(dir.file("locked"), std::filesystem::perms::owner_all);
    REQUIRE_FALSE(copy.ok());
    CHECK_THAT(copy.status().message(), Catch::Contains("Permission denied"));
    CHECK(FilesIn(dir.file("locked")).empty());
  }
}

TEST_CASE("backup that runs out of space half-way leaves nothing", "[backup]") {
  // A file size limit (RLIMIT_FSIZE) stands in for a full disk: past it every
  // write fails, as on a full disk, with no root needed to mount a small one.
  // The source is served (its WAL and shared memory exist already), so that
  // only the copy's writes meet the limit.
  TempDir dir;
  auto store = SqliteCaseStore::Open({dir.file("b.db")});
  REQUIRE(store.ok());
  ContactGroup g = Seed(**store);
  for (int i = 0; i < 100; ++i) FileIn(**store, g);
  TempDir out_dir;
  auto old_handler = ::signal(SIGXFSZ, SIG_IGN);  // a write past the limit fails instead of killing
  rlimit before{};
  REQUIRE(::getrlimit(RLIMIT_FSIZE, &before) == 0);
  rlimit limited = before;
  limited.rlim_cur = 64 * 1024;
  REQUIRE(::setrlimit(RLIMIT_FSIZE, &limited) == 0);
  auto copy = BackupDatabase(dir.file("b.db"), out_dir.file("copy.db"));
  REQUIRE(::setrlimit(RLIMIT_FSIZE, &before) == 0);
  ::signal(SIGXFSZ, old_handler);
  REQUIRE(std::filesystem::file_size(dir.file("b.db")) > 64 * 1024);
  REQUIRE_FALSE(copy.ok());
  INFO(copy.status().message());
  CHECK_THAT(copy.status().message(), Catch::Contains("copy.db") && Catch::Contains("copying the database"));
  CHECK(FilesIn(out_dir.path()).empty());
}

TEST_CASE("backup of a database whose history was edited is refused and leaves nothing",
          "[backup]") {
  TempDir dir;
  MakeDatabase(dir.file("b.db"));
  Tamper(dir.file("b.db"),
         std::string(kDropHistoryGuards) + "UPDATE events SET details = '{}' WHERE log_seq = 2");
  auto before = FilesIn(dir.path());
  auto copy = BackupDatabase(dir.file("b.db"), dir.file("copy.db"));
  REQUIRE_FALSE(copy.ok());
  CHECK(copy.status().code() == Code::kDataLoss);
  CHECK_THAT(copy.status().message(), Catch::Contains("the copy does not verify: event 2"));
  CHECK(FilesIn(dir.path()) == before);
}

TEST_CASE("backup of a database that does not exist is refused", "[backup]") {
  TempDir dir;
  auto copy = BackupDatabase(dir.file("none.db"), dir.file("copy.db"));
  REQUIRE_FALSE(copy.ok());
  CHECK(copy.status().code() == Code::kNotFound);
  CHECK(FilesIn(dir.path()).empty());
}

TEST_CASE("restore puts a verified copy in place with the backup's head", "[backup][restore]") {
  TempDir dir;
  chain::Head head = MakeDatabase(dir.file("b.db"));
  REQUIRE(BackupDatabase(dir.file("b.db"), dir.file("copy.db")).ok());
  TempDir target;
  std::string db = target.file("restored.db");
  auto restored = RestoreDatabase(dir.file("copy.db"), db);
  INFO(restored.status().message());
  REQUIRE(restored.ok());
  CHECK(restored->head.ToString() == head.ToString());
  CHECK(ModeOf(db) == 0600);
  CHECK(FilesIn(target.path()) == std::set<std::string>{"restored.db"});
  CHECK(HeadOf(db).ToString() == head.ToString());
  // The backup itself was only read: no WAL or shared memory appeared beside it.
  CHECK(FilesIn(dir.path()) == std::set<std::string>{"b.db", "b.db.key", "copy.db"});
}

TEST_CASE("restore refuses to overwrite a database, its WAL, shared memory or journal",
          "[backup][restore]") {
  TempDir dir;
  MakeDatabase(dir.file("b.db"));
  REQUIRE(BackupDatabase(dir.file("b.db"), dir.file("copy.db")).ok());
  TempDir target;
  std::string db = target.file("baraza.db");
  auto suffix = GENERATE(as<std::string>{}, "", "-wal", "-shm", "-journal");
  std::ofstream(db + suffix) << "left by another database";
  auto restored = RestoreDatabase(dir.file("copy.db"), db);
  REQUIRE_FALSE(restored.ok());
  CHECK(restored.status().code() == Code::kAlreadyExists);
  CHECK_THAT(restored.status().message(), Catch::Contains(db + suffix + " exists"));
  CHECK(FilesIn(target.path()) == std::set<std::string>{"baraza.db" + suffix});
}

TEST_CASE("restore checks the backup against a kept head", "[backup][restore]") {
  TempDir dir;
  chain::Head head = MakeDatabase(dir.file("b.db"));
  REQUIRE(BackupDatabase(dir.file("b.db"), dir.file("copy.db")).ok());
  TempDir target;
  CopyOptions options;
  SECTION("the head the backup ends at") {
    options.kept = head;
    CHECK(RestoreDatabase(dir.file("copy.db"), target.file("r.db"), options).ok());
  }
  SECTION("a head the backup does not reach") {
    options.kept = chain::Head{head.events + 1, std::string(64, 'a')};
    auto restored = RestoreDatabase(dir.file("copy.db"), target.file("r.db"), options);
    REQUIRE_FALSE(restored.ok());
    CHECK(restored.status().code() == Code::kDataLoss);
    CHECK(FilesIn(target.path()).empty());
  }
}

TEST_CASE("restore of a backup made by an older barazad migrates it and keeps its head",
          "[backup][restore]") {
  TempDir dir;
  MakeDatabase(dir.file("old.db"));
  chain::Head old_head = DowngradeToSchema4(dir.file("old.db"));
  TempDir target;
  CopyOptions options;
  options.kept = old_head;
  auto restored = RestoreDatabase(dir.file("old.db"), target.file("r.db"), options);
  INFO(restored.status().message());
  REQUIRE(restored.ok());
  // Schema 5 seals the old state into the history: it goes on past the kept head.
  CHECK(restored->head.events > old_head.events);
  CHECK(HeadOf(target.file("r.db")).ToString() == restored->head.ToString());
  CHECK(FilesIn(target.path()) == std::set<std::string>{"r.db"});
}

TEST_CASE("backup of a database of an older schema is refused, saying what to do", "[backup]") {
  TempDir dir;
  MakeDatabase(dir.file("old.db"));
  DowngradeToSchema4(dir.file("old.db"));
  TempDir out;
  auto copy = BackupDatabase(dir.file("old.db"), out.file("copy.db"));
  REQUIRE_FALSE(copy.ok());
  CHECK(copy.status().code() == Code::kFailedPrecondition);
  CHECK_THAT(copy.status().message(), Catch::Contains("schema 4, older than the " +
                                                   std::to_string(SqliteCaseStore::kSchemaVersion)));
  CHECK(FilesIn(out.path()).empty());
}

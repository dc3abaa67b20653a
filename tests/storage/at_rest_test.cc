// Confidential text at rest (issue 16): a mediator-only position written
// through the real SqliteCaseStore never reaches the database file, its WAL or
// a backup in plain text; it reads back in plain text with the right key only.
#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "services/workflow/case_machine.h"
#include "storage/data_cipher.h"
#include "storage/data_key.h"
#include "storage/sqlite_backup.h"
#include "storage/sqlite_case_store.h"
#include "tests/fakes/fixtures.h"
#include "tests/fakes/legacy_schema.h"
#include "tests/fakes/store_helpers.h"
#include "tests/fakes/temp_dir.h"

using namespace baraza;
using namespace baraza::testing;

namespace {

constexpr const char* kSentinel = "SENTINEL-mediator-only-7f3a9c";
constexpr const char* kGroupText = "GROUPTEXT-everyone-in-the-group-2b81";

bool FileHolds(const std::string& path, const std::string& needle) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return bytes.find(needle) != std::string::npos;
}

// A case where party 1 answers for the mediators alone and party 2 for the group.
Id WriteBothPositions(CaseStore& store) {
  ContactGroup g = Seed(store);
  workflow::Transition filed = FileIn(store, g);
  auto first = workflow::Respond(filed.next, kSentinel, Visibility::kMediatorOnly,
                                 LiaisonOf(g.parties[1].id), kT0 + 1000);
  REQUIRE(first.ok());
  Save(store, *first);
  auto second = workflow::Respond(first->next, kGroupText, Visibility::kGroup,
                                  LiaisonOf(g.parties[2].id), kT0 + 2000);
  REQUIRE(second.ok());
  Save(store, *second);
  return filed.next.id;
}

int64_t CountRows(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  int64_t n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

void CheckPlainPositions(SqliteCaseStore& store, Id case_id) {
  auto c = store.GetCase(case_id);
  REQUIRE(c.ok());
  REQUIRE(c->positions.size() == 2);
  CHECK(c->positions[0].text == kSentinel);
  CHECK(c->positions[0].visibility == Visibility::kMediatorOnly);
  CHECK(c->positions[1].text == kGroupText);
}

}  // namespace

TEST_CASE("a mediator-only position reaches neither the database, its WAL nor a backup in "
          "plain text, and reads back in plain text",
          "[store][sqlite][at-rest]") {
  TempDir dir;
  const std::string db = dir.file("b.db");
  SqliteCaseStore::Options options;
  options.path = db;
  options.case_cache = 0;  // every read from the tables, none from memory
  auto store = SqliteCaseStore::Open(options);
  REQUIRE(store.ok());
  Id case_id = WriteBothPositions(**store);
  CheckPlainPositions(**store, case_id);

  REQUIRE(BackupDatabase(db, dir.file("copy.db")).ok());
  REQUIRE(std::filesystem::exists(db + "-wal"));
  // The search finds what is there: the group's position, in the WAL or the file.
  CHECK((FileHolds(db, kGroupText) || FileHolds(db + "-wal", kGroupText)));
  CHECK(FileHolds(dir.file("copy.db"), kGroupText));
  CHECK_FALSE(FileHolds(db, kSentinel));
  CHECK_FALSE(FileHolds(db + "-wal", kSentinel));
  CHECK_FALSE(FileHolds(dir.file("copy.db"), kSentinel));
  store->reset();  // the last close checkpoints the WAL into the file
  CHECK_FALSE(FileHolds(db, kSentinel));
  CHECK(FileHolds(db, kGroupText));
}

TEST_CASE("a database with sealed positions audits, rebuilds and reopens with its key",
          "[store][sqlite][at-rest]") {
  TempDir dir;
  const std::string db = dir.file("b.db");
  Id case_id = 0;
  {
    auto store = SqliteCaseStore::Open({db});
    REQUIRE(store.ok());
    case_id = WriteBothPositions(**store);
    auto audit = (*store)->AuditHistory(std::nullopt);
    REQUIRE(audit.ok());
    CHECK(audit->ok());
  }
  auto rows = SqliteCaseStore::Rebuild(db);
  REQUIRE(rows.ok());
  CHECK(*rows > 0);
  CHECK_FALSE(FileHolds(db, kSentinel));
  auto store = SqliteCaseStore::Open({db});
  REQUIRE(store.ok());
  CHECK((*store)->CheckOnStart().ok());
  CheckPlainPositions(**store, case_id);
}

TEST_CASE("a database with sealed positions refuses to open with a wrong or missing key",
          "[store][sqlite][at-rest]") {
  TempDir dir;
  const std::string db = dir.file("b.db");
  {
    auto store = SqliteCaseStore::Open({db});
    REQUIRE(store.ok());
    WriteBothPositions(**store);
  }
  const std::string key_file = db + ".key";
  REQUIRE(std::filesystem::exists(key_file));
  std::filesystem::rename(key_file, dir.file("kept.key"));

  SECTION("missing: no new key is made for it") {
    auto store = SqliteCaseStore::Open({db});
    REQUIRE_FALSE(store.ok());
    CHECK(store.status().code() == Code::kFailedPrecondition);
    CHECK_THAT(store.status().message(), Catch::Contains(key_file));
    CHECK_FALSE(std::filesystem::exists(key_file));
  }
  SECTION("wrong: another key is refused before anything is read") {
    REQUIRE(WriteNewDataKey(key_file, *DataCipher::NewKey()).ok());
    auto store = SqliteCaseStore::Open({db});
    REQUIRE_FALSE(store.ok());
    CHECK(store.status().code() == Code::kFailedPrecondition);
    CHECK_THAT(store.status().message(), Catch::Contains("not the key"));
  }
  SECTION("the right key put back opens it") {
    std::filesystem::rename(dir.file("kept.key"), key_file);
    CHECK(SqliteCaseStore::Open({db}).ok());
  }
}

TEST_CASE("an older database's plain mediator-only positions are sealed at the first open with "
          "a key, recorded in the history",
          "[store][sqlite][at-rest]") {
  TempDir dir;
  const std::string db = dir.file("b.db");
  Id case_id = 0;
  {
    auto store = SqliteCaseStore::Open({db});
    REQUIRE(store.ok());
    case_id = WriteBothPositions(**store);
  }
  // As a database of schema 4 held it: the position in plain text, no key id.
  Tamper(db, std::string("DROP TRIGGER positions_no_update; UPDATE positions SET text = '") +
                 kSentinel + "' WHERE visibility = " +
                 std::to_string(static_cast<int>(Visibility::kMediatorOnly)) + ";");
  DowngradeToSchema4(db);
  REQUIRE(CountRows(db, std::string("SELECT count(*) FROM positions WHERE text = '") + kSentinel +
                            "'") == 1);
  auto store = SqliteCaseStore::Open({db});
  REQUIRE(store.ok());
  CHECK(CountRows(db, std::string("SELECT count(*) FROM positions WHERE instr(text, '") +
                          kSentinel + "') > 0") == 0);
  CheckPlainPositions(**store, case_id);
  CHECK((*store)->CheckOnStart().ok());
  auto audit = (*store)->AuditHistory(std::nullopt);
  REQUIRE(audit.ok());
  CHECK(audit->ok());
  // What stays: the old history's record of the row (docs/security.md, "At rest").
  CHECK(CountRows(db, std::string("SELECT count(*) FROM events WHERE instr(changes, '") +
                          kSentinel + "') > 0") == 1);
}

TEST_CASE("an older database's mediator-only position that looks sealed is sealed too, and reads "
          "back as it was stated",
          "[store][sqlite][at-rest]") {
  TempDir dir;
  const std::string db = dir.file("b.db");
  Id case_id = 0;
  {
    auto store = SqliteCaseStore::Open({db});
    REQUIRE(store.ok());
    case_id = WriteBothPositions(**store);
  }
  // A party stated, before barazad sealed anything, a text that begins as a sealed one does.
  const std::string stated = "enc1:AAAA our real red line";
  Tamper(db, "DROP TRIGGER positions_no_update; UPDATE positions SET text = '" + stated +
                 "' WHERE visibility = " +
                 std::to_string(static_cast<int>(Visibility::kMediatorOnly)) + ";");
  DowngradeToSchema4(db);
  auto store = SqliteCaseStore::Open({db});
  REQUIRE(store.ok());
  CHECK(CountRows(db, "SELECT count(*) FROM positions WHERE instr(text, 'red line') > 0") == 0);
  auto c = (*store)->GetCase(case_id);
  REQUIRE(c.ok());
  REQUIRE(c->positions.size() == 2);
  CHECK(c->positions[0].text == stated);
  auto audit = (*store)->AuditHistory(std::nullopt);
  REQUIRE(audit.ok());
  CHECK(audit->ok());
}

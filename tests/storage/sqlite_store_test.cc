// What only the SQLite store promises, beyond the CaseStore contract: durability
// across a reopen, WAL settings, append-only history and reports, group commit,
// checkpoints, the case cache, and migrations from older schemas.
#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <thread>

#include "storage/case_codec.h"
#include "storage/memory_case_store.h"
#include "storage/sqlite_case_store.h"
#include "tests/fakes/fixtures.h"
#include "tests/fakes/legacy_schema.h"
#include "tests/fakes/store_factories.h"
#include "tests/fakes/store_helpers.h"
#include "tests/fakes/temp_dir.h"

using namespace baraza;
using namespace baraza::testing;

TEST_CASE("sqlite store keeps everything across a reopen", "[store][sqlite]") {
  TempDir dir;
  Id case_id = 0;
  {
    auto store = SqliteCaseStore::Open({dir.file("b.db")});
    REQUIRE(store.ok());
    ContactGroup g = Seed(**store);
    case_id = FileIn(**store, g).next.id;
  }
  auto store = SqliteCaseStore::Open({dir.file("b.db")});
  REQUIRE(store.ok());
  CHECK((*store)->GetCase(case_id).ok());
  CHECK((*store)->ListEvents(case_id)->size() == 3);
  CHECK((*store)->DeadlinesOf(case_id)->size() == 4);
}

TEST_CASE("sqlite store refuses a database newer than it knows", "[store][sqlite]") {
  TempDir dir;
  { REQUIRE(SqliteCaseStore::Open({dir.file("b.db")}).ok()); }
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(dir.file("b.db").c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  auto store = SqliteCaseStore::Open({dir.file("b.db")});
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().code() == Code::kFailedPrecondition);
  CHECK_THAT(store.status().message(), Catch::Contains("newer"));
}

TEST_CASE("sqlite store runs in WAL mode with synchronous FULL", "[store][sqlite]") {
  TempDir dir;
  { REQUIRE(SqliteCaseStore::Open({dir.file("b.db")}).ok()); }
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(dir.file("b.db").c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, nullptr);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))) == "wal");
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST_CASE("sqlite store history refuses edits and deletes", "[store][sqlite]") {
  TempDir dir;
  {
    auto store = SqliteCaseStore::Open({dir.file("b.db")});
    REQUIRE(store.ok());
    FileIn(**store, Seed(**store));
  }
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(dir.file("b.db").c_str(), &db) == SQLITE_OK);
  CHECK(sqlite3_exec(db, "UPDATE events SET actor = 'x'", nullptr, nullptr, nullptr) != SQLITE_OK);
  CHECK(sqlite3_exec(db, "DELETE FROM events", nullptr, nullptr, nullptr) != SQLITE_OK);
  sqlite3_close(db);
}

namespace {

Status InsertGroupNamed(WriteTx& tx, const std::string& name) {
  ContactGroup g;
  g.name = name;
  return tx.InsertGroup(g).status();
}

}  // namespace

TEST_CASE("sqlite store commits concurrent writes together and isolates a failing one",
          "[store][sqlite]") {
  TempDir dir;
  auto opened = SqliteCaseStore::Open({dir.file("b.db")});
  REQUIRE(opened.ok());
  auto& store = **opened;
  constexpr int kWrites = 200;
  auto results = WriteBatched(store, kWrites, [](int i, WriteTx& tx) {
    if (i == 50) return Status::InvalidArgument("this one fails");
    return InsertGroupNamed(tx, "group " + std::to_string(i));
  });
  for (int i = 0; i < kWrites; ++i) CHECK(results[i].ok() == (i != 50));
  CHECK(store.ListGroups(0, 1000)->size() == kWrites - 1);
  auto stats = store.Stats();
  CHECK(stats.writes == kWrites);        // the gate write plus 199 groups
  CHECK(stats.commits < kWrites / 10);   // batched, not one commit per write
  CHECK(stats.batches_rerun == 0);       // refused before writing: nothing to undo
}

TEST_CASE("sqlite store copies a grown WAL into the database on its checkpoint thread",
          "[store][sqlite]") {
  TempDir dir;
  auto opened = SqliteCaseStore::Open({dir.file("b.db")});
  REQUIRE(opened.ok());
  auto& store = **opened;
  // Some 5 MB of groups: more WAL pages than kCheckpointPages (4 KiB each).
  const std::string purpose(16 * 1024, 'p');
  auto results = WriteBatched(store, 320, [&](int i, WriteTx& tx) {
    ContactGroup g;
    g.name = "group " + std::to_string(i);
    g.purpose = purpose;
    return tx.InsertGroup(g).status();
  });
  for (const auto& r : results) REQUIRE(r.ok());
  // The checkpoint runs apart from the writer: wait for it, boundedly.
  for (int i = 0; i < 200 && store.Stats().checkpoints == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(store.Stats().checkpoints >= 1);
  CHECK(store.ListGroups(0, 1000)->size() == 320);
  // The database file itself now holds them (not only the WAL).
  CHECK(std::filesystem::file_size(dir.file("b.db")) > 4u * 1024 * 1024);
}

TEST_CASE("sqlite store undoes a write that fails half-way and keeps the rest of its batch",
          "[store][sqlite]") {
  TempDir dir;
  auto opened = SqliteCaseStore::Open({dir.file("b.db")});
  REQUIRE(opened.ok());
  auto& store = **opened;
  constexpr int kWrites = 100;
  auto results = WriteBatched(store, kWrites, [](int i, WriteTx& tx) {
    Status s = InsertGroupNamed(tx, "group " + std::to_string(i));
    if (s.ok() && i == 30) return Status::Internal("injected failure after the insert");
    return s;
  });
  for (int i = 0; i < kWrites; ++i) CHECK(results[i].ok() == (i != 30));
  auto groups = store.ListGroups(0, 1000);
  REQUIRE(groups.ok());
  CHECK(groups->size() == kWrites - 1);
  for (const auto& g : *groups) CHECK(g.name != "group 30");
  CHECK(store.Stats().batches_rerun >= 1);
}

TEST_CASE("sqlite store reads while a write is in progress", "[store][sqlite]") {
  TempDir dir;
  auto opened = SqliteCaseStore::Open({dir.file("b.db")});
  REQUIRE(opened.ok());
  auto& store = **opened;
  ContactGroup g = Seed(store);
  std::promise<void> release, started;
  auto gate = release.get_future().share();
  std::promise<Status> done;
  store.Write(
      [&](WriteTx& tx) {
        ContactGroup other;
        other.name = "uncommitted";
        auto s = tx.InsertGroup(other).status();
        started.set_value();
        gate.wait();
        return s;
      },
      [&](Status s) { done.set_value(s); });
  started.get_future().wait();
  // The writer holds an open transaction; a read answers at once, from the
  // last committed state.
  auto groups = store.ListGroups(0, 10);
  REQUIRE(groups.ok());
  CHECK(groups->size() == 1);
  release.set_value();
  CHECK(done.get_future().get().ok());
  CHECK(store.ListGroups(0, 10)->size() == 2);
}

TEST_CASE("case cache keeps no version older than the last commit", "[store][cache]") {
  CaseCache cache(2);
  Case v1;
  v1.id = 7;
  v1.version = 1;
  Case v2 = v1;
  v2.version = 2;
  uint64_t before = cache.Epoch();  // a reader starts, and loads version 1
  cache.Committed({std::make_shared<const Case>(v2)});  // meanwhile the writer commits version 2
  cache.AddLoaded(std::make_shared<const Case>(v1), before);  // the reader's older copy is not kept
  REQUIRE(cache.Get(7) != nullptr);
  CHECK(cache.Get(7)->version == 2);
  CHECK(cache.Get(7, 1) == nullptr);
  // Least recently used cases make room.
  Case a = v1, b = v1;
  a.id = 8;
  b.id = 9;
  cache.AddLoaded(std::make_shared<const Case>(a), cache.Epoch());
  cache.AddLoaded(std::make_shared<const Case>(b), cache.Epoch());
  CHECK(cache.Get(7) == nullptr);
  CHECK(cache.Get(9) != nullptr);
}

TEST_CASE("case cache holds no more bytes than it may, whatever the count", "[store][cache]") {
  Case big;
  big.description = std::string(10'000, 'x');
  size_t one = CaseCache::ApproxBytes(big);
  CaseCache cache(1000, 3 * one);  // room by count for 1000, by bytes for 3
  for (Id id = 1; id <= 10; ++id) {
    big.id = id;
    cache.Committed({std::make_shared<const Case>(big)});
  }
  CHECK(cache.bytes() <= 3 * one);
  CHECK(cache.Get(10) != nullptr);  // the newest stay
  CHECK(cache.Get(8) != nullptr);
  CHECK(cache.Get(7) == nullptr);
  // Replacing a case with a bigger version accounts for the difference.
  big.id = 10;
  big.description += std::string(5'000, 'y');
  cache.Committed({std::make_shared<const Case>(big)});
  CHECK(cache.bytes() <= 3 * one);
  CHECK(cache.Get(10)->description.size() == 15'000);
}

namespace {

// A SQLite store holding the fixture group and one dispute filed in it.
struct FiledInSqlite {
  SqliteStore sqlite;
  std::unique_ptr<CaseStore> opened = sqlite.Make();
  CaseStore& store = *opened;
  ContactGroup g = Seed(store);
  workflow::Transition t = FileIn(store, g);
};

}  // namespace

TEST_CASE("sqlite store reads the committed version after each write", "[store][sqlite][cache]") {
  FiledInSqlite f;
  auto& [sqlite, opened, store, g, t] = f;
  Case c = *store.GetCase(t.next.id);  // cached now
  for (int i = 0; i < 5; ++i) {
    auto r = workflow::Respond(c, "position " + std::to_string(i), Visibility::kGroup,
                               LiaisonOf(g.parties[1].id), kT0 + i + 1);
    REQUIRE(r.ok());
    Save(store, *r);
    c = *store.GetCase(c.id);
    CHECK(c.version == r->next.version);
    CHECK(c.positions.size() == static_cast<size_t>(i + 1));
    CaseFilter all;
    CHECK(store.ListCases(all)->front().version == c.version);
  }
}

TEST_CASE("sqlite store writes read a cached case without copying it", "[store][sqlite][cache]") {
  FiledInSqlite f;
  auto& [sqlite, opened, store, g, t] = f;
  CaseRef cached = *store.GetCaseShared(t.next.id);  // committed, so cached
  CaseRef seen_first, seen_after_save;
  auto r = workflow::Respond(*cached, "a position", Visibility::kGroup,
                             LiaisonOf(g.parties[1].id), kT0 + 1);
  REQUIRE(r.ok());
  REQUIRE(store.WriteAndWait([&](WriteTx& tx) -> Status {
                 BARAZA_ASSIGN_OR_RETURN(seen_first, tx.GetCaseShared(t.next.id));
                 BARAZA_RETURN_IF_ERROR(tx.SaveCase(r->next, r->events, r->notices, {}));
                 BARAZA_ASSIGN_OR_RETURN(seen_after_save, tx.GetCaseShared(t.next.id));
                 return Status::Ok();
               }).ok());
  CHECK(seen_first.get() == cached.get());  // the very case the readers share
  // After its own save, the write sees the version it saved, not the cached one.
  CHECK(seen_after_save->version == r->next.version);
  CHECK(seen_after_save->positions.size() == 1);
  CHECK(cached->positions.empty());  // the shared committed case was not changed
}

TEST_CASE("sqlite store refuses to change or delete a published report", "[store][sqlite][report]") {
  TempDir dir;
  {
    auto store = SqliteCaseStore::Open({dir.file("baraza.db")});
    REQUIRE(store.ok());
    ContactGroup g = Seed(**store);
    auto t = FileIn(**store, g);
    REQUIRE((*store)->WriteAndWait([&](WriteTx& tx) {
                     return tx.InsertReport(SampleReport(1, t.next, "3:abc"));
                   }).ok());
  }
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(dir.file("baraza.db").c_str(), &db) == SQLITE_OK);
  CHECK(sqlite3_exec(db, "UPDATE reports SET title = 'edited'", nullptr, nullptr, nullptr) !=
        SQLITE_OK);
  CHECK(sqlite3_exec(db, "DELETE FROM reports", nullptr, nullptr, nullptr) != SQLITE_OK);
  sqlite3_close(db);
  auto store = SqliteCaseStore::Open({dir.file("baraza.db")});
  REQUIRE(store.ok());
  CHECK((*store)->GetReport(1)->title.find("<script>x</script>") != std::string::npos);
}

TEST_CASE("sqlite store adds the reports table when it migrates a version 2 database",
          "[store][sqlite][report]") {
  TempDir dir;
  {
    auto store = SqliteCaseStore::Open({dir.file("baraza.db")});
    REQUIRE(store.ok());
    FileIn(**store, Seed(**store));
  }
  DowngradeToSchema4(dir.file("baraza.db"));
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(dir.file("baraza.db").c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, kPositionsBackIntoBodies, nullptr, nullptr, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "DROP TABLE reports; PRAGMA user_version = 2", nullptr, nullptr,
                       nullptr) == SQLITE_OK);
  sqlite3_close(db);
  auto store = SqliteCaseStore::Open({dir.file("baraza.db")});
  REQUIRE(store.ok());
  auto c = (*store)->GetCase(1);
  REQUIRE(c.ok());
  REQUIRE((*store)->WriteAndWait([&](WriteTx& tx) {
                   return tx.InsertReport(SampleReport(1, *c, "3:abc"));
                 }).ok());
  CHECK((*store)->ListReports({0, 0, 0, 10})->size() == 1);
}

namespace {

// Adds a position of `party` to the stored case `id`, as a response does.
Case RespondIn(CaseStore& store, Id id, Id party, const std::string& text, UnixMillis at) {
  auto c = store.GetCase(id);
  REQUIRE(c.ok());
  auto t = workflow::Respond(*c, text, Visibility::kGroup, LiaisonOf(party), at);
  REQUIRE(t.ok());
  Save(store, *t);
  return t->next;
}

int64_t CountRows(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  int64_t n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

}  // namespace

TEST_CASE("sqlite store appends positions to their own table and reads them back in order",
          "[store][sqlite]") {
  TempDir dir;
  Id case_id = 0;
  {
    auto store = SqliteCaseStore::Open({dir.file("b.db")});
    REQUIRE(store.ok());
    ContactGroup g = Seed(**store);
    case_id = FileIn(**store, g).next.id;
    RespondIn(**store, case_id, g.parties[1].id, "We open the road by day.", kT0 + kSecond);
    Case after = RespondIn(**store, case_id, g.parties[2].id, "Only with escorts.", kT0 + 2 * kSecond);
    REQUIRE(after.positions.size() == 2);
  }
  // One row per position; the case body holds none of them.
  CHECK(CountRows(dir.file("b.db"), "SELECT COUNT(*) FROM positions") == 2);
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(dir.file("b.db").c_str(), &db) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "SELECT body FROM cases", -1, &st, nullptr) == SQLITE_OK);
    int bodies = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
      ++bodies;
      auto c = codec::DecodeCase(std::string(static_cast<const char*>(sqlite3_column_blob(st, 0)),
                                             static_cast<size_t>(sqlite3_column_bytes(st, 0))));
      REQUIRE(c.ok());
      CHECK(c->positions.empty());
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    CHECK(bodies == 1);
  }
  // Read back cold (a new store, an empty cache), by id and in a list.
  auto store = SqliteCaseStore::Open({dir.file("b.db")});
  REQUIRE(store.ok());
  auto got = (*store)->GetCase(case_id);
  REQUIRE(got.ok());
  REQUIRE(got->positions.size() == 2);
  CHECK(got->positions[0].id == 1);
  CHECK(got->positions[0].text == "We open the road by day.");
  CHECK(got->positions[1].text == "Only with escorts.");
  CHECK(got->positions[1].stated_at == kT0 + 2 * kSecond);
  auto listed = (*store)->ListCases({});
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 1);
  CHECK(listed->front().positions.size() == 2);
  // A stated position never changes.
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(dir.file("b.db").c_str(), &db) == SQLITE_OK);
  CHECK(sqlite3_exec(db, "UPDATE positions SET text = 'edited'", nullptr, nullptr, nullptr) != SQLITE_OK);
  CHECK(sqlite3_exec(db, "DELETE FROM positions", nullptr, nullptr, nullptr) != SQLITE_OK);
  sqlite3_close(db);
}

TEST_CASE("sqlite store moves positions out of the case bodies when it migrates a version 3 database",
          "[store][sqlite]") {
  TempDir dir;
  Id case_id = 0;
  Case before;
  {
    auto store = SqliteCaseStore::Open({dir.file("b.db")});
    REQUIRE(store.ok());
    ContactGroup g = Seed(**store);
    case_id = FileIn(**store, g).next.id;
    RespondIn(**store, case_id, g.parties[1].id, "First \"quoted\" position \xE2\x80\x94 with a dash.",
              kT0 + kSecond);
    before = RespondIn(**store, case_id, g.parties[2].id, "Second.", kT0 + 2 * kSecond);
  }
  // Make it a version 3 database: positions inside the body, no positions table.
  DowngradeToSchema4(dir.file("b.db"));
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(dir.file("b.db").c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, kPositionsBackIntoBodies, nullptr, nullptr, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "PRAGMA user_version = 3", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  CHECK(CountRows(dir.file("b.db"), "SELECT json_array_length(body, '$.positions') FROM cases") == 2);

  auto store = SqliteCaseStore::Open({dir.file("b.db")});
  REQUIRE(store.ok());
  auto got = (*store)->GetCase(case_id);
  REQUIRE(got.ok());
  REQUIRE(got->positions.size() == 2);
  CHECK(got->positions[0].text == before.positions[0].text);
  CHECK(got->positions[1].party_id == before.positions[1].party_id);
  CHECK(got->positions[1].stated_at == before.positions[1].stated_at);
  CHECK(codec::EncodeCase(*got) == codec::EncodeCase(before));
  CHECK(CountRows(dir.file("b.db"),
                  "SELECT COUNT(*) FROM cases WHERE json_type(body, '$.positions') IS NOT NULL") == 0);
}

// The CaseStore contract, run against both stores: SQLite (the server's) and
// in-memory (the unit tests'). Plus what only the SQLite store promises.
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
#include "tests/fakes/store_helpers.h"
#include "tests/fakes/temp_dir.h"

using namespace baraza;
using namespace baraza::testing;

namespace {

struct MemoryStore {
  std::unique_ptr<CaseStore> Make() { return std::make_unique<MemoryCaseStore>(); }
};

struct SqliteStore {
  TempDir dir;
  std::unique_ptr<CaseStore> Make() {
    auto s = SqliteCaseStore::Open({dir.file("baraza.db")});
    REQUIRE(s.ok());
    return std::move(s).value();
  }
};

}  // namespace

TEMPLATE_TEST_CASE("store keeps groups, parties and liaisons", "[store]", MemoryStore, SqliteStore) {
  TestType factory;
  auto store = factory.Make();
  ContactGroup g = Seed(*store);
  Status s = store->WriteAndWait([&](WriteTx& tx) {
    Liaison l;
    l.party_id = g.parties[1].id;
    l.name = "Hassan";
    return tx.InsertLiaison(l).status();
  });
  REQUIRE(s.ok());
  auto got = store->GetGroup(g.id);
  REQUIRE(got.ok());
  CHECK(got->name == g.name);
  REQUIRE(got->parties.size() == 3);
  CHECK(got->parties[1].liaison_count == 1);
  CHECK(got->parties[0].liaison_count == 0);
  CHECK(store->GetGroup(999).status().code() == Code::kNotFound);
  auto groups = store->ListGroups(0, 10);
  REQUIRE(groups.ok());
  CHECK(groups->size() == 1);
}

TEMPLATE_TEST_CASE("store refuses a duplicate party name in a group", "[store]", MemoryStore,
                   SqliteStore) {
  TestType factory;
  auto store = factory.Make();
  ContactGroup g = Seed(*store);
  Status s = store->WriteAndWait([&](WriteTx& tx) {
    Party p = g.parties[0];
    return tx.InsertParty(p).status();
  });
  CHECK(s.code() == Code::kAlreadyExists);
  CHECK(store->GetGroup(g.id)->parties.size() == 3);
}

TEMPLATE_TEST_CASE("store saves a case with its events, notices and deadlines together", "[store]",
                   MemoryStore, SqliteStore) {
  TestType factory;
  auto store = factory.Make();
  ContactGroup g = Seed(*store);
  auto t = FileIn(*store, g);
  auto c = store->GetCase(t.next.id);
  REQUIRE(c.ok());
  CHECK(c->title == t.next.title);
  CHECK(c->respondents.size() == 2);
  CHECK(store->ListEvents(c->id)->size() == 3);
  auto notices = store->ListNotices(g.parties[1].id, 0, 10);
  REQUIRE(notices.ok());
  REQUIRE(notices->size() == 1);
  CHECK(notices->front().id > 0);
  CHECK(store->DeadlinesOf(c->id)->size() == 4);
  CHECK(**store->NextDeadline() == kT0 + kWindow / 2);
  CHECK(store->CasesDue(kT0, 10)->empty());
  CHECK(*store->CasesDue(kT0 + kWindow / 2, 10) == std::vector<Id>{c->id});
}

TEMPLATE_TEST_CASE("store lists cases by group, party and state, newest first", "[store]",
                   MemoryStore, SqliteStore) {
  TestType factory;
  auto store = factory.Make();
  ContactGroup g = Seed(*store);
  Id first = FileIn(*store, g).next.id;
  Id second = FileIn(*store, g).next.id;
  CaseFilter all;
  auto cases = store->ListCases(all);
  REQUIRE(cases.ok());
  REQUIRE(cases->size() == 2);
  CHECK((*cases)[0].id == second);
  CaseFilter page;
  page.before_id = second;
  CHECK(store->ListCases(page)->front().id == first);
  CaseFilter by_party;
  by_party.party_id = g.parties[2].id;
  CHECK(store->ListCases(by_party)->size() == 2);
  by_party.party_id = 999;
  CHECK(store->ListCases(by_party)->empty());
  CaseFilter settled;
  settled.state = CaseState::kSettled;
  CHECK(store->ListCases(settled)->empty());
}

TEMPLATE_TEST_CASE("store rejects a case saved over a newer version", "[store]", MemoryStore,
                   SqliteStore) {
  TestType factory;
  auto store = factory.Make();
  ContactGroup g = Seed(*store);
  auto t = FileIn(*store, g);
  std::vector<Notice> none;
  Status s = store->WriteAndWait(
      [&](WriteTx& tx) { return tx.SaveCase(t.next, {}, none, {}); });  // same version again
  CHECK(s.code() == Code::kAborted);
  CHECK(store->ListEvents(t.next.id)->size() == 3);
}

TEMPLATE_TEST_CASE("store writes nothing of a write that fails halfway", "[store]", MemoryStore,
                   SqliteStore) {
  TestType factory;
  auto store = factory.Make();
  ContactGroup g = Seed(*store);
  Status s = store->WriteAndWait([&](WriteTx& tx) -> Status {
    ContactGroup other;
    other.name = "second";
    auto id = tx.InsertGroup(other);
    if (!id.ok()) return id.status();
    return Status::Internal("injected failure after the first insert");
  });
  CHECK(s.code() == Code::kInternal);
  CHECK(store->ListGroups(0, 10)->size() == 1);
}

TEMPLATE_TEST_CASE("store finds tokens by hash only", "[store]", MemoryStore, SqliteStore) {
  TestType factory;
  auto store = factory.Make();
  TokenRecord t;
  t.hash = "abc123";
  t.role = Role::kMediator;
  t.subject_id = 1;
  REQUIRE(store->WriteAndWait([&](WriteTx& tx) { return tx.InsertToken(t); }).ok());
  auto found = store->FindToken("abc123");
  REQUIRE(found.ok());
  REQUIRE(found->has_value());
  CHECK((*found)->role == Role::kMediator);
  CHECK_FALSE(store->FindToken("nope")->has_value());
  CHECK(*store->CountTokens(Role::kMediator) == 1);
  CHECK(*store->CountTokens(Role::kLiaison) == 0);
}

TEMPLATE_TEST_CASE("store lists tokens and revokes one by its public id, once", "[store]",
                   MemoryStore, SqliteStore) {
  TestType factory;
  auto store = factory.Make();
  for (int i = 0; i < 2; ++i) {
    TokenRecord t;
    t.hash = std::string(i == 0 ? "aaaaaaaaaaaa" : "bbbbbbbbbbbb") + std::string(52, '0');
    t.role = Role::kLiaison;
    t.label = "liaison " + std::to_string(i);
    t.created_at = kT0 + i;
    REQUIRE(store->WriteAndWait([&](WriteTx& tx) { return tx.InsertToken(t); }).ok());
  }
  auto listed = store->ListTokens();
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 2);
  CHECK((*listed)[0].PublicId() == "aaaaaaaaaaaa");

  Result<TokenRecord> revoked = Status::Internal("not run");
  auto revoke = [&](const std::string& id) {
    return store->WriteAndWait([&](WriteTx& tx) {
      revoked = tx.RevokeToken(id, kT0 + 100);
      return revoked.status();
    });
  };
  REQUIRE(revoke("bbbbbbbbbbbb").ok());
  CHECK(revoked->label == "liaison 1");
  CHECK((*store->FindToken(std::string("bbbbbbbbbbbb") + std::string(52, '0')))->revoked_at ==
        kT0 + 100);
  CHECK((*store->FindToken(std::string("aaaaaaaaaaaa") + std::string(52, '0')))->revoked_at == 0);
  CHECK(revoke("bbbbbbbbbbbb").code() == Code::kFailedPrecondition);
  CHECK(revoke("cccccccccccc").code() == Code::kNotFound);
  CHECK(revoke("bbbb").code() == Code::kNotFound);  // a prefix is not an id
}

TEMPLATE_TEST_CASE("store numbers commanders from one", "[store]", MemoryStore, SqliteStore) {
  TestType factory;
  auto store = factory.Make();
  std::vector<Id> ids;
  REQUIRE(store
              ->WriteAndWait([&](WriteTx& tx) -> Status {
                for (const char* name : {"Col. Diallo", "Maj. Okafor"}) {
                  Commander c;
                  c.name = name;
                  auto id = tx.InsertCommander(c);
                  if (!id.ok()) return id.status();
                  ids.push_back(*id);
                }
                return Status::Ok();
              })
              .ok());
  CHECK(ids == std::vector<Id>{1, 2});
}

TEMPLATE_TEST_CASE("store keeps a group's appeal window", "[store]", MemoryStore, SqliteStore) {
  TestType factory;
  auto store = factory.Make();
  ContactGroup g = ThreePartyGroup(0);
  g.appeal_window = 3 * kDay;
  Id id = 0;
  REQUIRE(store
              ->WriteAndWait([&](WriteTx& tx) -> Status {
                auto r = tx.InsertGroup(g);
                if (r.ok()) id = *r;
                return r.status();
              })
              .ok());
  CHECK(store->GetGroup(id)->appeal_window == 3 * kDay);
}

TEMPLATE_TEST_CASE("store keeps an emergency action with its appeals and answers", "[store]",
                   MemoryStore, SqliteStore) {
  TestType factory;
  auto store = factory.Make();
  ContactGroup g = Seed(*store);
  auto f = ActionAffectingAAndB();
  f.group_id = g.id;
  f.affected_party_ids = {g.parties[1].id, g.parties[2].id};
  Actor commander = CommanderActor(4);
  auto logged = workflow::LogEmergencyAction(1, f, g, commander, kT0);
  REQUIRE(logged.ok());
  Save(*store, *logged);
  CHECK(*store->DeadlinesOf(1) ==
        std::vector<Deadline>{{1, 0, DeadlineKind::kAppealWindowClose, kT0 + g.appeal_window}});
  Case c = *store->GetCase(1);
  auto explained = workflow::ExplainAction(c, "The crowd was under fire.", commander, kT0 + 1);
  REQUIRE(explained.ok());
  Save(*store, *explained);
  auto appealed = workflow::FileAppeal(explained->next, "It was our checkpoint.", "Apology",
                                       LiaisonOf(g.parties[1].id), kT0 + 2);
  REQUIRE(appealed.ok());
  Save(*store, *appealed);
  auto answered = workflow::AnswerAppeal(appealed->next, 1, "Shots came from it.", commander, kT0 + 3);
  REQUIRE(answered.ok());
  Save(*store, *answered);

  Case got = *store->GetCase(1);
  CHECK(got.kind == CaseKind::kEmergencyAction);
  CHECK(got.state == CaseState::kUnderAppeal);
  CHECK(got.filed_by_commander_id == 4);
  CHECK(got.action.narrowness == f.action.narrowness);
  CHECK(got.action.occurred_at == f.action.occurred_at);
  CHECK(got.affected_party_ids == f.affected_party_ids);
  CHECK(got.appeal_deadline == kT0 + g.appeal_window);
  REQUIRE(got.explanations.size() == 1);
  CHECK(got.explanations[0].text == "The crowd was under fire.");
  REQUIRE(got.appeals.size() == 1);
  CHECK(got.appeals[0].requested_remedy == "Apology");
  REQUIRE(got.appeals[0].answer.has_value());
  CHECK(got.appeals[0].answer->text == "Shots came from it.");
  CHECK(store->DeadlinesOf(1)->empty());  // appealed: nothing left for the server to do
  // An affected party finds the case among its own.
  CaseFilter by_party;
  by_party.party_id = g.parties[2].id;
  CHECK(store->ListCases(by_party)->size() == 1);
}

TEMPLATE_TEST_CASE("store lists the cases a commander filed", "[store]", MemoryStore, SqliteStore) {
  TestType factory;
  auto store = factory.Make();
  ContactGroup g = Seed(*store);
  FileIn(*store, g);  // a mediator's dispute
  auto f = ActionAffectingAAndB();
  f.group_id = g.id;
  f.affected_party_ids = {g.parties[1].id};
  auto logged = workflow::LogEmergencyAction(2, f, g, CommanderActor(4), kT0);
  REQUIRE(logged.ok());
  Save(*store, *logged);
  CaseFilter mine;
  mine.commander_id = 4;
  auto cases = store->ListCases(mine);
  REQUIRE(cases.ok());
  REQUIRE(cases->size() == 1);
  CHECK(cases->front().id == 2);
  mine.commander_id = 5;
  CHECK(store->ListCases(mine)->empty());
}

// ------------------------------------------------------- SQLite only ---

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

// Queues `n` writes while the writer is held busy by a first one, so that they
// are committed together, and returns their outcomes in order.
std::vector<Status> WriteBatched(SqliteCaseStore& store, int n,
                                 std::function<Status(int, WriteTx&)> fn) {
  std::promise<void> release;
  auto gate = release.get_future().share();
  store.Write([gate](WriteTx&) { gate.wait(); return Status::Ok(); }, [](Status) {});
  std::vector<std::future<Status>> results;
  for (int i = 0; i < n; ++i) {
    auto p = std::make_shared<std::promise<Status>>();
    results.push_back(p->get_future());
    store.Write([i, fn](WriteTx& tx) { return fn(i, tx); }, [p](Status s) { p->set_value(s); });
  }
  release.set_value();
  std::vector<Status> out;
  for (auto& f : results) out.push_back(f.get());
  return out;
}

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

TEMPLATE_TEST_CASE("store finds a request by actor and id", "[store]", MemoryStore, SqliteStore) {
  TestType factory;
  auto store = factory.Make();
  StoredRequest r{"liaison:3", "abc-1", "RespondToNotice:ff", 7, "{\"id\":7}", kT0};
  REQUIRE(store->WriteAndWait([&](WriteTx& tx) { return tx.InsertRequest(r); }).ok());
  std::optional<StoredRequest> found, other_actor;
  REQUIRE(store
              ->WriteAndWait([&](WriteTx& tx) -> Status {
                auto a = tx.FindRequest("liaison:3", "abc-1");
                auto b = tx.FindRequest("liaison:4", "abc-1");
                if (!a.ok()) return a.status();
                if (!b.ok()) return b.status();
                found = *a;
                other_actor = *b;
                return Status::Ok();
              })
              .ok());
  REQUIRE(found.has_value());
  CHECK(found->fingerprint == "RespondToNotice:ff");
  CHECK(found->object_id == 7);
  CHECK(found->response == "{\"id\":7}");
  CHECK_FALSE(other_actor.has_value());
  // The same actor and id cannot be stored twice.
  CHECK_FALSE(store->WriteAndWait([&](WriteTx& tx) { return tx.InsertRequest(r); }).ok());
}

TEST_CASE("case cache keeps no version older than the last commit", "[store][cache]") {
  CaseCache cache(2);
  Case v1;
  v1.id = 7;
  v1.version = 1;
  Case v2 = v1;
  v2.version = 2;
  uint64_t before = cache.Epoch();  // a reader starts, and loads version 1
  cache.Committed(std::vector<Case>{v2});  // meanwhile the writer commits version 2
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
    cache.Committed(std::vector<Case>{big});
  }
  CHECK(cache.bytes() <= 3 * one);
  CHECK(cache.Get(10) != nullptr);  // the newest stay
  CHECK(cache.Get(8) != nullptr);
  CHECK(cache.Get(7) == nullptr);
  // Replacing a case with a bigger version accounts for the difference.
  big.id = 10;
  big.description += std::string(5'000, 'y');
  cache.Committed(std::vector<Case>{big});
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

namespace {

Report SampleReport(Id id, const Case& c, const std::string& head) {
  Report r;
  r.id = id;
  r.case_id = c.id;
  r.group_id = c.group_id;
  r.published_at = kT0 + id;
  r.published_by = "mediator:1";
  r.title = "Report on case #" + std::to_string(c.id) + ": <script>x</script>";
  r.history_head = head;
  r.case_head = std::string(64, 'c');
  r.sections = {{"The case", {{"Case", "#1 \"quoted\" \n two lines"}, {"Kind", "dispute"}}},
                {"Outcome", {{"Outcome", "none yet"}}}};
  return r;
}

}  // namespace

TEMPLATE_TEST_CASE("store keeps published reports and lists them newest first", "[store][report]",
                   MemoryStore, SqliteStore) {
  TestType factory;
  auto store = factory.Make();
  ContactGroup g = Seed(*store);
  auto t = FileIn(*store, g);
  std::vector<Report> written;
  for (int i = 0; i < 3; ++i) {
    Status s = store->WriteAndWait([&](WriteTx& tx) -> Status {
      BARAZA_ASSIGN_OR_RETURN(Id id, tx.NextReportId());
      BARAZA_ASSIGN_OR_RETURN(HistoryHeads heads, tx.Heads(t.next.id));
      Report r = SampleReport(id, t.next, heads.log);
      if (i == 2) r.corrects_report_id = 1;
      written.push_back(r);
      return tx.InsertReport(r);
    });
    REQUIRE(s.ok());
  }
  CHECK(written[0].id == 1);
  CHECK(written[2].id == 3);
  auto got = store->GetReport(2);
  REQUIRE(got.ok());
  CHECK(*got == written[1]);
  CHECK(store->GetReport(99).status().code() == Code::kNotFound);

  auto all = store->ListReports({g.id, 0, 0, 10});
  REQUIRE(all.ok());
  REQUIRE(all->size() == 3);
  CHECK((*all)[0].id == 3);
  CHECK((*all)[0].corrects_report_id == 1);
  auto page = store->ListReports({0, t.next.id, 3, 1});
  REQUIRE(page.ok());
  REQUIRE(page->size() == 1);
  CHECK((*page)[0].id == 2);
  CHECK(store->ListReports({g.id + 1, 0, 0, 10})->empty());
  CHECK(store->ListReports({0, t.next.id + 1, 0, 10})->empty());

  auto groups = store->ReportingGroups(0, 10);
  REQUIRE(groups.ok());
  CHECK(*groups == std::vector<Id>{g.id});
  CHECK(store->ReportingGroups(g.id, 10)->empty());
}

TEMPLATE_TEST_CASE("store gives the history heads and a case's events inside a write",
                   "[store][report]", MemoryStore, SqliteStore) {
  TestType factory;
  auto store = factory.Make();
  ContactGroup g = Seed(*store);
  HistoryHeads empty;
  REQUIRE(store->WriteAndWait([&](WriteTx& tx) -> Status {
                 BARAZA_ASSIGN_OR_RETURN(empty, tx.Heads(1));
                 return Status::Ok();
               }).ok());
  CHECK(empty.log.rfind("1:", 0) == 0);  // the group's registry event only
  CHECK(empty.case_last.empty());

  auto t = FileIn(*store, g);
  HistoryHeads heads;
  std::vector<Event> events;
  REQUIRE(store->WriteAndWait([&](WriteTx& tx) -> Status {
                 BARAZA_ASSIGN_OR_RETURN(heads, tx.Heads(t.next.id));
                 BARAZA_ASSIGN_OR_RETURN(events, tx.ListEvents(t.next.id));
                 return Status::Ok();
               }).ok());
  // The seeding's registry event, then the case's.
  CHECK(heads.log.rfind(std::to_string(1 + t.events.size()) + ":", 0) == 0);
  CHECK(heads.log.size() == 2 + 64);
  CHECK(heads.case_last.size() == 64);
  REQUIRE(events.size() == t.events.size());
  CHECK(events.back().type == t.events.back().type);
}

TEST_CASE("both stores chain the same history to the same head", "[store][report]") {
  std::vector<HistoryHeads> heads;
  MemoryStore memory;
  SqliteStore sqlite;
  std::vector<std::unique_ptr<CaseStore>> stores;
  stores.push_back(memory.Make());
  stores.push_back(sqlite.Make());
  for (auto& store : stores) {
    ContactGroup g = Seed(*store);
    auto t = FileIn(*store, g);
    HistoryHeads h;
    REQUIRE(store->WriteAndWait([&](WriteTx& tx) -> Status {
                   BARAZA_ASSIGN_OR_RETURN(h, tx.Heads(t.next.id));
                   return Status::Ok();
                 }).ok());
    heads.push_back(h);
  }
  CHECK(heads[0].log == heads[1].log);
  CHECK(heads[0].case_last == heads[1].case_last);
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

TEMPLATE_TEST_CASE("store writes see a group as it is after parties and liaisons are added",
                   "[store]", MemoryStore, SqliteStore) {
  TestType factory;
  auto store = factory.Make();
  ContactGroup g = Seed(*store);
  auto group_in_write = [&] {
    ContactGroup seen;
    REQUIRE(store->WriteAndWait([&](WriteTx& tx) -> Status {
                   BARAZA_ASSIGN_OR_RETURN(seen, tx.GetGroup(g.id));
                   return Status::Ok();
                 }).ok());
    return seen;
  };
  CHECK(group_in_write().parties.size() == 3);
  REQUIRE(store->WriteAndWait([&](WriteTx& tx) {
                 Party p{0, g.id, "Elders' council", PartyCategory::kTraditionalAuthority, 0, 0};
                 return tx.InsertParty(p).status();
               }).ok());
  CHECK(group_in_write().parties.size() == 4);
  REQUIRE(store->WriteAndWait([&](WriteTx& tx) {
                 return tx.InsertLiaison(Liaison{0, g.parties[0].id, "Amina", 0}).status();
               }).ok());
  CHECK(group_in_write().parties[0].liaison_count == 1);
  // A case id handed out and used is not handed out again.
  FileIn(*store, g);
  Id next = 0;
  REQUIRE(store->WriteAndWait([&](WriteTx& tx) -> Status {
                 BARAZA_ASSIGN_OR_RETURN(next, tx.NextCaseId());
                 return Status::Ok();
               }).ok());
  CHECK(next == 2);
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
  CHECK(CountRows(dir.file("b.db"),
                  "SELECT COUNT(*) FROM cases WHERE json_type(body, '$.positions') IS NOT NULL") == 0);
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

TEMPLATE_TEST_CASE("store replaces a case's pending deadlines with the ones it is saved with",
                   "[store]", MemoryStore, SqliteStore) {
  TestType factory;
  auto store = factory.Make();
  ContactGroup g = Seed(*store);
  Case c = FileIn(*store, g).next;
  Id a = g.parties[1].id, b = g.parties[2].id;
  auto save = [&](std::vector<Deadline> deadlines) {
    c.version += 1;
    std::vector<Notice> none;
    REQUIRE(store->WriteAndWait([&](WriteTx& tx) { return tx.SaveCase(c, {}, none, deadlines); }).ok());
    auto stored = store->DeadlinesOf(c.id);
    REQUIRE(stored.ok());
    auto key = [](const Deadline& d) { return std::tuple(d.party_id, static_cast<int>(d.kind), d.due_at); };
    std::sort(stored->begin(), stored->end(), [&](auto& x, auto& y) { return key(x) < key(y); });
    std::sort(deadlines.begin(), deadlines.end(), [&](auto& x, auto& y) { return key(x) < key(y); });
    CHECK(*stored == deadlines);
  };
  save({{c.id, a, DeadlineKind::kWindowClose, kT0 + 100}, {c.id, b, DeadlineKind::kWindowClose, kT0 + 100},
        {c.id, a, DeadlineKind::kReminder, kT0 + 50}});
  // One kept as it was, one moved, one gone, one new.
  save({{c.id, a, DeadlineKind::kWindowClose, kT0 + 100}, {c.id, b, DeadlineKind::kWindowClose, kT0 + 200},
        {c.id, b, DeadlineKind::kReminder, kT0 + 150}});
  save({});
  CHECK(store->NextDeadline()->has_value() == false);
}

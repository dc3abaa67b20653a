// What the PostgreSQL store promises beyond the contract suite, on a real
// PostgreSQL 15 started by the test process: the history binds every table
// (an edit behind the server's back is named by the audit and refused at
// start), one history has one head in both stores, a lost server fails
// writes UNAVAILABLE and the writer reconnects, schema versions are checked.
#include <libpq-fe.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "services/workflow/case_machine.h"
#include "storage/pg_case_store.h"
#include "storage/sqlite_case_store.h"
#include "tests/fakes/postgres_server.h"
#include "tests/fakes/postgres_tools.h"
#include "tests/fakes/store_helpers.h"
#include "tests/fakes/temp_dir.h"

using namespace baraza;
using namespace baraza::testing;
using pgtools::Scalar;

namespace {

// Runs `sql` on the database behind the server's back; the test fails if it is refused.
void PgTamper(const std::string& conninfo, const std::string& sql) {
  PGconn* c = PQconnectdb(conninfo.c_str());
  REQUIRE(PQstatus(c) == CONNECTION_OK);
  PGresult* r = PQexec(c, sql.c_str());
  std::string error = PQresultErrorMessage(r);
  bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
  PQclear(r);
  PQfinish(c);
  INFO(error);
  REQUIRE(ok);
}

constexpr const char* kDropGuards =
    "DROP TRIGGER events_append_only ON events; DROP TRIGGER positions_append_only ON positions; ";

// Two cases and an answer, as tests/storage/history_audit_test.cc writes them.
struct PgHistory {
  TempDir dir;
  std::string conninfo;
  Id case_a = 0, case_b = 0;

  // Opens the store on this database, or says why not (for the tests of refusals).
  Result<std::unique_ptr<PgCaseStore>> TryOpen() {
    PgCaseStore::Options o;
    o.conninfo = conninfo;
    o.data_key_file = dir.file("baraza.key");
    return PgCaseStore::Open(o);
  }
  std::unique_ptr<PgCaseStore> Open() {
    auto store = TryOpen();
    if (!store.ok()) FAIL(store.status().message());
    return std::move(store).value();
  }

  explicit PgHistory(std::string info) : conninfo(std::move(info)) {
    auto store = Open();
    ContactGroup g = Seed(*store);
    auto a = FileIn(*store, g);
    auto b = FileIn(*store, g);
    case_a = a.next.id;
    case_b = b.next.id;
    auto answer = workflow::Respond(a.next, "we accept talks", Visibility::kGroup,
                                    LiaisonOf(g.parties[1].id), kT0 + 3600 * kSecond);
    REQUIRE(answer.ok());
    Save(*store, *answer);
  }

  PgCaseStore::Audit Audit() {
    auto audit = Open()->AuditHistory(std::nullopt);
    REQUIRE(audit.ok());
    return *audit;
  }
};

}  // namespace

TEST_CASE("the test PostgreSQL keeps commits durable and gives each test its own database",
          "[postgres]") {
  BARAZA_REQUIRE_POSTGRES();
  auto& server = PostgresServer::Get();
  std::string a = server.NewDatabase(), b = server.NewDatabase();
  CHECK(a != b);
  CHECK(Scalar(a, "SHOW fsync") == "on");
  CHECK(Scalar(a, "SHOW synchronous_commit") == "on");
  CHECK(Scalar(a, "SELECT inet_server_addr()::text") == "127.0.0.1/32");
  CHECK(Scalar(b, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == "0");
}

TEST_CASE("postgres store audit passes on an untouched history with the head SQLite gives it",
          "[postgres][audit]") {
  BARAZA_REQUIRE_POSTGRES();
  PgHistory h(PostgresServer::Get().NewDatabase());
  auto audit = h.Audit();
  CHECK(audit.ok());
  CHECK(audit.head.events == 8);

  // The same writes into SQLite end at the same head.
  TempDir dir;
  auto sqlite = SqliteCaseStore::Open({dir.file("b.db")});
  REQUIRE(sqlite.ok());
  ContactGroup g = Seed(**sqlite);
  auto a = FileIn(**sqlite, g);
  FileIn(**sqlite, g);
  auto answer = workflow::Respond(a.next, "we accept talks", Visibility::kGroup,
                                  LiaisonOf(g.parties[1].id), kT0 + 3600 * kSecond);
  REQUIRE(answer.ok());
  Save(**sqlite, *answer);
  auto sqlite_audit = (*sqlite)->AuditHistory(std::nullopt);
  REQUIRE(sqlite_audit.ok());
  CHECK(sqlite_audit->head.ToString() == audit.head.ToString());
  CHECK(h.Open()->CheckOnStart().ok());
}

TEST_CASE("postgres store audit names a row edited in any table behind the server's back",
          "[postgres][audit]") {
  BARAZA_REQUIRE_POSTGRES();
  PgHistory h(PostgresServer::Get().NewDatabase());
  std::string id_b = std::to_string(h.case_b), id_a = std::to_string(h.case_a);
  struct Edit {
    const char* what;
    std::string sql;
    std::string named;
  };
  std::vector<Edit> edits = {
      {"a case's state", "UPDATE cases SET state = 4 WHERE id = " + id_b, "case " + id_b},
      {"a deadline", "UPDATE deadlines SET due_at = 0 WHERE case_id = " + id_b, "deadline"},
      {"a position's text",
       std::string(kDropGuards) + "UPDATE positions SET text = 'we refuse' WHERE case_id = " + id_a,
       "position"},
      {"a party's name", "UPDATE parties SET name = 'forged' WHERE id = 1", "party 1"},
      {"an inserted notice",
       "INSERT INTO notices(id, case_id, party_id, kind, text, created_at, deadline) "
       "VALUES(999, " +
           id_a + ", 1, 0, 'forged', 0, 0)",
       "notice 999"},
  };
  for (const auto& e : edits) {
    SECTION(e.what) {
      PgTamper(h.conninfo, e.sql);
      auto audit = h.Audit();
      CHECK_FALSE(audit.ok());
      REQUIRE_FALSE(audit.mismatches.empty());
      CHECK_THAT(audit.mismatches.front(), Catch::Contains(e.named));
      Status start = h.Open()->CheckOnStart();
      CHECK(start.code() == Code::kDataLoss);
    }
  }
}

TEST_CASE("postgres store audit catches an edited event and refuses to start on it",
          "[postgres][audit]") {
  BARAZA_REQUIRE_POSTGRES();
  PgHistory h(PostgresServer::Get().NewDatabase());
  PgTamper(h.conninfo,
           std::string(kDropGuards) + "UPDATE events SET at = at + 1 WHERE log_seq = 8");
  auto audit = h.Audit();
  REQUIRE(audit.first_break);
  CHECK_THAT(*audit.first_break, Catch::Contains("event 8"));
  CHECK(h.Open()->CheckOnStart().code() == Code::kDataLoss);
}

TEST_CASE("postgres store refuses to change the history even for its own user", "[postgres]") {
  BARAZA_REQUIRE_POSTGRES();
  PgHistory h(PostgresServer::Get().NewDatabase());
  PGconn* c = PQconnectdb(h.conninfo.c_str());
  PGresult* r = PQexec(c, "DELETE FROM events WHERE log_seq = 3");
  CHECK(PQresultStatus(r) == PGRES_FATAL_ERROR);
  CHECK_THAT(PQresultErrorMessage(r), Catch::Contains("append-only"));
  PQclear(r);
  PQfinish(c);
}

TEST_CASE("postgres store names a case row that holds another case's body instead of serving "
          "or writing on it",
          "[postgres]") {
  BARAZA_REQUIRE_POSTGRES();
  PgHistory h(PostgresServer::Get().NewDatabase());
  auto store = h.Open();  // open first: the start-up check would refuse the edited state
  REQUIRE(store->GetCase(h.case_a).ok());
  PgTamper(h.conninfo, "UPDATE cases SET body = (SELECT body FROM cases WHERE id = " +
                           std::to_string(h.case_b) + ") WHERE id = " + std::to_string(h.case_a));
  auto got = store->GetCase(h.case_a);
  REQUIRE_FALSE(got.ok());
  CHECK(got.status().code() == Code::kInternal);
  CHECK_THAT(got.status().message(), Catch::Contains("holds the body of case " +
                                                     std::to_string(h.case_b)));
  CaseFilter all;
  all.limit = 10;
  CHECK(store->ListCases(all).status().code() == Code::kInternal);
  Status write = store->WriteAndWait(
      [&](WriteTx& tx) { return tx.GetCaseShared(h.case_a).status(); });  // nothing built on it
  CHECK(write.code() == Code::kInternal);
  CHECK(store->GetCase(h.case_b).ok());
}

TEST_CASE("postgres store refuses a database of a newer schema", "[postgres]") {
  BARAZA_REQUIRE_POSTGRES();
  PgHistory h(PostgresServer::Get().NewDatabase());
  PgTamper(h.conninfo, "UPDATE schema_version SET version = 99");
  auto store = h.TryOpen();
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().code() == Code::kFailedPrecondition);
  CHECK_THAT(store.status().message(), Catch::Contains("newer"));
}

TEST_CASE("postgres store says what to check when the server cannot be reached", "[postgres]") {
  // No server needed: a port nothing listens on.
  PgCaseStore::Options o;
  o.conninfo = "host=127.0.0.1 port=1 dbname=none user=none connect_timeout=2";
  o.data_key_file = "/nonexistent/key";
  auto store = PgCaseStore::Open(o);
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().code() == Code::kUnavailable);
  CHECK_THAT(store.status().message(), Catch::Contains("cannot connect to PostgreSQL"));
}

TEST_CASE("postgres store fails writes UNAVAILABLE while the server is away, then writes again",
          "[postgres][faults]") {
  BARAZA_REQUIRE_POSTGRES();
  auto& server = PostgresServer::Get();
  PgHistory h(server.NewDatabase());
  auto store = h.Open();
  ContactGroup g = Seed(*store);
  CHECK(store->Ping().ok());
  server.Stop();
  CHECK(store->Ping().code() == Code::kUnavailable);
  ContactGroup lost;
  lost.name = "written while the server is away";
  Status s = store->WriteAndWait([&](WriteTx& tx) { return tx.InsertGroup(lost).status(); });
  CHECK(s.code() == Code::kUnavailable);
  CHECK(store->GetGroup(g.id).status().code() == Code::kUnavailable);
  server.Start();
  // Once the server is back, reads and writes connect again by themselves.
  CHECK(store->Ping().ok());
  CHECK(store->GetGroup(g.id).ok());
  s = store->WriteAndWait([&](WriteTx& tx) { return tx.InsertGroup(lost).status(); });
  CHECK(s.ok());
  CHECK(store->Stats().reconnects >= 1);
  auto groups = store->ListGroups(0, 10);
  REQUIRE(groups.ok());
  CHECK(groups->size() == 3);  // the history's two, and the one written after
  CHECK(store->AuditHistory(std::nullopt)->ok());
}

TEST_CASE(
    "postgres store fails writes UNAVAILABLE on a server that accepts no writes, then connects "
    "only where writes are accepted",
    "[postgres][faults][failover]") {
  BARAZA_REQUIRE_POSTGRES();
  auto& server = PostgresServer::Get();
  PgHistory h(server.NewDatabase());
  auto store = h.Open();
  ContactGroup g = Seed(*store);
  // The server turns read-only under the store, as a standby it is sent to
  // (target_session_attrs=any) or a primary being demoted would be.
  const std::string admin = h.conninfo + " options='-c default_transaction_read_only=off'";
  auto set_read_only = [&](bool on) {
    PgTamper(admin, on ? "ALTER SYSTEM SET default_transaction_read_only = on"
                       : "ALTER SYSTEM RESET default_transaction_read_only");
    PgTamper(admin, "SELECT pg_reload_conf()");
    for (int i = 0; i < 50 && Scalar(h.conninfo, "SHOW default_transaction_read_only") !=
                                  (on ? "on" : "off");
         ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
  };
  set_read_only(true);
  CHECK(store->Ping().code() == Code::kUnavailable);  // health: NOT_SERVING
  ContactGroup later;
  later.name = "written once the server accepts writes";
  Status s = store->WriteAndWait([&](WriteTx& tx) { return tx.InsertGroup(later).status(); });
  INFO(s.message());
  CHECK(s.code() == Code::kUnavailable);
  CHECK_THAT(s.message(), Catch::Contains("accepts no writes"));
  // The writer lets go of that connection and looks again: a read-only server
  // is refused at connect (barazad's default target_session_attrs=read-write).
  s = store->WriteAndWait([&](WriteTx& tx) { return tx.InsertGroup(later).status(); });
  CHECK(s.code() == Code::kUnavailable);
  CHECK_THAT(s.message(), Catch::Contains("read-only"));
  auto refused = h.TryOpen();
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == Code::kUnavailable);
  CHECK_THAT(refused.status().message(), Catch::Contains("read-only"));
  set_read_only(false);
  CHECK(store->Ping().ok());
  s = store->WriteAndWait([&](WriteTx& tx) { return tx.InsertGroup(later).status(); });
  INFO(s.message());
  CHECK(s.ok());
  CHECK(store->GetGroup(g.id).ok());
  CHECK(store->AuditHistory(std::nullopt)->ok());
}

TEST_CASE("postgres store errors leave out the values of a violated key", "[postgres]") {
  BARAZA_REQUIRE_POSTGRES();
  PgHistory h(PostgresServer::Get().NewDatabase());
  auto store = h.Open();
  TokenRecord t;
  t.hash = std::string(64, 'e');
  t.label = "first";
  REQUIRE(store->WriteAndWait([&](WriteTx& tx) { return tx.InsertToken(t); }).ok());
  Status again = store->WriteAndWait([&](WriteTx& tx) { return tx.InsertToken(t); });
  CHECK(again.code() == Code::kAlreadyExists);
  CHECK_THAT(again.message(), !Catch::Contains(t.hash));
  CHECK(store->CountTokens(Role::kMediator).value() == 1);
}

TEST_CASE("postgres store names a projection column its schema lacks instead of failing writes",
          "[postgres]") {
  BARAZA_REQUIRE_POSTGRES();
  PgHistory h(PostgresServer::Get().NewDatabase());
  PgTamper(h.conninfo, "ALTER TABLE notices DROP COLUMN commander_id");
  auto store = h.TryOpen();
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().code() == Code::kFailedPrecondition);
  CHECK_THAT(store.status().message(), Catch::Contains("notices.commander_id"));
}

TEST_CASE("postgres store keeps planner statistics only of the columns it searches by, and a "
          "schema 2 database gains that when opened",
          "[postgres]") {
  BARAZA_REQUIRE_POSTGRES();
  PgHistory h(PostgresServer::Get().NewDatabase());
  auto target = [&](const char* table, const char* column) {
    return Scalar(h.conninfo, std::string("SELECT attstattarget FROM pg_attribute WHERE attrelid = '") +
                                  table + "'::regclass AND attname = '" + column + "'");
  };
  auto analyzed = [&](const char* column) {
    return Scalar(h.conninfo, std::string("SELECT count(*) FROM pg_stats WHERE tablename = "
                                          "'events' AND attname = '") + column + "'");
  };
  CHECK(target("events", "details") == "0");
  CHECK(target("events", "changes") == "0");
  CHECK(target("cases", "body") == "0");
  CHECK(target("events", "case_id") == "-1");  // searched by: the default (NULL from PostgreSQL 17)
  PgTamper(h.conninfo, "ANALYZE events");
  CHECK(analyzed("case_id") == "1");
  CHECK(analyzed("log_seq") == "1");
  CHECK(analyzed("details") == "0");
  CHECK(analyzed("changes") == "0");

  PgTamper(h.conninfo,
           "ALTER TABLE events ALTER COLUMN details SET STATISTICS -1; "
           "UPDATE schema_version SET version = 2");
  h.Open();
  CHECK(target("events", "details") == "0");
  CHECK(Scalar(h.conninfo, "SELECT version FROM schema_version") == "3");
}

TEST_CASE("postgres store isolates a refused write without a savepoint, and undoes one that "
          "failed half-way with the rest of its batch kept",
          "[postgres]") {
  BARAZA_REQUIRE_POSTGRES();
  PgHistory h(PostgresServer::Get().NewDatabase());
  auto store = h.Open();
  const size_t before = store->ListGroups(0, 1000)->size();
  // Refused before writing: nothing to undo, no batch run again.
  constexpr int kWrites = 100;
  auto refused = WriteBatched(*store, kWrites, [](int i, WriteTx& tx) -> Status {
    if (i == 50) return Status::InvalidArgument("this one fails");
    ContactGroup g;
    g.name = "group " + std::to_string(i);
    return tx.InsertGroup(g).status();
  });
  for (int i = 0; i < kWrites; ++i) CHECK(refused[i].ok() == (i != 50));
  CHECK(store->ListGroups(0, 1000)->size() == before + kWrites - 1);
  CHECK(store->Stats().batches_rerun == 0);
  CHECK(store->Stats().commits < kWrites / 10);  // batched

  // Failed after its insert: undone alone, the batch run again with savepoints.
  auto halfway = WriteBatched(*store, kWrites, [](int i, WriteTx& tx) -> Status {
    ContactGroup g;
    g.name = "second " + std::to_string(i);
    Status s = tx.InsertGroup(g).status();
    if (s.ok() && i == 30) return Status::Internal("injected failure after the insert");
    return s;
  });
  for (int i = 0; i < kWrites; ++i) CHECK(halfway[i].ok() == (i != 30));
  auto groups = store->ListGroups(0, 1000);
  REQUIRE(groups.ok());
  CHECK(groups->size() == before + 2 * kWrites - 2);
  for (const auto& g : *groups) CHECK(g.name != "second 30");
  CHECK(store->Stats().batches_rerun >= 1);
  CHECK(store->AuditHistory(std::nullopt)->ok());
}

TEST_CASE("postgres stores sharing a database see each other's writes before their own: "
          "none is run twice, ids follow on, the history verifies",
          "[postgres]") {
  BARAZA_REQUIRE_POSTGRES();
  PgHistory h(PostgresServer::Get().NewDatabase());
  auto a = h.Open(), b = h.Open();
  // Each keeps what it knows of the database between its writes (the log's
  // head, the next ids, groups): it must notice that the other wrote since.
  std::vector<Id> ids;
  for (int i = 0; i < 10; ++i) {
    for (PgCaseStore* store : {a.get(), b.get()}) {
      ContactGroup g;
      g.name = "group " + std::to_string(ids.size());
      Id id = 0;
      REQUIRE(store
                  ->WriteAndWait([&](WriteTx& tx) -> Status {
                    BARAZA_ASSIGN_OR_RETURN(id, tx.InsertGroup(g));
                    Party p;
                    p.group_id = id;
                    p.name = "party of " + g.name;
                    return tx.InsertParty(p).status();
                  })
                  .ok());
      ids.push_back(id);
    }
  }
  for (size_t i = 1; i < ids.size(); ++i) CHECK(ids[i] == ids[i - 1] + 1);
  // A group `a` read in a write (and keeps), given a party by `b`: `a` sees it.
  auto group_in_a = [&] {
    ContactGroup seen;
    REQUIRE(a->WriteAndWait([&](WriteTx& tx) -> Status {
                 BARAZA_ASSIGN_OR_RETURN(seen, tx.GetGroup(ids[0]));
                 return Status::Ok();
               }).ok());
    return seen;
  };
  const size_t parties = group_in_a().parties.size();
  REQUIRE(b->WriteAndWait([&](WriteTx& tx) {
               Party p;
               p.group_id = ids[0];
               p.name = "added through b";
               return tx.InsertParty(p).status();
             }).ok());
  CHECK(group_in_a().parties.size() == parties + 1);
  CHECK(a->Stats().batches_rerun == 0);  // never a write on a stale head, refused and run again
  CHECK(b->Stats().batches_rerun == 0);
  auto audit = a->AuditHistory(std::nullopt);
  REQUIRE(audit.ok());
  CHECK(audit->ok());
  CHECK(b->ListGroups(0, 1000)->size() == a->ListGroups(0, 1000)->size());
}

TEST_CASE("postgres store's writer, keeping the cases it wrote between its writes, builds on "
          "what another store wrote to one since",
          "[postgres]") {
  BARAZA_REQUIRE_POSTGRES();
  PgHistory h(PostgresServer::Get().NewDatabase());
  auto a = h.Open(), b = h.Open();
  ContactGroup g = Seed(*a);
  const Id id = FileIn(*a, g).next.id;  // `a` keeps version 1
  auto respond = [&](PgCaseStore& store, const Party& party, const std::string& text) {
    int64_t version = 0;
    REQUIRE(store
                .WriteAndWait([&](WriteTx& tx) -> Status {
                  BARAZA_ASSIGN_OR_RETURN(CaseRef c, tx.GetCaseShared(id));
                  version = c->version;
                  BARAZA_ASSIGN_OR_RETURN(auto t, workflow::Respond(*c, text, Visibility::kGroup,
                                                                    LiaisonOf(party.id),
                                                                    kT0 + 3600 * kSecond));
                  return tx.SaveCase(t.next, t.events, t.notices,
                                     workflow::PendingDeadlines(t.next));
                })
                .ok());
    return version;
  };
  CHECK(respond(*b, g.parties[1], "b's answer") == 1);
  CHECK(respond(*a, g.parties[2], "a's answer") == 2);  // not its own version 1
  CHECK(a->Stats().batches_rerun == 0);
  auto stored = b->GetCase(id);
  REQUIRE(stored.ok());
  CHECK(stored->version == 3);
  CHECK(stored->positions.size() == 2);
  auto audit = b->AuditHistory(std::nullopt);
  REQUIRE(audit.ok());
  CHECK(audit->ok());
}

TEST_CASE("postgres store tells another store on the database of each notice once, batch "
          "after batch",
          "[postgres]") {
  BARAZA_REQUIRE_POSTGRES();
  PgHistory h(PostgresServer::Get().NewDatabase());
  auto writer = h.Open(), watcher = h.Open();
  std::mutex mu;
  std::map<Id, int> heard;
  watcher->WatchOtherWriters([&](const std::vector<Notice>& notices) {
    std::lock_guard lock(mu);
    for (const Notice& n : notices) heard[n.id] += 1;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // listening
  auto group = writer->GetGroup(1);
  REQUIRE(group.ok());
  std::vector<Id> written;
  for (int i = 0; i < 3; ++i) {  // three transactions, each with its own notices
    auto t = FileIn(*writer, *group);
    REQUIRE_FALSE(t.notices.empty());
    for (const Notice& n : t.notices) written.push_back(n.id);
  }
  for (int i = 0; i < 100; ++i) {  // up to 10 s
    {
      std::lock_guard lock(mu);
      if (heard.size() >= written.size()) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // anything more would be late
  watcher->WatchOtherWriters(nullptr);
  std::lock_guard lock(mu);
  for (Id id : written) {
    INFO("notice " << id);
    CHECK(heard[id] == 1);
  }
  CHECK(heard.size() == written.size());
}

// The PostgreSQL writer's pipeline (pg::Connection::BeginPipeline), on a real
// PostgreSQL 15: rows held back are seen by every later statement that names
// their table, a refused statement or an unexpected row count fails the
// pipeline (never a false OK), and a refused PREPARE is made again later.
#include <catch2/catch.hpp>

#include "storage/pg_connection.h"
#include "tests/fakes/postgres_server.h"

using namespace baraza;
using namespace baraza::testing;
using pg::Connection;
using pg::Query;

namespace {

std::unique_ptr<Connection> Open(const std::string& conninfo) {
  auto c = Connection::Open(conninfo);
  if (!c.ok()) FAIL(c.status().message());
  return std::move(c).value();
}

int64_t Count(Connection& c, const char* sql) {
  Query q(c, sql);
  REQUIRE(q.Next());
  return q.Int(0);
}

// A table of numbered rows, and the one-row INSERT the pipeline holds back.
constexpr const char* kInsert = "INSERT INTO items(id, label) VALUES(?,?)";

std::unique_ptr<Connection> WithItems() {
  auto c = Open(PostgresServer::Get().NewDatabase());
  REQUIRE(c->Exec("CREATE TABLE items(id bigint PRIMARY KEY, label text NOT NULL)").ok());
  REQUIRE(c->Exec("CREATE TABLE other(id bigint PRIMARY KEY)").ok());
  return c;
}

// A transaction whose statements go in a pipeline, as the writer's do.
void BeginInPipeline(Connection& c) {
  REQUIRE(c.Exec("BEGIN").ok());
  REQUIRE(c.BeginPipeline().ok());
}

Status InsertItem(Connection& c, int64_t id) {
  Query q(c, kInsert);
  q.Bind(id).Bind("item " + std::to_string(id));
  return q.Send();
}

}  // namespace

TEST_CASE("pipeline: rows held back are seen by a later read of their table, in the order sent",
          "[postgres]") {
  BARAZA_REQUIRE_POSTGRES();
  auto c = WithItems();
  BeginInPipeline(*c);
  // 70 rows: a full multi-row INSERT of 64, then the rest in smaller ones.
  for (int64_t id = 1; id <= 70; ++id) REQUIRE(InsertItem(*c, id).ok());
  // A read of another table does not need them; a read of theirs sees them all.
  CHECK(Count(*c, "SELECT COUNT(*) FROM other") == 0);
  CHECK(Count(*c, "SELECT COUNT(*) FROM items") == 70);
  REQUIRE(InsertItem(*c, 71).ok());
  // An UPDATE naming the table comes after the row it changes.
  Query update(*c, "UPDATE items SET label = 'changed' WHERE id = ?");
  update.Bind(int64_t{71});
  REQUIRE(update.Send(1, Status::Aborted("item 71 not there")).ok());
  REQUIRE(c->EndPipeline().ok());
  REQUIRE(c->Exec("COMMIT").ok());
  CHECK(Count(*c, "SELECT COUNT(*) FROM items") == 71);
  CHECK(Count(*c, "SELECT COUNT(*) FROM items WHERE label = 'item ' || id") == 70);
  CHECK(Count(*c, "SELECT COUNT(*) FROM items WHERE id = 71 AND label = 'changed'") == 1);
}

TEST_CASE("pipeline: a refused row fails the pipeline with its reason and nothing commits",
          "[postgres]") {
  BARAZA_REQUIRE_POSTGRES();
  auto c = WithItems();
  BeginInPipeline(*c);
  REQUIRE(InsertItem(*c, 1).ok());
  REQUIRE(InsertItem(*c, 1).ok());  // held back: its refusal shows later
  REQUIRE(InsertItem(*c, 2).ok());
  // The read that needs the rows hears of the refusal.
  Query read(*c, "SELECT COUNT(*) FROM items");
  CHECK_FALSE(read.Next());
  CHECK(read.status().code() == Code::kAlreadyExists);
  CHECK_FALSE(c->TransactionIntact());
  Status ended = c->EndPipeline();
  CHECK(ended.code() == Code::kAlreadyExists);
  REQUIRE(c->Exec("ROLLBACK").ok());
  CHECK(Count(*c, "SELECT COUNT(*) FROM items") == 0);
  // The connection serves again, in and out of a pipeline.
  REQUIRE(c->BeginPipeline().ok());
  REQUIRE(InsertItem(*c, 3).ok());
  REQUIRE(c->EndPipeline().ok());
  CHECK(Count(*c, "SELECT COUNT(*) FROM items") == 1);
}

TEST_CASE("pipeline: a statement changing other than the rows expected fails it with the "
          "caller's status",
          "[postgres]") {
  BARAZA_REQUIRE_POSTGRES();
  auto c = WithItems();
  BeginInPipeline(*c);
  REQUIRE(InsertItem(*c, 1).ok());
  Query update(*c, "UPDATE items SET label = 'x' WHERE id = ?");
  update.Bind(int64_t{2});  // no such row: the version check of a case, as SqlTx uses it
  REQUIRE(update.Send(1, Status::Aborted("item 2 changed meanwhile")).ok());  // not known yet
  Status ended = c->EndPipeline();
  CHECK(ended.code() == Code::kAborted);
  CHECK(ended.message() == "item 2 changed meanwhile");
  REQUIRE(c->Exec("ROLLBACK").ok());
  // Out of a pipeline the same check answers at once.
  Query again(*c, "UPDATE items SET label = 'x' WHERE id = ?");
  again.Bind(int64_t{2});
  CHECK(again.Send(1, Status::Aborted("at once")).message() == "at once");
}

TEST_CASE("pipeline: a statement whose PREPARE was refused or skipped is prepared again on its "
          "next use",
          "[postgres]") {
  BARAZA_REQUIRE_POSTGRES();
  auto c = Open(PostgresServer::Get().NewDatabase());
  // Sent, not held back (RETURNING): its PREPARE goes to the server now.
  static const char* const kRefused = "INSERT INTO later(id) VALUES(?) RETURNING id";
  static const char* const kSkipped = "UPDATE later SET id = id + 1 WHERE id = ?";
  auto run = [&](const char* sql, int64_t id) {
    Query q(*c, sql);
    q.Bind(id);
    return q.Send();
  };
  BeginInPipeline(*c);
  run(kRefused, 1);  // no such table yet: its PREPARE is refused
  run(kSkipped, 1);  // its PREPARE comes after the refusal: skipped
  CHECK_FALSE(c->EndPipeline().ok());
  REQUIRE(c->Exec("ROLLBACK").ok());
  REQUIRE(c->Exec("CREATE TABLE later(id bigint PRIMARY KEY)").ok());
  // The same statements (the same text, the cache's key) work now, in and out
  // of a pipeline: both are prepared again rather than named as if they were.
  BeginInPipeline(*c);
  REQUIRE(run(kRefused, 1).ok());
  REQUIRE(run(kSkipped, 1).ok());
  REQUIRE(c->EndPipeline().ok());
  REQUIRE(c->Exec("COMMIT").ok());
  CHECK(run(kRefused, 5).ok());
  CHECK(Count(*c, "SELECT COUNT(*) FROM later WHERE id = 2") == 1);
  CHECK(Count(*c, "SELECT COUNT(*) FROM later") == 2);
}

TEST_CASE("pipeline: reads started together are each answered with their own rows, in any "
          "order read, and one dropped unread is skipped",
          "[postgres]") {
  BARAZA_REQUIRE_POSTGRES();
  auto c = WithItems();
  BeginInPipeline(*c);
  for (int64_t id = 1; id <= 3; ++id) REQUIRE(InsertItem(*c, id).ok());
  {
    Query dropped(*c, "SELECT label FROM items WHERE id = ?");
    dropped.Bind(int64_t{3});
    dropped.Start();
  }  // gone before its answer came
  Query count(*c, "SELECT COUNT(*) FROM items");
  Query label(*c, "SELECT label FROM items WHERE id = ?");
  label.Bind(int64_t{2});
  count.Start();  // both sent: the held rows first, then the two reads
  label.Start();
  REQUIRE(label.Next());  // read in the other order than sent
  CHECK(label.Text(0) == "item 2");
  CHECK_FALSE(label.Next());
  REQUIRE(count.Next());
  CHECK(count.Int(0) == 3);
  REQUIRE(c->EndPipeline().ok());
  REQUIRE(c->Exec("COMMIT").ok());
}

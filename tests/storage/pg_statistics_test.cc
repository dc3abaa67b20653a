// pg::Statistics (storage/pg_statistics.h): which tables are stale, and, on a
// real PostgreSQL 15, that a table which grew is analyzed within seconds while
// one barely changed is left alone.
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "storage/pg_statistics.h"
#include "tests/fakes/postgres_server.h"
#include "tests/fakes/postgres_tools.h"

using namespace baraza;
using namespace baraza::testing;

TEST_CASE("statistics: a young table is stale when it grew by a quarter since its last analysis",
          "[postgres]") {
  using pg::TableActivity;
  auto stale = pg::StaleTables({
      TableActivity{"new", pg::kMinGrowth, -1},          // never analyzed, grown from nothing
      TableActivity{"empty", pg::kMinGrowth, 0},         // analyzed when empty
      TableActivity{"few", 100 + pg::kMinGrowth - 1, 100},  // too few new rows
      TableActivity{"quarter", 50'000, 40'000},          // grew by a quarter
      TableActivity{"big", 1'100'000, 1'000'000},        // a tenth: autovacuum's
      TableActivity{"grown up", 2 * pg::kMaxRows, pg::kMaxRows},  // doubled, but big
      TableActivity{"quiet", 2'000, 2'000},
      TableActivity{"shrunk", 100, 5'000},
  });
  CHECK(stale == std::vector<std::string>{"new", "empty", "quarter"});
}

TEST_CASE("statistics: a table that grew is analyzed within seconds, one barely changed is not",
          "[postgres]") {
  BARAZA_REQUIRE_POSTGRES();
  const std::string db = PostgresServer::Get().NewDatabase();
  // autovacuum off on both: only the thread under test analyzes them.
  REQUIRE(pgtools::Admin(db, "CREATE TABLE grown(id bigint PRIMARY KEY) "
                             "WITH (autovacuum_enabled = false); "
                             "CREATE TABLE quiet(id bigint PRIMARY KEY) "
                             "WITH (autovacuum_enabled = false); "
                             "INSERT INTO grown SELECT g FROM generate_series(1, 5000) g; "
                             "INSERT INTO quiet SELECT g FROM generate_series(1, 10) g"));
  auto analyzed = [&](const char* table) {
    return pgtools::Scalar(db, std::string("SELECT analyze_count FROM pg_stat_user_tables "
                                           "WHERE relname = '") + table + "'");
  };
  pg::Statistics statistics(db, std::chrono::milliseconds(100));
  // pg_stat_user_tables hears of other sessions' changes within about a
  // second; well within 20 s on a loaded machine.
  for (int i = 0; i < 200 && analyzed("grown") != "1"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(analyzed("grown") == "1");
  CHECK(analyzed("quiet") == "0");
  CHECK(statistics.tables_analyzed() == 1);
  CHECK(pgtools::Scalar(db, "SELECT reltuples::bigint FROM pg_class WHERE relname = 'grown'") ==
        "5000");
}

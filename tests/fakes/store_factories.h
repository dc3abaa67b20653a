// The CaseStore implementations as test fixtures: a fresh store of each kind
// per test (SQLite in a temporary folder, PostgreSQL in a fresh database of the
// test process's server). For storage tests only.
#pragma once

#include <catch2/catch.hpp>

#include <memory>

#include "storage/memory_case_store.h"
#include "storage/pg_case_store.h"
#include "storage/sqlite_case_store.h"
#include "tests/fakes/postgres_server.h"
#include "tests/fakes/temp_dir.h"

namespace baraza::testing {

// Each factory's Reopen(store) closes `store` and opens its database again: a
// store with nothing read yet (no cached case), as a restarted barazad. The
// in-memory store has nothing to reopen and is kept as it is.
struct MemoryStore {
  std::unique_ptr<CaseStore> Make() { return std::make_unique<MemoryCaseStore>(); }
  void Reopen(std::unique_ptr<CaseStore>&) {}
};

struct SqliteStore {
  TempDir dir;
  std::unique_ptr<CaseStore> Make() {
    auto s = SqliteCaseStore::Open({dir.file("baraza.db")});
    REQUIRE(s.ok());
    return std::move(s).value();
  }
  void Reopen(std::unique_ptr<CaseStore>& store) {
    store.reset();
    store = Make();
  }
};

// Null (and a warning) when PostgreSQL is not installed here: the test using
// it then stops (BARAZA_MAKE_STORE).
struct PostgresStore {
  TempDir dir;
  std::string conninfo;  // the database Make() made
  std::unique_ptr<CaseStore> Make() {
    if (!PostgresServer::BinDir()) {
      WARN("SKIPPED on PostgreSQL: it is not installed (apt-get install postgresql-15)");
      return nullptr;
    }
    conninfo = PostgresServer::Get().NewDatabase();
    return Open();
  }
  void Reopen(std::unique_ptr<CaseStore>& store) {
    store.reset();
    store = Open();
  }

 private:
  std::unique_ptr<CaseStore> Open() {
    PgCaseStore::Options o;
    o.conninfo = conninfo;
    o.data_key_file = dir.file("baraza.key");
    auto s = PgCaseStore::Open(o);
    if (!s.ok()) FAIL(s.status().message());
    return std::move(s).value();
  }
};

// `auto name = factory.Make();`, returning from the test when the store is not
// available here (PostgreSQL not installed).
#define BARAZA_MAKE_STORE(name, factory) \
  auto name = (factory).Make();          \
  if (!name) return

}  // namespace baraza::testing

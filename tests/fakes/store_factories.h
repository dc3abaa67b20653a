// The two CaseStore implementations as test fixtures: a fresh store of each
// kind per test (SQLite in a temporary folder). For storage tests only.
#pragma once

#include <catch2/catch.hpp>

#include <memory>

#include "storage/memory_case_store.h"
#include "storage/sqlite_case_store.h"
#include "tests/fakes/temp_dir.h"

namespace baraza::testing {

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

}  // namespace baraza::testing

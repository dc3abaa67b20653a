// The SQLite store's read connections: a Lease borrows one from the pool for
// one call, and BARAZA_READER takes it or returns why not. Private to the store's files.
#pragma once

#include <memory>
#include <mutex>

#include "storage/sqlite_case_store.h"
#include "storage/sqlite_connection.h"

namespace baraza {

// A read connection borrowed from the pool for one call.
class SqliteCaseStore::Lease {
 public:
  Lease(SqliteCaseStore& store, std::unique_ptr<sqlite::Connection> conn, Status status)
      : store_(store), conn_(std::move(conn)), status_(std::move(status)) {}
  Lease(Lease&&) = default;
  ~Lease() {
    if (conn_) {
      std::lock_guard lock(store_.pool_mu_);
      store_.pool_.push_back(std::move(conn_));
    }
  }
  bool ok() const { return conn_ != nullptr; }
  const Status& status() const { return status_; }
  sqlite::Connection& operator*() { return *conn_; }

 private:
  SqliteCaseStore& store_;
  std::unique_ptr<sqlite::Connection> conn_;
  Status status_;
};

#define BARAZA_READER(name) \
  auto name = Reader();     \
  if (!name.ok()) return name.status()

}  // namespace baraza

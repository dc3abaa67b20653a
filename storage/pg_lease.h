// A read connection of PgCaseStore borrowed from its pool for one call, and
// given back when the call ends. Internal to pg_case_store.cc and sql_store_reads.cc.
#pragma once

#include <memory>
#include <mutex>

#include "storage/pg_case_store.h"
#include "storage/pg_connection.h"

namespace baraza {

class PgCaseStore::Lease {
 public:
  Lease(PgCaseStore& store, std::unique_ptr<pg::Connection> conn, Status status)
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
  pg::Connection& operator*() { return *conn_; }

 private:
  PgCaseStore& store_;
  std::unique_ptr<pg::Connection> conn_;
  Status status_;
};

}  // namespace baraza

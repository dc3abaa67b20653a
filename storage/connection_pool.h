// The read connections a store keeps for its readers (both stores): a Lease
// borrows one for one call and gives it back when the call ends. Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "services/workflow/status.h"

namespace baraza {

template <class C>
class ConnectionPool {
 public:
  // A connection borrowed for one call, or why there is none.
  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<C> conn, Status status)
        : pool_(pool), conn_(std::move(conn)), status_(std::move(status)) {}
    Lease(Lease&&) = default;
    ~Lease() {
      if (conn_) pool_->Give(std::move(conn_));
    }
    bool ok() const { return conn_ != nullptr; }
    const Status& status() const { return status_; }
    C& operator*() { return *conn_; }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<C> conn_;
    Status status_;
  };

  // A connection given back earlier, or null when none is idle.
  std::unique_ptr<C> Take() {
    std::lock_guard lock(mu_);
    if (idle_.empty()) return nullptr;
    auto conn = std::move(idle_.back());
    idle_.pop_back();
    return conn;
  }
  Lease Lend(std::unique_ptr<C> conn) { return Lease(this, std::move(conn), Status::Ok()); }
  Lease Refuse(Status why) { return Lease(this, nullptr, std::move(why)); }
  // Closes the idle connections (the store's end).
  void Clear() {
    std::lock_guard lock(mu_);
    idle_.clear();
  }

 private:
  void Give(std::unique_ptr<C> conn) {
    std::lock_guard lock(mu_);
    idle_.push_back(std::move(conn));
  }
  std::mutex mu_;
  std::vector<std::unique_ptr<C>> idle_;
};

// Borrows a read connection as `name`, or returns why there is none.
#define BARAZA_READER(name) \
  auto name = Reader();     \
  if (!name.ok()) return name.status()

}  // namespace baraza

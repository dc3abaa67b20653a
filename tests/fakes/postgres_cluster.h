// A real PostgreSQL 15 primary and a synchronous streaming standby on 127.0.0.1
// (Debian's programs, a temporary folder, free ports), for the failover test:
// kill the primary as a lost machine would die, promote the standby. Removed at
// exit, also when the process dies (a watchdog). Not thread-safe.
#pragma once

#include <memory>
#include <string>

namespace baraza::testing {

namespace pgtools {
class Watchdog;
}

class PostgresCluster {
 public:
  enum Node { kPrimary = 0, kStandby = 1 };

  // initdb's the primary (wal_level=replica, a replication role and its
  // pg_hba line, synchronous_standby_names), clones the standby with
  // pg_basebackup -R, starts both and waits until the standby is synchronous.
  // Fails the test (REQUIRE/FAIL) when any step fails. Call only when
  // PostgresServer::BinDir() is set.
  PostgresCluster();
  ~PostgresCluster();
  PostgresCluster(const PostgresCluster&) = delete;
  PostgresCluster& operator=(const PostgresCluster&) = delete;

  // A new, empty database on the primary (replicated to the standby); returns its name.
  std::string NewDatabase();
  // libpq key=value string for database `db` on one node.
  std::string ConnInfo(Node node, const std::string& db) const;
  // The multi-host URI barazad takes: both nodes, the one that accepts writes
  // (target_session_attrs=read-write).
  std::string Uri(const std::string& db) const;
  int port(Node node) const { return ports_[node]; }

  // The standby's sync_state in the primary's pg_stat_replication ("sync",
  // "async", or "" when it is not streaming).
  std::string StandbyState() const;
  // Whether the node answers and is in recovery ("t"), a primary ("f"), or "" when down.
  std::string InRecovery(Node node) const;

  // The primary dies as a lost machine does: its postmaster and every process
  // of it stopped, then SIGKILLed (nothing flushed, nothing said to clients).
  void KillPrimary();
  // pg_ctl promote on the standby, waiting until it accepts writes.
  void PromoteStandby();
  // The end of a server log (for a failed test's INFO).
  std::string LogTail(Node node) const;

 private:
  bool Run(const std::string& command) const;
  void StartNode(Node node);

  std::string bin_, dir_, data_[2];
  std::string run_as_;
  int ports_[2] = {0, 0};
  int databases_ = 0;
  std::unique_ptr<pgtools::Watchdog> guard_;
};

}  // namespace baraza::testing

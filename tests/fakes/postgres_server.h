// A real PostgreSQL 15 (Debian's) for the tests: one server per test process,
// started on first use in a temporary folder on a free 127.0.0.1 port, a fresh
// database per test, stopped and removed at exit — also when the process dies.
#pragma once

#include <memory>
#include <optional>
#include <string>

namespace baraza::testing {

namespace pgtools {
class Watchdog;
}

class PostgresServer {
 public:
  // The folder of Debian's PostgreSQL 15 programs, or nullopt when they are
  // not installed (tests then SKIP).
  static std::optional<std::string> BinDir();
  // The one server of this process, started on the first call. Fails the test
  // (REQUIRE) when the programs exist but the server does not start.
  static PostgresServer& Get();

  // A new, empty database; returns its connection string (libpq key=value).
  std::string NewDatabase();
  // A connection string for database `db` over TCP (host=127.0.0.1 port=...).
  std::string ConnInfo(const std::string& db) const;
  // The same as a postgresql:// URI, as barazad --store takes it.
  std::string Uri(const std::string& db) const;
  int port() const { return port_; }
  // Stops the server (immediately) and starts it again on the same port and
  // data: for the tests of a connection lost while serving.
  void Stop();
  void Start();

  ~PostgresServer();

 private:
  PostgresServer() = default;
  void Init();
  // Runs a PostgreSQL program (as the unprivileged user when root); true on success.
  bool Run(const std::string& command) const;

  std::string bin_, dir_, data_;
  std::string run_as_;  // empty: as this process's user
  int port_ = 0;
  int databases_ = 0;
  // Stops the server and removes the folder when this process ends, however it ends.
  std::unique_ptr<pgtools::Watchdog> guard_;
};

// For a TEST_CASE: skips it (with a message saying what to install) when
// PostgreSQL is not installed here.
#define BARAZA_REQUIRE_POSTGRES()                                                  \
  do {                                                                             \
    if (!::baraza::testing::PostgresServer::BinDir()) {                            \
      WARN(                                                                        \
          "SKIPPED: PostgreSQL 15 is not installed (/usr/lib/postgresql/15/bin); " \
          "apt-get install postgresql-15 to run this test");                       \
      return;                                                                      \
    }                                                                              \
  } while (0)

}  // namespace baraza::testing

// What the PostgreSQL fakes (postgres_server.*, postgres_cluster.*) share: a free
// loopback port, Debian's programs run as an unprivileged user, an SQL command, a watchdog.
#pragma once

#include <string>
#include <sys/types.h>

namespace baraza::testing::pgtools {

// The unprivileged user PostgreSQL runs as when the tests run as root
// (initdb and postgres refuse root). `nobody` exists on every Debian.
inline constexpr char kRunAs[] = "nobody";

// A free TCP port on 127.0.0.1 (free now; PostgreSQL binds it right after).
int FreePort();
// 'text' for the shell (the paths here are mkdtemp's, without quotes in them).
std::string Quote(const std::string& s);
// Runs `command` (a program of `bin`, with its arguments) through the shell, as
// `run_as` when not empty, its output appended to `log`; true when it exits 0.
bool Run(const std::string& bin, const std::string& run_as, const std::string& log,
         const std::string& command);
// Runs an SQL command (no rows expected) over `conninfo`; WARNs and returns false on failure.
bool Admin(const std::string& conninfo, const std::string& sql);
// The first column of the first row of `sql`, or "" (and why in `error`) on failure.
std::string Scalar(const std::string& conninfo, const std::string& sql, std::string* error = nullptr);
// The postmaster's process id in data folder `data` (postmaster.pid), 0 if none.
pid_t PostmasterPid(const std::string& data);

// A child process that waits for this one to end (however it ends, SIGKILL
// included: its pipe closes) and then runs `script` with /bin/sh. Closing the
// pipe (Finish) runs it now and waits for it.
class Watchdog {
 public:
  // Fails the test (REQUIRE) when it cannot fork.
  explicit Watchdog(const std::string& script);
  ~Watchdog() { Finish(); }
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;
  void Finish();

 private:
  pid_t pid_ = 0;
  int pipe_ = -1;
};

}  // namespace baraza::testing::pgtools

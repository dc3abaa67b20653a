// SinkProcess: a test's own real server (tests/outreach/smtp_sink.py or
// http_sink.py) on 127.0.0.1, started with a temporary directory it records
// into, and stopped by the test; plus reading what it recorded. Not thread-safe.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace baraza::testing {

class SinkProcess {
 public:
  SinkProcess() = default;
  ~SinkProcess() { Stop(); }
  SinkProcess(const SinkProcess&) = delete;
  SinkProcess& operator=(const SinkProcess&) = delete;

  // Runs `script` (a file in tests/outreach) with Debian's python3, recording
  // into `outdir`; waits at most 10 s for the port it prints. False on failure.
  bool Start(const std::string& script, const std::string& outdir);
  // Closes its stdin, SIGTERM, waits at most 5 s, then SIGKILL. Idempotent.
  void Stop();
  int port() const { return port_; }

 private:
  pid_t pid_ = -1;
  int stdin_ = -1;
  int port_ = 0;
};

// The records N.json in `dir`, in the order they were written (1, 2, ...).
std::vector<nlohmann::json> ReadRecords(const std::string& dir);

}  // namespace baraza::testing

// ServerProcess: starts the real barazad binary on 127.0.0.1 port 0 with a
// database in a temporary directory, reads the port it prints, and stops it
// (SIGTERM) or kills it (SIGKILL). For end-to-end tests. Not thread-safe.
#pragma once

#include <string>
#include <vector>
#include <sys/types.h>

#include "client/common/client.h"
#include "tests/fakes/temp_dir.h"

namespace baraza::testing {

class ServerProcess {
 public:
  // `dir` holds the database and the mediator token; it outlives restarts.
  explicit ServerProcess(const TempDir& dir) : dir_(dir) {}
  ~ServerProcess() { Kill(); }

  // Starts barazad and waits until it serves (at most 20 s). Returns false on failure.
  bool Start();
  // SIGTERM, then waits for exit; returns the exit status (-1 if not running).
  int Stop();
  void Kill();

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  // The gRPC port, once started.
  int port() const { return port_; }
  // The public web page's port, when started with `public_page` set.
  int page_port() const { return page_port_; }
  // The delivery reports' port, when started with --delivery-reports 127.0.0.1:0.
  int reports_port() const { return reports_port_; }
  // The metrics' port, when started with --metrics 127.0.0.1:0.
  int metrics_port() const { return metrics_port_; }
  // The running barazad's process id (for /proc), -1 when not running.
  pid_t pid() const { return pid_; }
  std::string mediator_token() const;
  client::BarazaClient Client(const std::string& token) const;
  std::string db_path() const { return dir_.file("baraza.db"); }

  // Where barazad listens from the next Start(); a fixed port lets a client
  // reconnect to the same address after a restart.
  std::string listen = "127.0.0.1:0";
  // Serve the public web page too (--public-page 127.0.0.1:0) from the next Start().
  bool public_page = false;
  // The soft and hard open-file limit barazad starts with from the next Start();
  // 0 inherits the test's.
  unsigned long open_file_limit = 0;
  // More barazad flags for the next Start(), e.g. {"--tls-cert", path, ...}.
  std::vector<std::string> extra_args;
  // What Client() starts from (TLS material, for instance); server and token are set by it.
  client::ClientOptions client_options;

 private:
  const TempDir& dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  int page_port_ = 0;
  int reports_port_ = 0;
  int metrics_port_ = 0;
};

}  // namespace baraza::testing

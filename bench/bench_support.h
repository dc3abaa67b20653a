// What the benchmark programs share: starting a server as a child process and
// reading its address, and a load driver that keeps N calls in flight. Bench only.
#pragma once

#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace baraza::bench {

using Clock = std::chrono::steady_clock;

// A server started by Spawn; stopped (SIGTERM, then reaped) when destroyed.
struct Child {
  pid_t pid = -1;
  std::string address;
  ~Child() { Stop(); }
  void Stop() {
    if (pid <= 0) return;
    kill(pid, SIGTERM);
    waitpid(pid, nullptr, 0);
    pid = -1;
  }
  // CPU time (user + system) the child has used so far, in microseconds.
  double CpuMicros() const {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto close = stat.rfind(')');
    if (close == std::string::npos) return 0;
    std::istringstream fields(stat.substr(close + 2));
    std::string f;
    double utime = 0, stime = 0;
    for (int i = 3; i <= 15 && fields >> f; ++i) {  // fields 14 and 15: utime, stime
      if (i == 14) utime = std::stod(f);
      if (i == 15) stime = std::stod(f);
    }
    return (utime + stime) * 1e6 / static_cast<double>(sysconf(_SC_CLK_TCK));
  }
  long RssKb() const {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line))
      if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    return -1;
  }
};

// CPU time (user + system) this process has used so far, in microseconds.
double OwnCpuMicros();

// A server this benchmark did not start but whose CPU it reports beside
// barazad's: a PostgreSQL on this machine, named by its data directory.
struct Watched {
  std::string name;      // the directory's last component: "primary", "standby"
  std::string data_dir;  // its postmaster.pid names the server's first process
  // CPU time (user + system) of the server's first process, its children that
  // have exited and those running (every backend, WAL sender, replay), in
  // microseconds; 0 when it is not running.
  double CpuMicros() const;
};

// barazad's flags for metrics when the benchmark measures their cost
// (--barazad-metrics; deploy/bench.sh with BARAZA_BENCH_METRICS=1), else none.
std::vector<std::string> MetricsFlags(bool on);

// Starts `argv`, waits (at most 30 s) for "<word> listening on ADDRESS" on its stdout.
bool Spawn(const std::vector<std::string>& argv, const std::string& log, Child* child);

struct Result {
  double seconds = 0;
  int64_t ok = 0, errors = 0;
  double p50 = 0, p99 = 0, p999 = 0;  // milliseconds
  double server_cpu_us = 0;           // the server's CPU time per answered request
  double client_cpu_us = 0;           // the load generator's own, per answered request
  std::vector<double> watched_cpu_us;  // each Watched server's, per answered request
  std::string first_error;
  double Rps() const { return seconds > 0 ? ok / seconds : 0; }
};

// Issues one call into a slot; calls `done(status)` when it completes.
using Issue = std::function<void(int slot, std::function<void(grpc::Status)> done)>;

// Keeps `inflight` calls outstanding until `total` have been issued or
// `max_seconds` pass. Slot i belongs to class i % classes (a mixed workload
// sends each class its own RPC); the result has one entry per class, each with
// the whole measurement's duration.
std::vector<Result> DriveClasses(int inflight, int classes, int64_t total, double max_seconds,
                                 const Issue& issue);
Result Drive(int inflight, int64_t total, double max_seconds, const Issue& issue);

// Several channels, so that load spreads over connections as from many clients.
std::vector<std::shared_ptr<grpc::Channel>> Channels(const std::string& address, int n);

// The first line of a token file.
std::string ReadToken(const std::string& path);

// One blocking call with a bearer token and a 30 s deadline.
template <typename Fn>
grpc::Status Unary(const std::string& token, Fn fn) {
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + token);
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return fn(&ctx);
}

// The median of `v` (0 when empty).
double Median(std::vector<double> v);
// `v` with `digits` decimals.
std::string Fixed(double v, int digits);
// What the shell command prints, without its trailing newline.
std::string Sh(const std::string& cmd);
// The median time of one 4 KiB write and fdatasync at `path` (100 of them):
// the disk's part of every COMMIT, since commits are synchronous=FULL.
double FsyncMillis(const std::string& path);

}  // namespace baraza::bench

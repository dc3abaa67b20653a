#include "bench/bench_support.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <mutex>
#include <sstream>

namespace baraza::bench {


// CPU time (user + system) this process has used so far, in microseconds.
double OwnCpuMicros() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto us = [](const timeval& t) { return t.tv_sec * 1e6 + static_cast<double>(t.tv_usec); };
  return us(u.ru_utime) + us(u.ru_stime);
}

namespace {
// Fields 14-17 of /proc/PID/stat (utime, stime, cutime, cstime) in clock
// ticks, and field 4 (the parent); false when the process is gone.
bool ReadStat(const std::string& pid, long* parent, double* own_ticks, double* children_ticks) {
  std::ifstream in("/proc/" + pid + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream fields(stat.substr(close + 2));
  std::vector<double> f;
  std::string x;
  for (int i = 3; i <= 17 && fields >> x; ++i) f.push_back(std::atof(x.c_str()));
  if (f.size() < 15) return false;
  *parent = static_cast<long>(f[1]);  // field 4
  *own_ticks = f[11] + f[12];         // fields 14, 15
  *children_ticks = f[13] + f[14];    // fields 16, 17
  return true;
}
}  // namespace

double Watched::CpuMicros() const {
  std::ifstream pidfile(data_dir + "/postmaster.pid");
  long root = 0;
  if (!(pidfile >> root) || root <= 0) return 0;
  double ticks = 0;
  long parent = 0;
  double own = 0, exited = 0;
  if (!ReadStat(std::to_string(root), &parent, &own, &exited)) return 0;
  ticks += own + exited;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string pid = entry.path().filename();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    if (ReadStat(pid, &parent, &own, &exited) && parent == root) ticks += own;
  }
  return ticks * 1e6 / static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::vector<std::string> MetricsFlags(bool on) {
  if (!on) return {};
  return {"--metrics", "127.0.0.1:0"};
}

// Starts `argv`, waits (at most 30 s) for "<word> listening on ADDRESS" on its stdout.
bool Spawn(const std::vector<std::string>& argv, const std::string& log, Child* child) {
  int out[2];
  if (pipe(out) != 0) return false;
  child->pid = fork();
  if (child->pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) dup2(fd, STDERR_FILENO);
    close(out[0]);
    close(out[1]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out[1]);
  std::string buf;
  auto until = Clock::now() + std::chrono::seconds(30);
  while (Clock::now() < until) {
    pollfd p{out[0], POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;
    char chunk[256];
    ssize_t n = read(out[0], chunk, sizeof chunk);
    if (n <= 0) break;
    buf.append(chunk, static_cast<size_t>(n));
    auto at = buf.find("listening on ");
    auto eol = buf.find('\n', at == std::string::npos ? 0 : at);
    if (at != std::string::npos && eol != std::string::npos) {
      child->address = buf.substr(at + 13, eol - at - 13);
      close(out[0]);
      return true;
    }
  }
  close(out[0]);
  return false;
}



// Keeps `inflight` calls outstanding until `total` have been issued or
// `max_seconds` pass. Slot i belongs to class i % classes (a mixed workload
// sends each class its own RPC); the result has one entry per class, each with
// the whole measurement's duration.
std::vector<Result> DriveClasses(int inflight, int classes, int64_t total, double max_seconds,
                                 const Issue& issue) {
  struct Slot {
    std::vector<double> latencies;
    int64_t errors = 0;
  };
  std::vector<Slot> slots(inflight);
  std::atomic<int64_t> issued{0};
  std::mutex mu;
  std::condition_variable cv;
  int active = inflight;
  std::string first_error;
  auto start = Clock::now();
  auto stop_at = start + std::chrono::duration<double>(max_seconds);
  std::function<void(int)> next = [&](int slot) {
    if (issued.fetch_add(1) >= total || Clock::now() >= stop_at) {
      std::lock_guard lock(mu);
      if (--active == 0) cv.notify_all();
      return;
    }
    auto t0 = Clock::now();
    issue(slot, [&, slot, t0](grpc::Status s) {
      double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
      if (s.ok()) {
        slots[slot].latencies.push_back(ms);
      } else {
        slots[slot].errors += 1;
        std::lock_guard lock(mu);
        if (first_error.empty()) first_error = std::to_string(s.error_code()) + " " + s.error_message();
      }
      next(slot);
    });
  };
  for (int i = 0; i < inflight; ++i) next(i);
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return active == 0; });
  }
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<Result> out(classes);
  for (int k = 0; k < classes; ++k) {
    Result& r = out[k];
    r.seconds = seconds;
    r.first_error = first_error;
    std::vector<double> all;
    for (int i = k; i < inflight; i += classes) {
      all.insert(all.end(), slots[i].latencies.begin(), slots[i].latencies.end());
      r.errors += slots[i].errors;
    }
    std::sort(all.begin(), all.end());
    r.ok = static_cast<int64_t>(all.size());
    auto pct = [&](double q) {
      return all.empty() ? 0.0 : all[std::min(all.size() - 1, static_cast<size_t>(q * all.size()))];
    };
    r.p50 = pct(0.50);
    r.p99 = pct(0.99);
    r.p999 = pct(0.999);
  }
  return out;
}

Result Drive(int inflight, int64_t total, double max_seconds, const Issue& issue) {
  return DriveClasses(inflight, 1, total, max_seconds, issue)[0];
}

// Several channels, so that load spreads over connections as from many clients.
std::vector<std::shared_ptr<grpc::Channel>> Channels(const std::string& address, int n) {
  std::vector<std::shared_ptr<grpc::Channel>> out;
  for (int i = 0; i < n; ++i) {
    grpc::ChannelArguments args;
    args.SetInt("grpc.bench_channel", i);  // distinct arguments: distinct connections
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    out.push_back(grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args));
  }
  return out;
}

std::string ReadToken(const std::string& path) {
  std::ifstream in(path);
  std::string t;
  std::getline(in, t);
  return t;
}


double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

std::string Fixed(double v, int digits) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(digits) << v;
  return o.str();
}

std::string Sh(const std::string& cmd) {
  std::string out;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[512];
    while (fgets(buf, sizeof buf, p)) out += buf;
    pclose(p);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

// The median time of one 4 KiB write and fdatasync at `path` (100 of them):
// the disk's part of every COMMIT, since commits are synchronous=FULL.
double FsyncMillis(const std::string& path) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return 0;
  std::vector<double> ms;
  std::string page(4096, 'b');
  for (int i = 0; i < 100; ++i) {
    auto t0 = Clock::now();
    if (pwrite(fd, page.data(), page.size(), static_cast<off_t>(i) * 4096) < 0 || fdatasync(fd) != 0)
      break;
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  close(fd);
  unlink(path.c_str());
  return Median(ms);
}

}  // namespace baraza::bench

// baraza-bench: measures barazad against an empty gRPC echo server built in the
// same tree, on 127.0.0.1 only, with bounded request counts and time. For each
// RPC kind and load it prints requests/s, p50/p99/p99.9 latency and the ratio to
// the echo at the same load, and can write the table to a Markdown file.
#include <grpcpp/grpcpp.h>
#include <grpcpp/generic/generic_stub.h>
#include <CLI/CLI.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "bench/backup_during.h"
#include "bench/bench_support.h"
#include "bench/h2load.h"
#include "bench/workloads.h"
#include "services/process/tuning.h"
#include "baraza/v1/baraza.grpc.pb.h"
#include "echo.grpc.pb.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
namespace v1 = baraza::v1;

using namespace baraza::bench;

namespace {
// The median over the runs of (rate / the echo's rate in the same run): a
// shared machine that slows down for a while slows both measurements of a run,
// so the ratio within a run is steadier than a ratio of medians.
double RatioToEcho(const std::vector<Result>& runs, const std::vector<Result>& echo) {
  std::vector<double> ratios;
  for (size_t i = 0; i < runs.size() && i < echo.size(); ++i)
    if (echo[i].Rps() > 0) ratios.push_back(runs[i].Rps() / echo[i].Rps());
  return Median(ratios);
}


// The echo, GetCase, ListCases and FileDispute measured again by h2load (8
// connections × 32 streams: 256 in flight), beside baraza-bench's own ratio at
// 256, so that the table's load generator is not the only judge. A FileDispute
// is sent without request_id (each call a new case), and the run checks that
// as many cases were created as h2load counted answers: h2load sees HTTP
// status, not grpc-status. Empty when h2load is not installed.
using Results = std::map<std::string, std::map<int, std::vector<Result>>>;
std::string H2loadSection(const Child& server, const Child& echo, const std::string& mediator,
                          const Seeded& s, const std::vector<std::string>& kinds,
                          Results& results, double seconds, int runs, const std::string& work,
                          bool* failed) {
  if (!HaveH2load()) {
    std::cerr << "h2load is not installed (nghttp2-client): no h2load column" << std::endl;
    return "";
  }
  auto kases = v1::CaseService::NewStub(
      grpc::CreateChannel(server.address, grpc::InsecureChannelCredentials()));
  auto newest = [&]() -> int64_t {
    v1::ListCasesRequest q;
    q.set_group_id(s.group);
    q.set_page_size(1);
    v1::ListCasesResponse page;
    if (!Unary(mediator, [&](auto* c) { return kases->ListCases(c, q, &page); }).ok() ||
        page.cases_size() != 1)
      return -1;
    return page.cases(0).id();
  };
  std::vector<std::string> rows = {"echo"};
  for (const char* k : {"get", "list", "file"})
    if (std::count(kinds.begin(), kinds.end(), k)) rows.push_back(k);
  std::map<std::string, std::vector<H2loadResult>> got;
  for (int run = 0; run < runs; ++run)
    for (const auto& row : rows) {
      Rpc rpc = RpcFor(row, mediator, s);
      std::string body = rpc.request(0);
      if (row == "file") {
        v1::FileDisputeRequest f;
        f.ParseFromString(body);
        f.clear_request_id();
        body = f.SerializeAsString();
      }
      const int64_t before = row == "file" ? newest() : 0;
      H2loadResult r = RunH2load(row == "echo" ? echo.address : server.address, rpc.method,
                                 rpc.authorization, body, seconds, work);
      if (!r.ran) {
        std::cerr << "baraza-bench: h2load: " << r.error << std::endl;
        *failed = true;
        return "";
      }
      std::cerr << "run " << run + 1 << "/" << runs << "  h2load " << std::setw(6) << row
                << " x256: " << std::setw(8) << Fixed(r.rps, 0) << " req/s  p50 "
                << Fixed(r.p50, 2) << " ms  p99 " << Fixed(r.p99, 2) << " ms  failed "
                << r.failed << std::endl;
      const int64_t created = row == "file" ? newest() - before : 0;
      if (r.failed > 0 || (row == "file" && created < r.succeeded)) {
        std::cerr << "baraza-bench: h2load " << row << ": " << r.failed << " failed; "
                  << (row == "file" ? std::to_string(created) + " cases created for " +
                                          std::to_string(r.succeeded) + " answers"
                                    : std::string())
                  << std::endl;
        *failed = true;
      }
      got[row].push_back(r);
    }
  static const std::map<std::string, std::string> names = {
      {"echo", "echo (empty unary, callback API)"}, {"get", "GetCase (read)"},
      {"list", "ListCases, 20 per page (read)"}, {"file", "FileDispute (durable write)"}};
  std::ostringstream t;
  t << "| RPC at 256 in flight | h2load req/s (median) | h2load p50 ms | h2load p99 ms "
       "| × echo, h2load | × echo, baraza-bench |\n|---|---:|---:|---:|---:|---:|\n";
  for (const auto& row : rows) {
    std::vector<double> rps, p50, p99, ratio;
    for (size_t i = 0; i < got[row].size(); ++i) {
      rps.push_back(got[row][i].rps);
      p50.push_back(got[row][i].p50);
      p99.push_back(got[row][i].p99);
      if (got["echo"][i].rps > 0) ratio.push_back(got[row][i].rps / got["echo"][i].rps);
    }
    const bool ours = results.count(row) && results[row].count(256);
    t << "| " << names.at(row) << " | " << Fixed(Median(rps), 0) << " | " << Fixed(Median(p50), 2)
      << " | " << Fixed(Median(p99), 2) << " | " << Fixed(Median(ratio), 2) << " | "
      << (ours ? Fixed(RatioToEcho(results[row][256], results["echo"][256]), 2) : "—") << " |\n";
  }
  return t.str();
}

// A write's cost against the size of its case: RespondToNotice (answered with
// the BASIC view) on fresh disputes with no position yet, and on disputes
// seeded with 999 positions each, run after run; the server's CPU per request
// of the two, and their ratio (issue 14: within 20%). Each run adds positions
// to both sets, so the large cases hold 1,000 and more.
std::string GrowthSection(const std::string& address,
                          const std::vector<std::shared_ptr<grpc::Channel>>& chans,
                          const Child& server, const std::string& mediator, const Seeded& s,
                          int runs, int64_t max_requests, double seconds, bool* failed) {
  constexpr int kSmall = 2000, kLarge = 100, kSeeded = 999;
  Seeded small = s, large = s;
  std::cerr << "growth: filing " << kSmall + kLarge << " disputes, adding " << kSeeded
            << " positions to each of " << kLarge << "..." << std::endl;
  if (!FileCases(address, chans, mediator, kSmall, s, &small.first_answered, &small.last_answered) ||
      !FileCases(address, chans, mediator, kLarge, s, &large.first_answered, &large.last_answered)) {
    *failed = true;
    return "";
  }
  Result seeded = Drive(64, int64_t{kLarge} * kSeeded, 900, Workload("respond-basic", chans, mediator, large));
  if (seeded.errors > 0 || seeded.ok != int64_t{kLarge} * kSeeded) {
    std::cerr << "baraza-bench: growth seeding failed: " << seeded.first_error << std::endl;
    *failed = true;
    return "";
  }
  std::vector<double> cpu[2], rps[2];
  for (int run = 0; run < runs; ++run)
    for (int which = 0; which < 2; ++which) {
      Issue issue = Workload("respond-basic", chans, mediator, which ? large : small);
      double before = server.CpuMicros();
      Result r = Drive(256, max_requests, seconds, issue);
      if (r.errors > 0 || r.ok == 0) *failed = true;
      cpu[which].push_back(r.ok ? (server.CpuMicros() - before) / static_cast<double>(r.ok) : 0);
      rps[which].push_back(r.Rps());
      std::cerr << "run " << run + 1 << "/" << runs << "  respond-basic on "
                << (which ? "1,000+ positions" : "few positions") << " x256: " << Fixed(r.Rps(), 0)
                << " req/s  server CPU µs/req " << Fixed(cpu[which].back(), 1) << "  errors "
                << r.errors << std::endl;
    }
  const double ratio = Median(cpu[0]) > 0 ? Median(cpu[1]) / Median(cpu[0]) : 0;
  std::ostringstream t;
  t << "| RespondToNotice (BASIC view) at 256 in flight | req/s (median) | server CPU µs/req |\n"
       "|---|---:|---:|\n"
    << "| on " << kSmall << " disputes with few positions | " << Fixed(Median(rps[0]), 0) << " | "
    << Fixed(Median(cpu[0]), 1) << " |\n"
    << "| on " << kLarge << " disputes with " << kSeeded + 1 << " positions or more | "
    << Fixed(Median(rps[1]), 0) << " | " << Fixed(Median(cpu[1]), 1) << " |\n\n"
    << "CPU per write on the long cases: " << Fixed(ratio, 2) << "× that on the short ones "
    << "(target: within 20%, ≤ 1.20×: " << (ratio <= 1.2 ? "met" : "**not met**") << ").\n";
  return t.str();
}
}  // namespace

int main(int argc, char** argv) {
  baraza::process::Tune();  // as barazad: the same allocator and locks
  CLI::App app{"baraza-bench: barazad against an empty gRPC echo server, on 127.0.0.1"};
  std::string barazad, echo_bin, out_md, work = "/tmp/baraza-bench";
  // 10,000 disputes to answer: the respond workload adds a position to one of
  // them per request, so that by the last run a case holds a few dozen, as a contested
  // case might, rather than hundreds.
  int runs = 3, cases = 10000, channels = 8;
  double seconds = 3;
  int64_t max_requests = 200000;
  std::vector<int> loads = {1, 4, 32, 256};
  std::vector<std::string> kinds = {"get", "list", "notices", "notices-fr", "respond", "file",
                                    "mixed"};
  bool smoke = false;
  app.add_option("--barazad", barazad, "path of the barazad binary")->required();
  app.add_option("--echo", echo_bin, "path of the bench-echo binary")->required();
  app.add_option("--runs", runs, "runs of each measurement (median and range are reported)")
      ->capture_default_str();
  app.add_option("--seconds", seconds, "time limit of one measurement")->capture_default_str();
  app.add_option("--requests", max_requests, "request limit of one measurement")->capture_default_str();
  app.add_option("--cases", cases, "disputes seeded to read, and as many to answer")->capture_default_str();
  app.add_option("--loads", loads, "requests in flight")->capture_default_str();
  app.add_option("--kinds", kinds,
                 "get, list, respond, file, mixed (GetCase and FileDispute at once, "
                 "half the load each), notices and notices-fr (ListNotices in English and "
                 "in French)")->capture_default_str();
  app.add_option("--work", work, "directory for the database and logs (emptied first)")
      ->capture_default_str();
  app.add_option("--markdown", out_md, "write the results to this Markdown file");
  app.add_flag("--smoke", smoke, "a few hundred requests, to check that it works");
  bool metrics = false;
  app.add_flag("--barazad-metrics", metrics,
               "start barazad with --metrics 127.0.0.1:0, to measure what metrics cost");
  std::string notes, store;
  app.add_option("--notes", notes, "a Markdown file appended to --markdown (the analysis)");
  app.add_option("--store", store,
                 "measure barazad on this PostgreSQL database (postgresql://...; an empty one, "
                 "e.g. fresh from createdb) instead of an SQLite file in --work");
  std::vector<std::string> watch_dirs;
  app.add_option("--pg-data", watch_dirs,
                 "data directory of a PostgreSQL server on this machine (the primary, a "
                 "standby) whose CPU per request is reported beside barazad's; "
                 "deploy/bench.sh passes those of the cluster it starts");
  CLI11_PARSE(app, argc, argv);
  std::vector<Watched> watched;
  for (const auto& dir : watch_dirs)
    watched.push_back({fs::path(dir).lexically_normal().filename().string(), dir});
  if (smoke) {
    runs = 1;
    max_requests = 100;
    cases = 20;
    seconds = 10;
    loads = {4, 32};
  }
  fs::remove_all(work);
  fs::create_directories(work);
  const double fsync_ms = FsyncMillis(work + "/fsync.probe");
  std::cerr << "one 4 KiB write and fdatasync on the database's disk: " << Fixed(fsync_ms, 2)
            << " ms (median of 100)" << std::endl;

  Child echo;
  if (!Spawn({echo_bin, "127.0.0.1:0"}, work + "/echo.log", &echo)) {
    std::cerr << "baraza-bench: bench-echo did not start" << std::endl;
    return 1;
  }
  Child server;
  std::vector<std::string> server_argv = {barazad, "--listen", "127.0.0.1:0", "--db",
                                           work + "/bench.db", "--mediator-token-file",
                                           work + "/mediator.token", "--log-level", "warn"};
  for (auto& flag : MetricsFlags(metrics)) server_argv.push_back(flag);
  if (!store.empty()) server_argv.insert(server_argv.end(), {"--store", store});
  if (!Spawn(server_argv, work + "/barazad.log", &server)) {
    std::cerr << "baraza-bench: barazad did not start; see " << work << "/barazad.log" << std::endl;
    return 1;
  }
  std::string mediator = ReadToken(work + "/mediator.token");
  Seeded seeded;
  auto echo_channels = Channels(echo.address, channels);
  auto server_channels = Channels(server.address, channels);
  std::cerr << "seeding " << 2 * cases << " disputes (" << cases << " to read, " << cases << " to answer)..." << std::endl;
  if (!Seed(server.address, mediator, &seeded) ||
      !SeedCases(server.address, server_channels, mediator, cases, &seeded)) {
    std::cerr << "baraza-bench: seeding failed" << std::endl;
    return 1;
  }

  // results[row][load] = one Result per run; a row is a kind, or for "mixed"
  // each half of it ("mixed-get", "mixed-file").
  std::map<std::string, std::map<int, std::vector<Result>>> results;
  // The echo answered from another thread is the least an RPC answered after a
  // commit can cost: the durable writes are compared with it too.
  std::vector<std::string> all_kinds = {"echo", "echo-later"};
  all_kinds.insert(all_kinds.end(), kinds.begin(), kinds.end());
  bool failed = false;
  std::vector<long> rss_after_round;
  auto report = [&](int run, const std::string& row, int load, const Result& r) {
    std::cerr << "run " << run + 1 << "/" << runs << "  " << std::setw(10) << row << " x"
              << std::setw(3) << load << ": " << std::setw(8) << Fixed(r.Rps(), 0)
              << " req/s  p50 " << Fixed(r.p50, 2) << " ms  p99 " << Fixed(r.p99, 2)
              << " ms  CPU µs/req: server " << Fixed(r.server_cpu_us, 1) << ", client "
              << Fixed(r.client_cpu_us, 1);
    for (size_t i = 0; i < watched.size() && i < r.watched_cpu_us.size(); ++i)
      std::cerr << ", " << watched[i].name << " " << Fixed(r.watched_cpu_us[i], 1);
    std::cerr << "  errors " << r.errors
              << (r.errors ? " (" + r.first_error + ")" : "") << std::endl;
    failed |= r.errors > 0 || r.ok == 0;
    results[row][load].push_back(r);
  };
  for (int run = 0; run < runs; ++run) {
    for (int load : loads) {
      for (const auto& kind : all_kinds) {
        const bool mixed = kind == "mixed";
        if (mixed && load < 2) continue;  // half the slots read, half write
        Issue issue;
        if (mixed) {
          // Even slots read, odd slots file disputes; each half spreads over every channel.
          Issue get = Workload("get", server_channels, mediator, seeded);
          Issue file = Workload("file", server_channels, mediator, seeded);
          issue = [get, file](int slot, std::function<void(grpc::Status)> done) {
            (slot % 2 == 0 ? get : file)(slot / 2, std::move(done));
          };
        } else {
          issue = Workload(kind, kind.rfind("echo", 0) == 0 ? echo_channels : server_channels,
                           mediator, seeded);
        }
        Drive(std::min(load, 4), std::min<int64_t>(max_requests / 10, 200), 2, issue);  // warm-up
        const Child& measured = kind.rfind("echo", 0) == 0 ? echo : server;
        double cpu_before = measured.CpuMicros(), own_before = OwnCpuMicros();
        std::vector<double> watched_before;
        for (const auto& w : watched) watched_before.push_back(w.CpuMicros());
        std::vector<Result> rs = DriveClasses(load, mixed ? 2 : 1, max_requests, seconds, issue);
        int64_t answered = 0;
        for (const auto& r : rs) answered += r.ok;
        std::vector<double> watched_after;
        for (const auto& w : watched) watched_after.push_back(w.CpuMicros());
        for (auto& r : rs)  // a mixed run's CPU is that of both halves together
          if (answered > 0) {
            r.server_cpu_us = (measured.CpuMicros() - cpu_before) / answered;
            r.client_cpu_us = (OwnCpuMicros() - own_before) / answered;
            for (size_t i = 0; i < watched.size(); ++i)
              r.watched_cpu_us.push_back((watched_after[i] - watched_before[i]) / answered);
          }
        if (mixed) {
          report(run, "mixed-get", load, rs[0]);
          report(run, "mixed-file", load, rs[1]);
        } else {
          report(run, kind, load, rs[0]);
        }
      }
    }
    rss_after_round.push_back(server.RssKb());
  }

  std::string growth_table;
  if (std::count(kinds.begin(), kinds.end(), "respond") && !smoke)
    growth_table = GrowthSection(server.address, server_channels, server, mediator, seeded, runs,
                                 max_requests, seconds, &failed);
  std::string h2load_table;
  if (std::count(loads.begin(), loads.end(), 256))
    h2load_table = H2loadSection(server, echo, mediator, seeded, kinds, results, seconds, runs,
                                 work, &failed);

  // A backup taken during the writes (SQLite only: PostgreSQL's are pg_basebackup's).
  std::string backup_table;
  if (store.empty() && std::count(kinds.begin(), kinds.end(), "file") && results["file"].count(256)) {
    std::vector<double> file_rps;
    for (const auto& r : results["file"][256]) file_rps.push_back(r.Rps());
    backup_table = BackupDuringWritesSection(barazad, work + "/bench.db", work, server_channels,
                                             mediator, seeded, Median(file_rps),
                                             std::max(seconds, 2.0), &failed);
  }

  // The table: median of the runs, range in brackets, ratio to the echo at the same load.
  std::vector<std::string> rows;
  for (const auto& kind : all_kinds) {
    if (kind != "mixed") rows.push_back(kind);
    else rows.insert(rows.end(), {"mixed-get", "mixed-file"});
  }
  std::ostringstream table;
  table << "| RPC | in flight | req/s (median, range) | p50 ms | p99 ms | p99.9 ms | × echo "
           "| server CPU µs/req | client CPU µs/req |";
  for (const auto& w : watched) table << " PostgreSQL " << w.name << " CPU µs/req |";
  table << "\n|---|---:|---:|---:|---:|---:|---:|---:|---:|";
  for (size_t i = 0; i < watched.size(); ++i) table << "---:|";
  table << "\n";
  for (const auto& row : rows)
    for (int load : loads) {
      if (!results[row].count(load)) continue;
      const auto& rs = results[row][load];
      std::vector<double> rps, p50, p99, p999, cpu, client_cpu;
      std::vector<std::vector<double>> watched_cpu(watched.size());
      for (const auto& r : rs) {
        for (size_t i = 0; i < watched.size() && i < r.watched_cpu_us.size(); ++i)
          watched_cpu[i].push_back(r.watched_cpu_us[i]);
        rps.push_back(r.Rps());
        p50.push_back(r.p50);
        p99.push_back(r.p99);
        p999.push_back(r.p999);
        cpu.push_back(r.server_cpu_us);
        client_cpu.push_back(r.client_cpu_us);
      }
      auto [lo, hi] = std::minmax_element(rps.begin(), rps.end());
      const bool half = row.rfind("mixed-", 0) == 0;
      // Half of a mixed load has no echo of its own to be compared with.
      std::string ratio = half ? "—" : Fixed(RatioToEcho(rs, results["echo"][load]), 2);
      static const std::map<std::string, std::string> names = {
          {"echo", "echo (empty unary, callback API)"},
          {"echo-later", "echo answered from another thread (as a durable write is)"},
          {"get", "GetCase (read)"},
          {"list", "ListCases, 20 per page (read)"},
          {"notices", "ListNotices, 20 per page, English (read)"},
          {"notices-fr", "ListNotices, 20 per page, rendered in French (read)"},
          {"respond", "RespondToNotice (durable write)"},
          {"file", "FileDispute (durable write)"},
          {"mixed-get", "GetCase beside FileDispute (half the load each; read)"},
          {"mixed-file", "FileDispute beside GetCase (half the load each; durable write)"}};
      table << "| " << names.at(row) << " | " << (half ? std::to_string(load / 2) + " of " : "")
            << load << " | " << Fixed(Median(rps), 0) << " (" << Fixed(*lo, 0) << "–"
            << Fixed(*hi, 0) << ") | " << Fixed(Median(p50), 2) << " | " << Fixed(Median(p99), 2)
            << " | " << Fixed(Median(p999), 2) << " | " << ratio << " | " << Fixed(Median(cpu), 1)
            << " | " << Fixed(Median(client_cpu), 1) << " |";
      for (const auto& w : watched_cpu) table << " " << Fixed(Median(w), 1) << " |";
      table << "\n";
    }
  // The targets of issue 7, checked against the medians.
  auto median_of = [&](const std::string& kind, int load, auto field) {
    std::vector<double> v;
    for (const auto& r : results[kind][load]) v.push_back(field(r));
    return Median(v);
  };
  std::ostringstream targets;
  auto target = [&](const std::string& what, bool known, bool met, const std::string& measured) {
    targets << "| " << what << " | " << (known ? measured : "not measured") << " | "
            << (!known ? "—" : met ? "met" : "**not met**") << " |\n";
  };
  targets << "| target | measured (median) | |\n|---|---|---|\n";
  bool has256 = std::count(loads.begin(), loads.end(), 256) > 0;
  bool has1 = std::count(loads.begin(), loads.end(), 1) > 0;
  for (const char* kind : {"respond", "file"}) {
    bool known = has256 && results.count(kind);
    double ratio = known ? RatioToEcho(results[kind][256], results["echo"][256]) : 0;
    double p99 = known ? median_of(kind, 256, [](const Result& r) { return r.p99; }) : 0;
    target(std::string(kind) + ": ≥ 0.5× echo at 256 in flight", known, ratio >= 0.5,
           Fixed(ratio, 2) + "×");
    target(std::string(kind) + ": p99 ≤ 20 ms at 256 in flight", known, p99 <= 20,
           Fixed(p99, 1) + " ms");
    bool known1 = has1 && results.count(kind);
    double p50 = known1 ? median_of(kind, 1, [](const Result& r) { return r.p50; }) : 0;
    target(std::string(kind) + ": p50 ≤ 1 ms with one request in flight", known1, p50 <= 1,
           Fixed(p50, 2) + " ms");
  }
  for (const char* kind : {"get", "list"}) {
    bool known = has256 && results.count(kind);
    double ratio = known ? RatioToEcho(results[kind][256], results["echo"][256]) : 0;
    target(std::string(kind) + ": ≥ 0.8× echo at 256 in flight", known, ratio >= 0.8,
           Fixed(ratio, 2) + "×");
  }
  // Durable writes against the echo that answers from another thread, as they
  // do: what is left is barazad's own cost, not that of answering after a commit.
  std::ostringstream later;
  later << "| durable write | in flight | × echo | × echo answered from another thread |\n"
        << "|---|---:|---:|---:|\n";
  for (const char* kind : {"respond", "file"})
    for (int load : loads) {
      if (!results.count(kind) || !results[kind].count(load)) continue;
      later << "| " << kind << " | " << load << " | "
            << Fixed(RatioToEcho(results[kind][load], results["echo"][load]), 2) << " | "
            << Fixed(RatioToEcho(results[kind][load], results["echo-later"][load]), 2) << " |\n";
    }
  std::cout << table.str() << "\n" << h2load_table << "\n" << backup_table << "\n" << growth_table << "\n"
            << targets.str() << "\n" << later.str();
  std::ostringstream rss;
  for (size_t i = 0; i < rss_after_round.size(); ++i)
    rss << (i ? ", " : "") << rss_after_round[i] / 1024 << " MB";
  std::cout << "barazad resident memory after each round: " << rss.str() << std::endl;

  if (!out_md.empty()) {
    std::ofstream md(out_md);
    md << "# Benchmarks\n\n"
       << "Produced by `./deploy/bench.sh` (Release build; `baraza-bench` in `bench/`). "
       << (store.empty()
               ? "barazad runs with the durability it always has (WAL, `synchronous=FULL`, answers "
                 "after COMMIT); the load generator runs on the same cores, over 127.0.0.1.\n\n"
               : "barazad runs on PostgreSQL (`--store`, `synchronous_commit=on`, answers after "
                 "COMMIT); the load generator and PostgreSQL run on the same cores.\n\n")
       << (metrics ? "barazad ran with `--metrics 127.0.0.1:0` (BARAZA_BENCH_METRICS=1): "
                     "compare each row with the same row of docs/benchmarks.md.\n\n"
                   : "")
       << "## Machine\n\n"
       << "- CPU: " << Sh("nproc") << " cores, "
       << Sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2") << "\n"
       << "- Memory: " << Sh("free -g | awk '/Mem:/{print $2}'") << " GiB\n"
       << "- Disk holding the database: " << Sh("df -hT " + work + " | awk 'NR==2{print $2\", \"$3\" total\"}'")
       << "; one 4 KiB write and `fdatasync` there: " << Fixed(fsync_ms, 2) << " ms (median of 100)\n- OS: " << Sh(". /etc/os-release && echo $PRETTY_NAME") << ", kernel " << Sh("uname -r") << "\n"
       << "- Date: " << Sh("date -u +%Y-%m-%d") << "\n\n"
       << "## Method\n\n"
       << runs << " runs; each measurement stops at " << max_requests << " requests or " << seconds
       << " s; " << channels << " connections; " << cases
       << " disputes seeded first to be read, and as many to be answered. Reads are GetCase on "
          "the first set and a 20-case page of ListCases (the newest cases of the group); durable "
          "writes are a liaison's RespondToNotice (a new position on a case of the second set, "
          "whose cases therefore grow from run to run: the reply is the whole case) and a "
          "mediator's FileDispute (a case with its notice and deadlines). Every write "
          "carries a new request_id, as the clients send it. The mixed rows run GetCase and "
          "FileDispute at once, half the calls in flight each: reads beside durable writes. "
          "Like h2load, with which shared/PERFORMANCE.md took its reference figures, the load "
          "generator sends serialised requests through a generic stub and checks every call's "
          "status, but decodes and checks only one reply in " << kCheckEvery << " (the right case, "
          "the right page, the new position): decoding every case would measure the client, "
          "which shares the cores. \"× echo\" is the median over the runs "
          "of the rate divided by the echo server's rate at the same number of requests in "
          "flight in the same run (a shared machine that slows down for a while slows both). "
          "\"server CPU\" is the server process's CPU time (user and system, all threads, from "
          "/proc) during the measurement divided by the requests it answered: on two shared "
          "cores, what a request costs the server decides how many it can answer. \"client CPU\" "
          "is the same for the load generator itself, which shares those cores; a mixed row's CPU is "
          "that of both halves together."
       << (watched.empty() ? ""
                           : " \"PostgreSQL ... CPU\" is the same for each PostgreSQL server "
                             "(its first process, every backend, the WAL sender and receiver, "
                             "replay and background workers, from /proc), on the same cores.")
       << "\n\n"
       << "## Results\n\n"
       << table.str() << "\n"
       << "barazad's resident memory after each round: " << rss.str() << ".\n\n"
       << "## The same, measured with h2load\n\n"
       << (h2load_table.empty()
               ? std::string("h2load (Debian's `nghttp2-client`) was not installed: not measured.\n")
               : "h2load, an outside load generator, sent the same serialised requests over 8 "
                 "connections × 32 streams for " + Fixed(seconds, 0) + " s after a 1 s warm-up, "
                 "once per run (the recipe of shared/PERFORMANCE.md); FileDispute without a "
                 "request_id, each call a new case, and the run checked that as many cases were "
                 "created as h2load counted answers. Its ratios stand beside baraza-bench's at "
                 "256 in flight.\n\n" + h2load_table)
       << "\n"
       << "## A backup taken during durable writes\n\n"
       << (backup_table.empty()
               ? std::string("Not measured (PostgreSQL, or no FileDispute at 256 in flight).\n")
               : "While FileDispute ran at 256 in flight, `barazad backup` copied the serving "
                 "database; the copy was then restored with `barazad restore` and checked with "
                 "`barazad audit verify` (docs/operations.md, \"Backup and restore\").\n\n" +
                     backup_table)
       << "\n"
       << "## A write's cost against the size of its case\n\n"
       << (growth_table.empty() ? std::string("Not measured (no respond workload).\n") : growth_table)
       << "\n"
       << "## Targets\n\n"
       << targets.str() << "\n"
       << "## Durable writes against the echo answered from another thread\n\n"
       << "A durable write is answered after its COMMIT, from barazad's completion thread, not "
          "from the gRPC handler: the second echo does the same with nothing to commit, so the "
          "last column is what barazad's own work costs beside what answering later costs any "
          "server.\n\n"
       << later.str();
    if (!notes.empty()) {
      std::ifstream in(notes);
      md << "\n" << in.rdbuf();
    }
    std::cerr << "wrote " << out_md << std::endl;
  }
  return failed ? 2 : 0;
}

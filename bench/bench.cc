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

#include "bench/bench_support.h"
#include "services/process/tuning.h"
#include "baraza/v1/baraza.grpc.pb.h"
#include "echo.grpc.pb.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
namespace v1 = baraza::v1;

using namespace baraza::bench;

namespace {

// ------------------------------------------------------------ the workloads

// Two sets of seeded disputes: GetCase reads the first, RespondToNotice adds
// positions to the second. Were they the same, the cases read would grow from
// run to run with the positions the respond workload adds, and the runs whose
// median is reported would not measure the same reads.
struct Seeded {
  int64_t group = 0, party = 0;
  int64_t first_case = 0, last_case = 0;          // read by GetCase
  int64_t first_answered = 0, last_answered = 0;  // answered by RespondToNotice
  std::string liaison_token;
};

// A group of two parties, one with a liaison (the disputes come from SeedCases).
bool Seed(const std::string& address, const std::string& mediator, Seeded* s) {
  auto ch = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  auto groups = v1::ContactGroupService::NewStub(ch);
  auto kases = v1::CaseService::NewStub(ch);
  v1::CreateContactGroupRequest g;
  g.set_name("Benchmark contact group");
  g.set_kind(v1::GROUP_KIND_STANDING);
  v1::ContactGroup group;
  if (!Unary(mediator, [&](auto* c) { return groups->CreateContactGroup(c, g, &group); }).ok()) return false;
  s->group = group.id();
  int64_t parties[2];
  for (int i = 0; i < 2; ++i) {
    v1::AddPartyRequest p;
    p.set_group_id(group.id());
    p.set_name(i == 0 ? "Respondent faction" : "Filing association");
    p.set_category(i == 0 ? v1::PARTY_CATEGORY_ARMED_FACTION : v1::PARTY_CATEGORY_CIVIL_SOCIETY);
    v1::Party party;
    if (!Unary(mediator, [&](auto* c) { return groups->AddParty(c, p, &party); }).ok()) return false;
    parties[i] = party.id();
  }
  s->party = parties[0];
  v1::RegisterLiaisonRequest l;
  l.set_party_id(parties[0]);
  l.set_name("Benchmark liaison");
  v1::RegisterLiaisonResponse lr;
  if (!Unary(mediator, [&](auto* c) { return groups->RegisterLiaison(c, l, &lr); }).ok()) return false;
  s->liaison_token = lr.token();
  return true;
}

// One kind of request as the load generator sends it. Like h2load, with which
// the reference figures in shared/PERFORMANCE.md were taken, it sends bytes and
// checks each call's status without decoding the reply: the client shares the
// two cores with the server it measures, and decoding a whole case (or a page of
// twenty) would cost it more than an echo round trip, measuring the client
// instead of the server. One reply in kCheckEvery is decoded and checked.
struct Rpc {
  std::string method;         // "/package.Service/Method"
  std::string authorization;  // the header's value; empty for the echo
  // The n-th request, serialised.
  std::function<std::string(int64_t n)> request;
  // Whether the decoded reply to the n-th request is the one asked for.
  std::function<bool(const std::string& reply, int64_t n)> check;
};
constexpr int64_t kCheckEvery = 64;

std::string Bytes(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  for (const auto& s : slices) out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return out;
}

// The RPC that `kind` measures (echo, echo-later, get, list, respond, file).
Rpc RpcFor(const std::string& kind, const std::string& mediator, const Seeded& s) {
  int64_t span = std::max<int64_t>(1, s.last_case - s.first_case + 1);
  int64_t answered_span = std::max<int64_t>(1, s.last_answered - s.first_answered + 1);
  const std::string as_mediator = "Bearer " + mediator;
  if (kind == "echo" || kind == "echo-later")
    return {kind == "echo" ? "/baraza.bench.Echo/Ping" : "/baraza.bench.Echo/PingLater", "",
            [](int64_t) { return baraza::bench::PingRequest().SerializeAsString(); },
            [](const std::string& reply, int64_t) {
              return baraza::bench::PingResponse().ParseFromString(reply);
            }};
  if (kind == "get") {
    auto id = [=](int64_t n) { return s.first_case + n % span; };
    return {"/baraza.v1.CaseService/GetCase", as_mediator,
            [=](int64_t n) {
              v1::GetCaseRequest r;
              r.set_case_id(id(n));
              return r.SerializeAsString();
            },
            [=](const std::string& reply, int64_t n) {
              v1::Case c;
              return c.ParseFromString(reply) && c.id() == id(n);
            }};
  }
  if (kind == "list") {
    v1::ListCasesRequest r;
    r.set_group_id(s.group);
    r.set_page_size(20);
    return {"/baraza.v1.CaseService/ListCases", as_mediator,
            [bytes = r.SerializeAsString()](int64_t) { return bytes; },
            [=](const std::string& reply, int64_t) {
              v1::ListCasesResponse page;
              if (!page.ParseFromString(reply) || page.cases_size() != 20) return false;
              for (const auto& c : page.cases())
                if (c.group_id() != s.group) return false;
              return true;
            }};
  }
  if (kind == "respond") {
    auto id = [=](int64_t n) { return s.first_answered + n % answered_span; };
    return {"/baraza.v1.CaseService/RespondToNotice", "Bearer " + s.liaison_token,
            [=](int64_t n) {
              v1::RespondToNoticeRequest r;
              r.set_case_id(id(n));
              r.set_position("Position " + std::to_string(n));
              r.set_visibility(v1::VISIBILITY_GROUP);
              r.set_request_id("bench-" + std::to_string(n));
              return r.SerializeAsString();
            },
            [=](const std::string& reply, int64_t n) {
              v1::Case c;
              if (!c.ParseFromString(reply) || c.id() != id(n)) return false;
              const std::string text = "Position " + std::to_string(n);
              return std::any_of(c.positions().begin(), c.positions().end(),
                                 [&](const v1::Position& p) { return p.text() == text; });
            }};
  }
  // "file" (also how the disputes are seeded)
  return {"/baraza.v1.CaseService/FileDispute", as_mediator,
          [=](int64_t n) {
            v1::FileDisputeRequest f;
            f.set_group_id(s.group);
            f.set_title("Load dispute " + std::to_string(n));
            f.set_description("Filed by baraza-bench.");
            f.add_standards(v1::STANDARD_PEACE_PROCESS);
            f.set_dimension(v1::OPERATIONAL_DIMENSION_HUMANITARIAN_AID);
            f.add_respondent_party_ids(s.party);
            f.mutable_window()->set_seconds(30 * 86400);
            f.set_request_id("bench-file-" + std::to_string(n));
            return f.SerializeAsString();
          },
          [](const std::string& reply, int64_t n) {
            v1::Case c;
            return c.ParseFromString(reply) && c.id() > 0 &&
                   c.title() == "Load dispute " + std::to_string(n);
          }};
}

Issue Workload(const std::string& kind, const std::vector<std::shared_ptr<grpc::Channel>>& chans,
               const std::string& mediator, const Seeded& s) {
  auto stubs = std::make_shared<std::vector<std::unique_ptr<grpc::GenericStub>>>();
  for (auto& ch : chans) stubs->push_back(std::make_unique<grpc::GenericStub>(ch));
  auto rpc = std::make_shared<Rpc>(RpcFor(kind, mediator, s));
  // One counter for the whole process: every request_id is new, so that no
  // measurement is answered from the replay of an earlier one.
  static std::atomic<int64_t> shared_counter{0};
  auto* counter = &shared_counter;
  struct Call {
    grpc::ClientContext ctx;
    grpc::ByteBuffer req, resp;
  };
  return [=](int slot, std::function<void(grpc::Status)> done) {
    int64_t n = counter->fetch_add(1);
    auto* c = new Call;
    c->ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    if (!rpc->authorization.empty()) c->ctx.AddMetadata("authorization", rpc->authorization);
    std::string bytes = rpc->request(n);
    grpc::Slice slice(bytes);
    c->req = grpc::ByteBuffer(&slice, 1);
    (*stubs)[slot % stubs->size()]->UnaryCall(
        &c->ctx, rpc->method, grpc::StubOptions(), &c->req, &c->resp,
        [c, n, rpc, done = std::move(done)](grpc::Status st) {
          if (st.ok() && n % kCheckEvery == 0 && !rpc->check(Bytes(c->resp), n))
            st = grpc::Status(grpc::StatusCode::DATA_LOSS,
                              "the reply to " + rpc->method + " is not the one asked for");
          delete c;
          done(st);
        });
  };
}

// Files `cases` disputes against the seeded party, 64 at a time, and records
// the range of their ids (a fresh database numbers them without gaps).
// Seeds `cases` disputes to read and as many to answer (see Seeded).
bool SeedCases(const std::string& address, const std::vector<std::shared_ptr<grpc::Channel>>& chans,
               const std::string& mediator, int cases, Seeded* s) {
  Result r = Drive(64, 2 * cases, 600, Workload("file", chans, mediator, *s));
  if (r.errors > 0 || r.ok != 2 * cases) {
    std::cerr << "baraza-bench: seeding failed: " << r.first_error << std::endl;
    return false;
  }
  auto kases = v1::CaseService::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  v1::ListCasesRequest newest;
  newest.set_group_id(s->group);
  newest.set_page_size(1);
  v1::ListCasesResponse page;
  if (!Unary(mediator, [&](auto* c) { return kases->ListCases(c, newest, &page); }).ok() ||
      page.cases_size() != 1)
    return false;
  s->last_answered = page.cases(0).id();
  s->first_answered = s->last_answered - cases + 1;
  s->last_case = s->first_answered - 1;
  s->first_case = s->last_case - cases + 1;
  return true;
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// The median over the runs of (rate / the echo's rate in the same run): a
// shared machine that slows down for a while slows both measurements of a run,
// so the ratio within a run is steadier than a ratio of medians.
double RatioToEcho(const std::vector<Result>& runs, const std::vector<Result>& echo) {
  std::vector<double> ratios;
  for (size_t i = 0; i < runs.size() && i < echo.size(); ++i)
    if (echo[i].Rps() > 0) ratios.push_back(runs[i].Rps() / echo[i].Rps());
  return Median(ratios);
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
  std::vector<std::string> kinds = {"get", "list", "respond", "file", "mixed"};
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
                 "get, list, respond, file, and mixed (GetCase and FileDispute at once, "
                 "half the load each)")->capture_default_str();
  app.add_option("--work", work, "directory for the database and logs (emptied first)")
      ->capture_default_str();
  app.add_option("--markdown", out_md, "write the results to this Markdown file");
  app.add_flag("--smoke", smoke, "a few hundred requests, to check that it works");
  std::string notes, store;
  app.add_option("--notes", notes, "a Markdown file appended to --markdown (the analysis)");
  app.add_option("--store", store,
                 "measure barazad on this PostgreSQL database (postgresql://...; an empty one, "
                 "e.g. fresh from createdb) instead of an SQLite file in --work");
  CLI11_PARSE(app, argc, argv);
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
  std::vector<std::string> server_args = {barazad, "--listen", "127.0.0.1:0", "--db",
                                          work + "/bench.db", "--mediator-token-file",
                                          work + "/mediator.token", "--log-level", "warn"};
  if (!store.empty()) server_args.insert(server_args.end(), {"--store", store});
  if (!Spawn(server_args, work + "/barazad.log", &server)) {
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
              << Fixed(r.client_cpu_us, 1) << "  errors " << r.errors
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
        std::vector<Result> rs = DriveClasses(load, mixed ? 2 : 1, max_requests, seconds, issue);
        int64_t answered = 0;
        for (const auto& r : rs) answered += r.ok;
        for (auto& r : rs)  // a mixed run's CPU is that of both halves together
          if (answered > 0) {
            r.server_cpu_us = (measured.CpuMicros() - cpu_before) / answered;
            r.client_cpu_us = (OwnCpuMicros() - own_before) / answered;
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

  // The table: median of the runs, range in brackets, ratio to the echo at the same load.
  std::vector<std::string> rows;
  for (const auto& kind : all_kinds) {
    if (kind != "mixed") rows.push_back(kind);
    else rows.insert(rows.end(), {"mixed-get", "mixed-file"});
  }
  std::ostringstream table;
  table << "| RPC | in flight | req/s (median, range) | p50 ms | p99 ms | p99.9 ms | × echo "
           "| server CPU µs/req | client CPU µs/req |\n"
        << "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& row : rows)
    for (int load : loads) {
      if (!results[row].count(load)) continue;
      const auto& rs = results[row][load];
      std::vector<double> rps, p50, p99, p999, cpu, client_cpu;
      for (const auto& r : rs) {
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
          {"respond", "RespondToNotice (durable write)"},
          {"file", "FileDispute (durable write)"},
          {"mixed-get", "GetCase beside FileDispute (half the load each; read)"},
          {"mixed-file", "FileDispute beside GetCase (half the load each; durable write)"}};
      table << "| " << names.at(row) << " | " << (half ? std::to_string(load / 2) + " of " : "")
            << load << " | " << Fixed(Median(rps), 0) << " (" << Fixed(*lo, 0) << "–"
            << Fixed(*hi, 0) << ") | " << Fixed(Median(p50), 2) << " | " << Fixed(Median(p99), 2)
            << " | " << Fixed(Median(p999), 2) << " | " << ratio << " | " << Fixed(Median(cpu), 1)
            << " | " << Fixed(Median(client_cpu), 1) << " |\n";
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
  std::cout << table.str() << "\n" << targets.str() << "\n" << later.str();
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
          "that of both halves together.\n\n"
       << "## Results\n\n"
       << table.str() << "\n"
       << "barazad's resident memory after each round: " << rss.str() << ".\n\n"
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

// End-to-end: barazad started with --metrics on a free 127.0.0.1 port serves
// Prometheus text that counts the RPCs it answered, the cases by state, the
// deadlines and how late they fired; a --metrics it cannot use stops its start;
// without --metrics nothing but gRPC listens.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "tests/e2e/e2e_fixtures.h"
#include "tests/e2e/http_get.h"

using namespace baraza;
using namespace baraza::testing;
using namespace std::chrono_literals;

namespace {

// One sample of a scrape: its name, labels and value.
struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

// The samples of Prometheus text (barazad's labels hold no quote, comma or brace).
std::vector<Sample> ParseSamples(const std::string& text) {
  std::vector<Sample> out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    Sample s;
    auto brace = line.find('{');
    auto space = line.rfind(' ');
    if (space == std::string::npos) continue;
    s.name = line.substr(0, brace == std::string::npos ? space : brace);
    if (brace != std::string::npos) {
      std::string labels = line.substr(brace + 1, line.find('}') - brace - 1);
      std::istringstream pairs(labels);
      for (std::string pair; std::getline(pairs, pair, ',');) {
        auto eq = pair.find('=');
        s.labels[pair.substr(0, eq)] = pair.substr(eq + 2, pair.size() - eq - 3);
      }
    }
    s.value = std::stod(line.substr(space + 1));
    out.push_back(std::move(s));
  }
  return out;
}

// The value of the one sample named `name` with at least `labels`; -1 when none.
double ValueOf(const std::vector<Sample>& samples, const std::string& name,
               const std::map<std::string, std::string>& labels = {}) {
  int found = 0;
  double value = -1;
  for (const auto& s : samples) {
    if (s.name != name) continue;
    bool match = true;
    for (const auto& [k, v] : labels) {
      auto it = s.labels.find(k);
      match = match && it != s.labels.end() && it->second == v;
    }
    if (!match) continue;
    ++found;
    value = s.value;
  }
  REQUIRE(found <= 1);
  return value;
}

int64_t CountRows(const std::string& db_path, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  int64_t n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

// The TCP ports process `pid` listens on (its sockets in LISTEN state).
std::set<int> ListeningPorts(pid_t pid) {
  std::set<std::string> inodes;
  std::string fd_dir = "/proc/" + std::to_string(pid) + "/fd";
  for (const auto& e : std::filesystem::directory_iterator(fd_dir)) {
    std::error_code ec;
    auto target = std::filesystem::read_symlink(e.path(), ec).string();
    if (!ec && target.rfind("socket:[", 0) == 0)
      inodes.insert(target.substr(8, target.size() - 9));
  }
  std::set<int> ports;
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::istringstream f(line);
      std::string sl, local, remote, state, queues, timer, retr, uid, timeout, inode;
      f >> sl >> local >> remote >> state >> queues >> timer >> retr >> uid >> timeout >> inode;
      if (state == "0A" && inodes.count(inode))
        ports.insert(std::stoi(local.substr(local.rfind(':') + 1), nullptr, 16));
    }
  }
  return ports;
}

class WithMetrics : public WithThreeParties {
 protected:
  WithMetrics() : WithThreeParties(0, {"--metrics", "127.0.0.1:0"}) {}
};

}  // namespace

TEST_CASE_METHOD(WithMetrics,
                 "metrics count RPCs by method and code, cases by state, deadlines and their lag",
                 "[e2e][metrics]") {
  REQUIRE(server.metrics_port() > 0);
  auto mediator = Mediator();
  ConnectedLiaison silent_phone(server, s.silent_token);
  // One RPC that fails: a case that does not exist.
  v1::GetCaseRequest missing;
  missing.set_case_id(999);
  v1::Case none;
  REQUIRE(mediator.GetCase(missing, &none).error_code() == grpc::StatusCode::NOT_FOUND);
  // One dispute judged by default against the silent party after a 2 s
  // window, one still negotiating.
  v1::Case judged, open;
  REQUIRE(mediator.FileDispute(Dispute(s, 2), &judged).ok());
  REQUIRE(mediator.FileDispute(Dispute(s, 3600), &open).ok());
  v1::Case answered;
  REQUIRE(server.Client(s.answers_token)
              .RespondToNotice(Answer(judged.id(), "We will open the checkpoint."), &answered)
              .ok());
  v1::Case done = WaitForCase(mediator, judged.id(), 20s, [](const v1::Case& k) {
    return k.state() == v1::CASE_STATE_DEFAULT_JUDGEMENT;
  });
  REQUIRE(done.state() == v1::CASE_STATE_DEFAULT_JUDGEMENT);
  for (int i = 0; i < 100 && silent_phone.received() == 0; ++i) std::this_thread::sleep_for(50ms);
  REQUIRE(silent_phone.received() > 0);  // its stream is open

  auto answer = HttpRequest(server.metrics_port(), "/metrics");
  REQUIRE(answer.status == 200);
  INFO(answer.body);
  auto samples = ParseSamples(answer.body);
  const std::map<std::string, std::string> get_case = {{"grpc_service", "baraza.v1.CaseService"},
                                                       {"grpc_method", "GetCase"}};
  auto with = [](auto labels, const char* k, const char* v) {
    labels[k] = v;
    return labels;
  };
  CHECK(ValueOf(samples, "grpc_server_handled_total", with(get_case, "grpc_code", "NOT_FOUND")) ==
        1);
  const std::map<std::string, std::string> file = {{"grpc_service", "baraza.v1.CaseService"},
                                                   {"grpc_method", "FileDispute"}};
  CHECK(ValueOf(samples, "grpc_server_handled_total", with(file, "grpc_code", "OK")) == 2);
  CHECK(ValueOf(samples, "grpc_server_handled_total",
                {{"grpc_method", "RespondToNotice"}, {"grpc_code", "OK"}}) == 1);
  CHECK(ValueOf(samples, "grpc_server_handled_total", with(file, "grpc_code", "NOT_FOUND")) == -1);
  // The latency histogram of FileDispute: two calls, every one under +Inf.
  CHECK(ValueOf(samples, "grpc_server_handling_seconds_count", file) == 2);
  CHECK(ValueOf(samples, "grpc_server_handling_seconds_bucket", with(file, "le", "+Inf")) == 2);
  CHECK(ValueOf(samples, "grpc_server_handling_seconds_sum", file) > 0);

  CHECK(ValueOf(samples, "baraza_cases", {{"state", "DEFAULT_JUDGEMENT"}}) == 1);
  CHECK(ValueOf(samples, "baraza_cases", {{"state", "NEGOTIATING"}}) == 1);
  CHECK(ValueOf(samples, "baraza_cases", {{"state", "SETTLED"}}) == -1);
  const auto pending = CountRows(server.db_path(), "SELECT COUNT(*) FROM deadlines");
  REQUIRE(pending > 0);
  CHECK(ValueOf(samples, "baraza_deadlines_pending") == static_cast<double>(pending));
  CHECK(ValueOf(samples, "baraza_deadlines_overdue") == 0);
  CHECK(ValueOf(samples, "baraza_deadline_oldest_overdue_seconds") == 0);
  // The judged case's deadlines fired: each one's lag was observed.
  const double fired = ValueOf(samples, "baraza_deadline_lag_seconds_count");
  CHECK(fired >= 1);
  CHECK(ValueOf(samples, "baraza_deadline_lag_seconds_bucket", {{"le", "+Inf"}}) == fired);
  CHECK(ValueOf(samples, "baraza_notice_streams_open") == 1);
  CHECK(ValueOf(samples, "baraza_state_read_ok") == 1);
  CHECK(ValueOf(samples, "baraza_writer_batches_total", {{"outcome", "committed"}}) >= 2);
  CHECK(ValueOf(samples, "baraza_writer_batches_total", {{"outcome", "failed"}}) == 0);
  CHECK(ValueOf(samples, "baraza_writer_batch_writes_count") >= 2);
  CHECK(ValueOf(samples, "baraza_writer_commit_seconds_count") >= 2);
}

TEST_CASE("barazad refuses a --metrics address it cannot use, before it writes anything",
          "[e2e][metrics]") {
  TempDir dir;
  // A port taken by a socket of this test.
  int taken = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(taken >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(taken, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(taken, 1) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(taken, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  const int port = ntohs(addr.sin_port);

  const std::string db = dir.file("baraza.db");
  const std::string start = std::string(BARAZAD_PATH) + " --listen 127.0.0.1:0 --db " + db +
                            " --mediator-token-file " + dir.file("mediator.token") + " --metrics ";
  auto [in_use, in_use_out] = RunCommand(start + "127.0.0.1:" + std::to_string(port));
  ::close(taken);
  CHECK(in_use == 1);
  CHECK_THAT(in_use_out, Catch::Contains("cannot serve metrics on 127.0.0.1:" +
                                         std::to_string(port)));
  auto [bad, bad_out] = RunCommand(start + "localhost");
  CHECK(bad != 0);
  CHECK_THAT(bad_out, Catch::Contains("is not host:port"));
  CHECK_FALSE(std::filesystem::exists(db));
  CHECK_FALSE(std::filesystem::exists(dir.file("mediator.token")));
}

TEST_CASE("without --metrics barazad listens on its gRPC port only", "[e2e][metrics]") {
  TempDir dir;
  ServerProcess server(dir);
  REQUIRE(server.Start());
  CHECK(server.metrics_port() == 0);
  CHECK(ListeningPorts(server.pid()) == std::set<int>{server.port()});
  REQUIRE(server.Stop() == 0);
}

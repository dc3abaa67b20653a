// barazad against exhaustion by one hostile client: it raises its open-file
// limit to the hard limit at start, and a small gzip-compressed request that
// would inflate far past the 1 MiB request limit is refused without being
// inflated. Runs the real barazad; reads its /proc entries.
#include <catch2/catch.hpp>

#include <sys/resource.h>

#include <fstream>
#include <sstream>

#include <grpcpp/grpcpp.h>

#include "tests/e2e/e2e_fixtures.h"

using namespace baraza;
using namespace baraza::testing;

namespace {

// The value of a "Name:   123 kB" line of /proc/<pid>/status, in bytes (0 if absent).
long long ProcStatusBytes(pid_t pid, const std::string& name) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind(name + ":", 0) == 0) return std::stoll(line.substr(name.size() + 1)) * 1024;
  return 0;
}

// The "Max open files" soft and hard limits of a process, from /proc/<pid>/limits.
std::pair<std::string, std::string> OpenFileLimits(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/limits");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("Max open files", 0) != 0) continue;
    std::istringstream fields(line.substr(14));
    std::string soft, hard;
    fields >> soft >> hard;
    return {soft, hard};
  }
  return {};
}

}  // namespace

TEST_CASE("barazad raises its open-file limit to the hard limit and logs it",
          "[security][limits]") {
  rlimit mine{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &mine) == 0);
  rlimit low = mine;
  low.rlim_cur = std::min<rlim_t>(mine.rlim_max, 256);  // what barazad inherits
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &low) == 0);
  TempDir dir;
  ServerProcess server(dir);
  bool started = server.Start();
  ::setrlimit(RLIMIT_NOFILE, &mine);
  REQUIRE(started);

  auto [soft, hard] = OpenFileLimits(server.pid());
  CHECK(soft == hard);
  REQUIRE(server.Stop() == 0);
  std::ifstream in(dir.file("barazad.log"));
  std::stringstream log;
  log << in.rdbuf();
  CHECK_THAT(log.str(), Catch::Contains("open files: " + hard));
}

TEST_CASE("a gzip bomb is refused without being inflated", "[security][limits]") {
  TempDir dir;
  ServerProcess server(dir);
  REQUIRE(server.Start());
  // One call first, so the peak below measures the bomb, not the first call's start-up.
  v1::WhoAmIResponse who;
  REQUIRE(server.Client(server.mediator_token()).WhoAmI(v1::WhoAmIRequest(), &who).ok());
  long long peak_before = ProcStatusBytes(server.pid(), "VmHWM");
  REQUIRE(peak_before > 0);

  // 64 MiB of one byte repeated: gzip makes ~64 KiB of it, well under the 1 MiB
  // limit on what arrives, while inflating it would take 64 MiB. No token:
  // whatever the server does with it happens before it knows who is calling.
  v1::FileDisputeRequest bomb;
  bomb.set_title(std::string(64 << 20, '0'));
  auto channel = grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials());
  auto stub = v1::CaseService::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_compression_algorithm(GRPC_COMPRESS_GZIP);
  ctx.set_deadline(std::chrono::system_clock::now() + 30s);
  v1::Case out;
  grpc::Status st = stub->FileDispute(&ctx, bomb, &out);
  INFO(st.error_message());
  CHECK((st.error_code() == grpc::StatusCode::UNIMPLEMENTED ||
         st.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED));

  long long peak_after = ProcStatusBytes(server.pid(), "VmHWM");
  INFO("VmHWM before " << peak_before << " bytes, after " << peak_after);
  CHECK(peak_after - peak_before < (16 << 20));
  CHECK(peak_after < 100LL << 20);
  // And the server still serves.
  CHECK(server.Client(server.mediator_token()).WhoAmI(v1::WhoAmIRequest(), &who).ok());
}

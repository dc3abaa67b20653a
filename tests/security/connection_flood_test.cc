// barazad against a flood of idle connections at the usual limit of 1,024 open
// files: neither the gRPC port nor the public page is taken from other clients,
// during the flood or after it. Runs the real barazad; the flood comes from
// other loopback addresses (127.0.0.x) to 127.0.0.1.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "tests/e2e/e2e_fixtures.h"
#include "tests/e2e/http_get.h"
#include "tests/security/flood_helpers.h"

using namespace baraza;
using namespace baraza::testing;

namespace {

constexpr unsigned long kFileLimit = 1024;
constexpr int kFlood = 1100;
constexpr auto kServed = std::chrono::milliseconds(100);

struct Timed {
  grpc::StatusCode code = grpc::StatusCode::UNKNOWN;
  std::chrono::milliseconds took{0};
};

// One WhoAmI with `token` on `channel`, timed (a 2 s deadline, so a refused
// connection shows as an error, not a hang).
Timed WhoAmIOn(const std::shared_ptr<grpc::Channel>& channel, const std::string& token) {
  auto stub = v1::AccessService::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + token);
  ctx.set_deadline(std::chrono::system_clock::now() + 2s);
  v1::WhoAmIResponse out;
  auto started = std::chrono::steady_clock::now();
  grpc::Status s = stub->WhoAmI(&ctx, v1::WhoAmIRequest(), &out);
  return {s.error_code(), std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::steady_clock::now() - started)};
}

// One GET / on a fresh connection from 127.0.0.1, timed; status 0 if the
// connection was reset or closed.
std::pair<int, std::chrono::milliseconds> TimedPage(int port) {
  auto started = std::chrono::steady_clock::now();
  int status = 0;
  try {
    status = HttpRequest(port, "/").status;
  } catch (const std::exception&) {
  }
  return {status, std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started)};
}

std::string ReadLog(const TempDir& dir) {
  std::ifstream in(dir.file("barazad.log"));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

int CountLines(const std::string& log, const std::string& a, const std::string& b) {
  int n = 0;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);)
    n += line.find(a) != std::string::npos && line.find(b) != std::string::npos;
  return n;
}

}  // namespace

TEST_CASE("1,100 idle connections from one peer at a 1,024-file limit leave the gRPC port to "
          "others, served within 100 ms during and after",
          "[security][limits][flood]") {
  REQUIRE(RaiseOwnFileLimit() >= 4 * kFlood);
  TempDir dir;
  ServerProcess server(dir);
  server.open_file_limit = kFileLimit;
  REQUIRE(server.Start());
  std::string token = server.mediator_token();
  auto before = FreshChannel(server.address());  // a client connected before the flood
  REQUIRE(WhoAmIOn(before, token).code == grpc::StatusCode::OK);

  auto flood_started = std::chrono::steady_clock::now();
  IdleConnections flood(server.port(), {"127.0.0.2"}, kFlood);
  REQUIRE(flood.opened() == kFlood);
  std::this_thread::sleep_for(500ms);  // barazad takes in what it will of the flood

  Timed old_client = WhoAmIOn(before, token);
  CHECK(old_client.code == grpc::StatusCode::OK);
  CHECK(old_client.took < kServed);
  Timed new_client = WhoAmIOn(FreshChannel(server.address()), token);
  CHECK(new_client.code == grpc::StatusCode::OK);
  CHECK(new_client.took < kServed);
  CHECK(OpenFiles(server.pid()) < static_cast<int>(kFileLimit) - 64);

  flood.CloseAll();
  std::this_thread::sleep_for(300ms);
  Timed after = WhoAmIOn(FreshChannel(server.address()), token);
  CHECK(after.code == grpc::StatusCode::OK);
  CHECK(after.took < kServed);
  auto flood_seconds = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::steady_clock::now() - flood_started).count();
  before.reset();
  REQUIRE(server.Stop() == 0);

  // Each refusal counted; at most one line a second for the flooding address.
  std::string log = ReadLog(dir);
  int lines = CountLines(log, "refused a connection", "127.0.0.2");
  CHECK(lines >= 1);
  CHECK(lines <= flood_seconds + 2);
  CHECK(CountLines(log, "refused a connection", "127.0.0.1:") == 0);
}

TEST_CASE("1,100 idle connections from 50 peers at a 1,024-file limit never stop the gRPC port, and "
          "a new client is served within 100 ms during and after",
          "[security][limits][flood]") {
  REQUIRE(RaiseOwnFileLimit() >= 4 * kFlood);
  TempDir dir;
  ServerProcess server(dir);
  server.open_file_limit = kFileLimit;
  REQUIRE(server.Start());
  std::string token = server.mediator_token();

  IdleConnections flood(server.port(), LoopbackSources(10, 50), kFlood);
  REQUIRE(flood.opened() == kFlood);
  std::this_thread::sleep_for(500ms);
  CHECK(OpenFiles(server.pid()) < static_cast<int>(kFileLimit) - 64);
  Timed during = WhoAmIOn(FreshChannel(server.address()), token);
  CHECK(during.code == grpc::StatusCode::OK);
  CHECK(during.took < kServed);

  flood.CloseAll();
  std::this_thread::sleep_for(300ms);
  Timed after = WhoAmIOn(FreshChannel(server.address()), token);
  CHECK(after.code == grpc::StatusCode::OK);
  CHECK(after.took < kServed);
  REQUIRE(server.Stop() == 0);
}

TEST_CASE("1,100 idle connections from one peer at a 1,024-file limit leave the public page to "
          "others, served within 100 ms during and after",
          "[security][limits][flood]") {
  REQUIRE(RaiseOwnFileLimit() >= 4 * kFlood);
  TempDir dir;
  ServerProcess server(dir);
  server.open_file_limit = kFileLimit;
  server.public_page = true;
  REQUIRE(server.Start());
  REQUIRE(TimedPage(server.page_port()).first == 200);

  IdleConnections flood(server.page_port(), {"127.0.0.2"}, kFlood);
  REQUIRE(flood.opened() == kFlood);
  std::this_thread::sleep_for(500ms);
  auto [during, during_took] = TimedPage(server.page_port());
  CHECK(during == 200);
  CHECK(during_took < kServed);
  CHECK(OpenFiles(server.pid()) < static_cast<int>(kFileLimit) - 64);

  flood.CloseAll();
  std::this_thread::sleep_for(300ms);
  auto [after, after_took] = TimedPage(server.page_port());
  CHECK(after == 200);
  CHECK(after_took < kServed);
  REQUIRE(server.Stop() == 0);
  std::string log = ReadLog(dir);
  CHECK(CountLines(log, "refused a connection", "127.0.0.2") >= 1);
}

TEST_CASE("1,100 idle connections from 50 peers at a 1,024-file limit make the public page close "
          "idle ones to serve a visitor within 100 ms",
          "[security][limits][flood]") {
  REQUIRE(RaiseOwnFileLimit() >= 4 * kFlood);
  TempDir dir;
  ServerProcess server(dir);
  server.open_file_limit = kFileLimit;
  server.public_page = true;
  REQUIRE(server.Start());

  IdleConnections flood(server.page_port(), LoopbackSources(10, 50), kFlood);
  REQUIRE(flood.opened() == kFlood);
  std::this_thread::sleep_for(500ms);
  CHECK(OpenFiles(server.pid()) < static_cast<int>(kFileLimit) - 64);
  for (int i = 0; i < 3; ++i) {  // a visitor reading three pages, each on a new connection
    auto [status, took] = TimedPage(server.page_port());
    CHECK(status == 200);
    CHECK(took < kServed);
  }
  REQUIRE(server.Stop() == 0);
}

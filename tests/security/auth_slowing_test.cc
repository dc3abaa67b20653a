// Failed authentication is slowed per peer: after repeated bad tokens from one
// address, its bad tokens are refused at once (RESOURCE_EXHAUSTED with a retry
// hint) for a while that grows, while valid tokens, from that address too, and
// other addresses are served as usual. Runs the real barazad; the guessing peer
// connects from 127.0.0.2, the honest one from 127.0.0.1.
#include <catch2/catch.hpp>

#include "tests/e2e/e2e_fixtures.h"
#include "tests/security/flood_helpers.h"

using namespace baraza;
using namespace baraza::testing;

namespace {

struct CallAnswer {
  grpc::StatusCode code = grpc::StatusCode::UNKNOWN;
  std::string message;
  long retry_after_ms = -1;  // the grpc-retry-pushback-ms trailer, -1 if absent
  std::chrono::milliseconds took{0};
};

CallAnswer WhoAmIOn(const std::shared_ptr<grpc::Channel>& channel, const std::string& token) {
  auto stub = v1::AccessService::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + token);
  ctx.set_deadline(std::chrono::system_clock::now() + 5s);
  v1::WhoAmIResponse out;
  auto started = std::chrono::steady_clock::now();
  grpc::Status s = stub->WhoAmI(&ctx, v1::WhoAmIRequest(), &out);
  CallAnswer a{s.error_code(), s.error_message(), -1,
           std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 started)};
  const auto& trailers = ctx.GetServerTrailingMetadata();
  if (auto it = trailers.find("grpc-retry-pushback-ms"); it != trailers.end())
    a.retry_after_ms = std::stol(std::string(it->second.data(), it->second.size()));
  return a;
}

}  // namespace

TEST_CASE("repeated bad tokens from one peer are slowed, with a growing bounded wait, while "
          "another peer with a valid token is served at normal speed",
          "[security][auth-slowing]") {
  TempDir dir;
  ServerProcess server(dir);
  REQUIRE(server.Start());
  const std::string good = server.mediator_token();
  const std::string bad = "bz_" + std::string(64, 'd');
  auto guesser = ChannelFrom("127.0.0.2", server.port());
  auto honest = FreshChannel(server.address());
  REQUIRE(guesser);

  // The first few failures are answered as failures.
  for (int i = 0; i < 5; ++i) CHECK(WhoAmIOn(guesser, bad).code == grpc::StatusCode::UNAUTHENTICATED);
  // Then the address's bad tokens are refused at once, saying when to come back.
  for (const std::string& token : {bad, bad}) {
    CallAnswer slowed = WhoAmIOn(guesser, token);
    INFO(slowed.message);
    CHECK(slowed.code == grpc::StatusCode::RESOURCE_EXHAUSTED);
    CHECK_THAT(slowed.message, Catch::Contains("try again in"));
    CHECK(slowed.retry_after_ms > 0);
    CHECK(slowed.retry_after_ms <= 1000);
    CHECK(slowed.took < 100ms);  // answered, not held: no callback thread waits
  }
  // A valid token from the same address is still served: a party behind the
  // same uplink, proxy or tunnel as its opponent is never locked out by it.
  CallAnswer neighbour = WhoAmIOn(guesser, good);
  INFO(neighbour.message);
  CHECK(neighbour.code == grpc::StatusCode::OK);
  // The honest peer is served as usual meanwhile.
  for (int i = 0; i < 5; ++i) {
    CallAnswer served = WhoAmIOn(honest, good);
    CHECK(served.code == grpc::StatusCode::OK);
    CHECK(served.took < 100ms);
  }

  // Once the wait is over (at most the second it said), a bad token is checked again.
  std::this_thread::sleep_for(1100ms);
  // A further bad token is checked and refused, and starts a longer wait.
  CHECK(WhoAmIOn(guesser, bad).code == grpc::StatusCode::UNAUTHENTICATED);
  CallAnswer longer = WhoAmIOn(guesser, bad);
  CHECK(longer.code == grpc::StatusCode::RESOURCE_EXHAUSTED);
  CHECK(longer.retry_after_ms > 1000);
  CHECK(longer.retry_after_ms <= 2000);
  guesser.reset();
  honest.reset();
  REQUIRE(server.Stop() == 0);
}

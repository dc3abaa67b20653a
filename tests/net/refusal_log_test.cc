// RefusalLog (services/net/refusal_log.h): refused tokens are logged at most
// once a second per peer address, and the next line says how many were left out.
#include <catch2/catch.hpp>

#include "services/net/refusal_log.h"

using baraza::net::RefusalLog;
using namespace std::chrono_literals;

TEST_CASE("a refusal is logged with the peer and what was refused", "[net][refusal-log]") {
  RefusalLog log;
  auto t0 = RefusalLog::Clock::time_point{} + 100s;
  auto line = log.Note("ipv4:127.0.0.1:51234", "unknown token", t0);
  REQUIRE(line);
  CHECK_THAT(*line, Catch::Contains("ipv4:127.0.0.1:51234"));
  CHECK_THAT(*line, Catch::Contains("unknown token"));
  CHECK_THAT(*line, !Catch::Contains("more"));
}

TEST_CASE("refusals from one address within a second are counted, not logged, and the next "
          "line says how many",
          "[net][refusal-log]") {
  RefusalLog log;
  auto t0 = RefusalLog::Clock::time_point{} + 100s;
  REQUIRE(log.Note("ipv4:127.0.0.1:51234", "unknown token", t0));
  // Another port of the same address is the same peer: a client reconnecting
  // does not get a fresh allowance.
  CHECK_FALSE(log.Note("ipv4:127.0.0.1:51235", "unknown token", t0 + 100ms));
  CHECK_FALSE(log.Note("ipv4:127.0.0.1:51234", "no token", t0 + 900ms));
  // Another address has its own allowance.
  CHECK(log.Note("ipv6:[::1]:40000", "unknown token", t0 + 950ms));
  auto next = log.Note("ipv4:127.0.0.1:51236", "unknown token", t0 + 1001ms);
  REQUIRE(next);
  CHECK_THAT(*next, Catch::Contains("2 more"));
  // The count starts again after each line.
  auto later = log.Note("ipv4:127.0.0.1:51236", "unknown token", t0 + 5s);
  REQUIRE(later);
  CHECK_THAT(*later, !Catch::Contains("more"));
}

TEST_CASE("the refusal log keeps a bounded number of addresses", "[net][refusal-log]") {
  RefusalLog log;
  auto t0 = RefusalLog::Clock::time_point{} + 100s;
  for (int i = 0; i < 3 * static_cast<int>(RefusalLog::kMaxPeers); ++i)
    log.Note("ipv4:10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256) + ":1",
             "unknown token", t0 + std::chrono::milliseconds(i));
  CHECK(log.PeerCount() <= RefusalLog::kMaxPeers);
}

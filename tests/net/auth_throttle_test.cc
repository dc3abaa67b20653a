// AuthThrottle (services/net/auth_throttle.h): an address that keeps failing
// authentication is barred for a growing, bounded while; other addresses never.
#include <catch2/catch.hpp>

#include "services/net/auth_throttle.h"

using baraza::net::AuthThrottle;
using namespace std::chrono_literals;

namespace {
const auto t0 = AuthThrottle::Clock::time_point{} + 1000s;
}

TEST_CASE("failures under the threshold are not slowed", "[net][auth-throttle]") {
  AuthThrottle t;
  for (int i = 0; i < AuthThrottle::kFreeFailures - 1; ++i) {
    CHECK(t.Failed("ipv4:10.0.0.1:4000", t0 + i * 10ms) == 0ms);
    CHECK(t.Barred("ipv4:10.0.0.1:4000", t0 + i * 10ms) == 0ms);
  }
}

TEST_CASE("the threshold's failure bars the address, on every port, until the penalty ends",
          "[net][auth-throttle]") {
  AuthThrottle t;
  for (int i = 0; i < AuthThrottle::kFreeFailures - 1; ++i) t.Failed("ipv4:10.0.0.1:4000", t0);
  CHECK(t.Failed("ipv4:10.0.0.1:4000", t0) == AuthThrottle::kFirstPenalty);
  CHECK(t.Barred("ipv4:10.0.0.1:4001", t0 + 400ms) == 600ms);
  CHECK(t.Barred("ipv4:10.0.0.1:4000", t0 + AuthThrottle::kFirstPenalty) == 0ms);
}

TEST_CASE("one address's failures do not slow another", "[net][auth-throttle]") {
  AuthThrottle t;
  for (int i = 0; i < 3 * AuthThrottle::kFreeFailures; ++i) t.Failed("ipv4:10.0.0.1:4000", t0);
  CHECK(t.Barred("ipv4:10.0.0.1:4000", t0) > 0ms);
  CHECK(t.Barred("ipv4:10.0.0.2:4000", t0) == 0ms);
  CHECK(t.Barred("ipv6:[::1]:4000", t0) == 0ms);
}

TEST_CASE("each failure after a penalty doubles the next, up to the maximum", "[net][auth-throttle]") {
  AuthThrottle t;
  auto now = t0;
  for (int i = 0; i < AuthThrottle::kFreeFailures - 1; ++i) t.Failed("ipv4:10.0.0.1:1", now);
  AuthThrottle::Millis expected = AuthThrottle::kFirstPenalty;
  for (int round = 0; round < 10; ++round) {
    AuthThrottle::Millis got = t.Failed("ipv4:10.0.0.1:1", now);
    CHECK(got == expected);
    now += got;  // the penalty is served, then the address fails again at once
    expected = std::min(expected * 2, AuthThrottle::kMaxPenalty);
  }
  CHECK(expected == AuthThrottle::kMaxPenalty);
}

TEST_CASE("an address quiet for a minute starts over", "[net][auth-throttle]") {
  AuthThrottle t;
  for (int i = 0; i < 2 * AuthThrottle::kFreeFailures; ++i) t.Failed("ipv4:10.0.0.1:1", t0);
  auto later = t0 + AuthThrottle::kForgetAfter + AuthThrottle::kMaxPenalty;
  CHECK(t.Barred("ipv4:10.0.0.1:1", later) == 0ms);
  CHECK(t.Failed("ipv4:10.0.0.1:1", later) == 0ms);
}

TEST_CASE("the throttle keeps a bounded number of addresses", "[net][auth-throttle]") {
  AuthThrottle t;
  for (int i = 0; i < 3 * static_cast<int>(AuthThrottle::kMaxPeers); ++i)
    t.Failed("ipv4:10." + std::to_string(i / 65536) + "." + std::to_string(i / 256 % 256) + "." +
                 std::to_string(i % 256) + ":1",
             t0 + std::chrono::milliseconds(i));
  CHECK(t.PeerCount() <= AuthThrottle::kMaxPeers);
}

TEST_CASE("a throttle set to no free failures never slows", "[net][auth-throttle]") {
  AuthThrottle t;
  t.set_free_failures(0);
  for (int i = 0; i < 3 * AuthThrottle::kFreeFailures; ++i) CHECK(t.Failed("ipv4:10.0.0.1:1", t0) == 0ms);
  CHECK(t.Barred("ipv4:10.0.0.1:1", t0) == 0ms);
}

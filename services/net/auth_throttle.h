// AuthThrottle: slows the addresses that keep failing authentication. After
// free_failures() failed calls from one address, each further failure bars that
// address for a penalty that doubles (kFirstPenalty up to kMaxPenalty); a minute
// without failures forgets it. Other addresses are never affected. Used by the
// gRPC handlers' authentication (services/api/handler_support.h); thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace baraza::net {

class AuthThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  using Millis = std::chrono::milliseconds;
  static constexpr int kFreeFailures = 5;  // the default of free_failures()
  static constexpr Millis kFirstPenalty{1000};
  static constexpr Millis kMaxPenalty{30000};
  static constexpr Millis kForgetAfter{60000};  // quiet this long, an address starts over
  static constexpr size_t kMaxPeers = 4096;     // remembered at once; beyond, the quietest go

  // Failures from one address before it is slowed; 0 never slows. Set at start,
  // before calls are served (barazad --auth-slow-after).
  void set_free_failures(int n) { free_failures_ = n; }
  int free_failures() const { return free_failures_; }

  // How long calls from `peer` ("ipv4:10.0.0.1:5000"; ports of one address are
  // one peer) are still barred; zero when they are not.
  Millis Barred(std::string_view peer, Clock::time_point now);
  // Notes a failed authentication from `peer`; returns the bar it starts (zero: none).
  Millis Failed(std::string_view peer, Clock::time_point now);
  size_t PeerCount();

 private:
  struct PeerState {
    Clock::time_point last_failure;
    Clock::time_point barred_until;
    int failures = 0;
    Millis next_penalty = kFirstPenalty;
  };
  void ForgetQuietPeers(Clock::time_point now);

  int free_failures_ = kFreeFailures;
  std::mutex mu_;
  std::unordered_map<std::string, PeerState> peers_;
};

}  // namespace baraza::net

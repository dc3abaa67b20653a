// RefusalLog: a warning in barazad's log for each refused token, with the peer's
// address, at most one line a second per address (the next line says how many
// were left out). Used by the gRPC handlers' authentication; thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace baraza::api {

class RefusalLog {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds kInterval{1000};
  // Addresses remembered at once; beyond it the quietest are forgotten.
  static constexpr size_t kMaxPeers = 4096;

  // Notes one refusal. `peer` as gRPC names it ("ipv4:127.0.0.1:51234"; ports
  // of one address count as one peer); `what` says what was refused and must
  // hold no secret ("unknown token", "token 1a2b3c4d5e6f revoked"). Returns the
  // line to log, or nullopt when this address had one less than kInterval ago.
  std::optional<std::string> Note(std::string_view peer, std::string_view what,
                                  Clock::time_point now);
  // Note() at the current time, and the line (if any) to spdlog as a warning.
  void Refused(std::string_view peer, std::string_view what);
  size_t PeerCount();

 private:
  struct PeerState {
    Clock::time_point last_line;
    long suppressed = 0;
  };
  void ForgetQuietPeers(Clock::time_point now);

  std::mutex mu_;
  std::unordered_map<std::string, PeerState> peers_;
};

}  // namespace baraza::api

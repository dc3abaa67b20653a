// RefusalLog: a warning in barazad's log for each refused call or connection,
// with the peer's address, at most one line a second per address (the next line
// says how many were left out). One for the process, shared by the gRPC
// handlers' authentication, the gRPC listener and the public page; thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace baraza::net {

// The address part of a peer as gRPC names it: "ipv4:127.0.0.1:51234" →
// "ipv4:127.0.0.1", "ipv6:[::1]:51234" → "ipv6:[::1]". Ports of one address
// count as one peer everywhere.
std::string PeerAddress(std::string_view peer);

class RefusalLog {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds kInterval{1000};
  // Addresses remembered at once; beyond it the quietest are forgotten.
  static constexpr size_t kMaxPeers = 4096;

  // Notes one refusal. `peer` as gRPC names it ("ipv4:127.0.0.1:51234"; ports
  // of one address count as one peer); `what` says what was refused and must
  // hold no secret ("unknown token", "token 1a2b3c4d5e6f revoked"); `kind` is
  // what was refused ("call", "connection"). Returns the line to log, or nullopt
  // when this address had one less than kInterval ago.
  std::optional<std::string> Note(std::string_view peer, std::string_view what,
                                  Clock::time_point now, std::string_view kind = "call");
  // Note() at the current time, and the line (if any) to spdlog as a warning.
  void Refused(std::string_view peer, std::string_view what, std::string_view kind = "call");
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

}  // namespace baraza::net

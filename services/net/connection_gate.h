// ConnectionGate: how many connections each peer address holds on one listener,
// and in all, and whether one more may be taken, so that no address can hold
// every connection. Used by barazad's gRPC listener and its public page, each
// from its one accepting thread; not thread-safe.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>

namespace baraza::net {

class ConnectionGate {
 public:
  struct Limits {
    int total = 0;     // connections at once, all addresses together
    int per_peer = 0;  // connections at once from one address
  };
  enum class Verdict { kAdmit, kPeerFull, kTotalFull };

  explicit ConnectionGate(Limits limits) : limits_(limits) {}

  // Whether one more connection from `address` may be taken now; counted if so.
  Verdict Admit(const std::string& address);
  // A connection from `address` that Admit counted has closed.
  void Release(const std::string& address);
  // When every connection is taken: the address to close one of, so that
  // `newcomer` gets in — the one holding the most, if it holds at least two
  // more than `newcomer` (so that eviction never just moves a slot back and
  // forth between equals). Nullopt: the newcomer is refused.
  std::optional<std::string> VictimFor(const std::string& newcomer) const;

  int open() const { return open_; }
  int open_from(const std::string& address) const;
  const Limits& limits() const { return limits_; }
  // Why a connection was refused, for the log: "this address already holds 84
  // connections, the most one address may".
  std::string Why(Verdict verdict) const;

 private:
  Limits limits_;
  int open_ = 0;
  std::unordered_map<std::string, int> by_address_;  // only addresses holding one or more
};

}  // namespace baraza::net

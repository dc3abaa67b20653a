#include "services/net/connection_gate.h"

namespace baraza::net {

ConnectionGate::Verdict ConnectionGate::Admit(const std::string& address) {
  int& mine = by_address_[address];
  Verdict v = mine >= limits_.per_peer ? Verdict::kPeerFull
              : open_ >= limits_.total ? Verdict::kTotalFull
                                       : Verdict::kAdmit;
  if (v != Verdict::kAdmit) {
    if (mine == 0) by_address_.erase(address);
    return v;
  }
  ++mine;
  ++open_;
  return v;
}

void ConnectionGate::Release(const std::string& address) {
  auto it = by_address_.find(address);
  if (it == by_address_.end()) return;
  --open_;
  if (--it->second == 0) by_address_.erase(it);
}

std::optional<std::string> ConnectionGate::VictimFor(const std::string& newcomer) const {
  const std::string* heaviest = nullptr;
  int most = 0;
  for (const auto& [address, n] : by_address_)  // bounded by the total limit
    if (n > most) heaviest = &address, most = n;
  if (!heaviest || most < open_from(newcomer) + 2) return std::nullopt;
  return *heaviest;
}

int ConnectionGate::open_from(const std::string& address) const {
  auto it = by_address_.find(address);
  return it == by_address_.end() ? 0 : it->second;
}

std::string ConnectionGate::Why(Verdict verdict) const {
  switch (verdict) {
    case Verdict::kAdmit: return "admitted";
    case Verdict::kPeerFull:
      return "this address already holds " + std::to_string(limits_.per_peer) +
             " connections, the most one address may";
    case Verdict::kTotalFull:
      return "all " + std::to_string(limits_.total) +
             " connections are taken and no address holds more than its share";
  }
  return "";
}

}  // namespace baraza::net

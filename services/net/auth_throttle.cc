#include "services/net/auth_throttle.h"

#include <algorithm>

#include "services/net/refusal_log.h"

namespace baraza::net {

AuthThrottle::Millis AuthThrottle::Barred(std::string_view peer, Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = peers_.find(PeerAddress(peer));
  if (it == peers_.end() || it->second.barred_until <= now) return Millis(0);
  // Rounded up: a client told "0 ms" would come straight back.
  return std::chrono::ceil<Millis>(it->second.barred_until - now);
}

AuthThrottle::Millis AuthThrottle::Failed(std::string_view peer, Clock::time_point now) {
  if (free_failures_ <= 0) return Millis(0);
  std::string address = PeerAddress(peer);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = peers_.find(address);
  if (it != peers_.end() && now - it->second.last_failure >= kForgetAfter) {
    peers_.erase(it);
    it = peers_.end();
  }
  if (it == peers_.end()) {
    if (peers_.size() >= kMaxPeers) ForgetQuietPeers(now);
    it = peers_.emplace(address, PeerState{}).first;
  }
  PeerState& p = it->second;
  p.last_failure = now;
  if (++p.failures < free_failures_) return Millis(0);
  Millis penalty = p.next_penalty;
  p.barred_until = now + penalty;
  p.next_penalty = std::min(penalty * 2, kMaxPenalty);
  return penalty;
}

size_t AuthThrottle::PeerCount() {
  std::lock_guard<std::mutex> lock(mu_);
  return peers_.size();
}

// Drops the addresses that are not barred and failed longest ago: first those
// forgotten anyway, then, if every one is recent, all that are not barred.
void AuthThrottle::ForgetQuietPeers(Clock::time_point now) {
  for (auto it = peers_.begin(); it != peers_.end();)  // bounded by kMaxPeers
    it = now - it->second.last_failure >= kForgetAfter ? peers_.erase(it) : std::next(it);
  for (auto it = peers_.begin(); peers_.size() >= kMaxPeers && it != peers_.end();)
    it = it->second.barred_until <= now ? peers_.erase(it) : std::next(it);
  if (peers_.size() >= kMaxPeers) peers_.clear();
}

}  // namespace baraza::net

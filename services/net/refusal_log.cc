#include "services/net/refusal_log.h"

#include <spdlog/spdlog.h>

#include "services/log/log_fields.h"

namespace baraza::net {

std::string PeerAddress(std::string_view peer) {
  auto colon = peer.rfind(':');
  auto scheme = peer.find(':');
  if (colon == std::string_view::npos || colon == scheme) return std::string(peer);
  return std::string(peer.substr(0, colon));
}

std::optional<std::string> RefusalLog::Note(std::string_view peer, std::string_view what,
                                            Clock::time_point now, std::string_view kind) {
  std::string address = PeerAddress(peer);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = peers_.find(address);
  if (it != peers_.end() && now - it->second.last_line < kInterval) {
    ++it->second.suppressed;
    return std::nullopt;
  }
  if (it == peers_.end()) {
    if (peers_.size() >= kMaxPeers) ForgetQuietPeers(now);
    it = peers_.emplace(address, PeerState{}).first;
  }
  std::string line = "refused a " + std::string(kind) + " from " + std::string(peer) + ": " +
                     std::string(what);
  if (it->second.suppressed > 0)
    line += " (and " + std::to_string(it->second.suppressed) +
            " more refused from this address since the last line)";
  it->second = PeerState{now, 0};
  return line;
}

void RefusalLog::Refused(std::string_view peer, std::string_view what, std::string_view kind) {
  if (auto line = Note(peer, what, Clock::now(), kind)) {
    log::ScopedLogFields fields(log::WithPeer(peer));
    spdlog::warn("{}", *line);
  }
}

size_t RefusalLog::PeerCount() {
  std::lock_guard<std::mutex> lock(mu_);
  return peers_.size();
}

// Drops the addresses with no line in the last interval (their counts are
// lost: nothing was refused from them lately); if every one is recent, all.
void RefusalLog::ForgetQuietPeers(Clock::time_point now) {
  for (auto it = peers_.begin(); it != peers_.end();)  // bounded by kMaxPeers
    it = now - it->second.last_line >= kInterval ? peers_.erase(it) : std::next(it);
  if (peers_.size() >= kMaxPeers) peers_.clear();
}

}  // namespace baraza::net

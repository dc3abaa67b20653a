#include "services/server/limits.h"

#include <algorithm>

namespace baraza {
namespace {

constexpr int kStreamsPerConnection = 100;

// A peer's share: an eighth of the total, at least 4 (a client, a notice
// watcher and room to reconnect), at most `most`.
int Share(int total, int most) { return std::clamp(total / 8, std::min(4, total), most); }

}  // namespace

Result<ConnectionLimits> ResolveLimits(const ConnectionLimits& given, uint64_t open_files,
                                       bool public_page) {
  ConnectionLimits l = given;
  if (l.connections < 0 || l.connections_per_peer < 0 || l.streams_per_connection < 0 ||
      l.page_connections < 0 || l.page_connections_per_peer < 0)
    return Status::InvalidArgument("connection and stream limits are counts: 0 or more");
  const uint64_t usable =
      open_files > kReservedFiles + 16 ? open_files - kReservedFiles : 16;  // 16: still serve
  const int usable_int = static_cast<int>(std::min<uint64_t>(usable, 1 << 20));
  // The page gets a quarter when it is served: it is read by the public, the
  // gRPC port by the mission's people.
  if (l.page_connections == 0 && public_page) l.page_connections = std::max(usable_int / 4, 4);
  if (l.connections == 0)
    l.connections = std::max(usable_int - (public_page ? l.page_connections : 0), 4);
  if (l.connections_per_peer == 0) l.connections_per_peer = Share(l.connections, 256);
  if (l.page_connections_per_peer == 0 && public_page)
    l.page_connections_per_peer = Share(l.page_connections, 64);
  if (l.streams_per_connection == 0) l.streams_per_connection = kStreamsPerConnection;

  const uint64_t sockets =
      static_cast<uint64_t>(l.connections) + (public_page ? l.page_connections : 0);
  if (sockets + kReservedFiles > open_files)
    return Status::InvalidArgument(
        "--max-connections " + std::to_string(l.connections) +
        (public_page ? " and --page-max-connections " + std::to_string(l.page_connections) : "") +
        " leave fewer than " + std::to_string(kReservedFiles) + " of the " +
        std::to_string(open_files) +
        " open files for the database, the log and the outbox; lower them, or raise the hard "
        "open-file limit (ulimit -Hn, LimitNOFILE= in a systemd unit)");
  return l;
}

std::string Describe(const ConnectionLimits& l, bool public_page) {
  std::string out = "gRPC connections " + std::to_string(l.connections) + " (" +
                    std::to_string(l.connections_per_peer) + " per address), " +
                    std::to_string(l.streams_per_connection) + " concurrent calls per connection";
  if (public_page)
    out += "; public page connections " + std::to_string(l.page_connections) + " (" +
           std::to_string(l.page_connections_per_peer) + " per address)";
  return out;
}

}  // namespace baraza

// Limits: how many connections and streams barazad takes at once, on its gRPC
// port and its public page, in all and per peer address. Defaults are derived
// from the open-file limit so that sockets can never use up the descriptors the
// database, its WAL, the log and the outbox need. Used by server.cc and main.cc.
#pragma once

#include <cstdint>
#include <string>

#include "services/workflow/status.h"

namespace baraza {

struct ConnectionLimits {
  // 0: derived from the open-file limit (ResolveLimits).
  int connections = 0;              // gRPC connections at once, all peers together
  int connections_per_peer = 0;     // gRPC connections at once from one address
  int streams_per_connection = 0;   // concurrent calls on one gRPC connection
  int page_connections = 0;         // public-page connections at once
  int page_connections_per_peer = 0;
};

// Descriptors kept for everything but client sockets: the database and its
// WAL and shared memory, backups, the log, outbox connections, gRPC's own
// epoll and wake-up descriptors, and the listeners.
inline constexpr uint64_t kReservedFiles = 128;

// `given` with each 0 replaced by its default for `open_files` descriptors, or
// INVALID_ARGUMENT when the limits together would leave fewer than
// kReservedFiles (saying which flag to lower).
Result<ConnectionLimits> ResolveLimits(const ConnectionLimits& given, uint64_t open_files,
                                       bool public_page);

// One line for the log: "gRPC connections 672 (84 per address), ...".
std::string Describe(const ConnectionLimits& limits, bool public_page);

}  // namespace baraza

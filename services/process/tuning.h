// Process-wide tuning shared by every gRPC program of the tree (barazad, the
// benchmark's echo server and load generator), so that they are compared alike.
// Call at start-up, before threads are started; not thread-safe.
#pragma once

#include <cstdint>
#include <string>

namespace baraza::process {

// Turns off Abseil's mutex deadlock graph (Debian builds it on; every lock gRPC
// takes then updates a global graph). Linking this also sets jemalloc's options.
void Tune();

// The open-file limit before and after RaiseOpenFileLimit.
struct OpenFileLimit {
  uint64_t before = 0;  // the soft limit inherited
  uint64_t now = 0;     // the soft limit from now on
  uint64_t hard = 0;
  std::string error;    // why it could not be raised; empty if it was (or was already)
};

// Raises the soft RLIMIT_NOFILE to the hard limit: each client connection and
// notice stream holds a socket, and distributions default the soft limit to
// 1024, which a few hundred idle connections from one hostile party would use up.
OpenFileLimit RaiseOpenFileLimit();

}  // namespace baraza::process

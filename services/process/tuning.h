// Process-wide tuning shared by every gRPC program of the tree (barazad, the
// benchmark's echo server and load generator), so that they are compared alike.
#pragma once

namespace baraza::process {

// Turns off Abseil's mutex deadlock graph (Debian builds it on; every lock gRPC
// takes then updates a global graph). Linking this also sets jemalloc's options.
void Tune();

}  // namespace baraza::process

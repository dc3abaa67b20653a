// h2load (Debian's nghttp2-client), the outside load generator, run against one
// gRPC method so that baraza-bench is not the only judge of its own figures. Bench only.
#pragma once

#include <cstdint>
#include <string>

namespace baraza::bench {

struct H2loadResult {
  bool ran = false;          // false: h2load is not installed, or did not run (see error)
  std::string error;
  double rps = 0;            // HTTP 200 answers per second over the measured duration
  int64_t succeeded = 0;     // HTTP 200 answers (h2load cannot see grpc-status: check apart)
  int64_t failed = 0;        // everything else h2load counted
  double p50 = 0, p99 = 0;   // milliseconds, from h2load's per-request log
};

// Whether h2load is on the PATH.
bool HaveH2load();

// Sends `request` (a serialised protobuf message) to `method` ("/pkg.Service/Method") at
// `address` (host:port) over 8 connections × 32 streams for `seconds` after a
// 1 s warm-up, with `authorization` as that header unless empty. `work` is a
// folder for the request body and h2load's log.
H2loadResult RunH2load(const std::string& address, const std::string& method,
                       const std::string& authorization, const std::string& request,
                       double seconds, const std::string& work);

}  // namespace baraza::bench

// What a log line is about besides its message — the case, the RPC, the peer —
// set for the current thread by code that knows it (ScopedLogFields) and
// written as fields by the JSON log format (json_format.h). Thread-local, so
// setting it costs two stores and no lock; a field is known only on the thread
// that set it, until the scope ends.
#pragma once

#include <cstdint>
#include <string_view>

namespace baraza::log {

struct LogFields {
  int64_t case_id = 0;        // 0: not about one case
  std::string_view rpc;       // the RPC's method name, e.g. "FileDispute"
  std::string_view peer;      // the caller's address as gRPC gives it, e.g. "ipv4:127.0.0.1:5123"
};

inline LogFields WithCase(int64_t case_id) {
  LogFields f;
  f.case_id = case_id;
  return f;
}
inline LogFields WithRpc(std::string_view rpc) {
  LogFields f;
  f.rpc = rpc;
  return f;
}
inline LogFields WithPeer(std::string_view peer) {
  LogFields f;
  f.peer = peer;
  return f;
}

inline LogFields& CurrentLogFields() {
  thread_local LogFields fields;
  return fields;
}

// Sets the fields given (non-empty) for the life of the scope, then puts back
// what was there. The strings must outlive the scope.
class ScopedLogFields {
 public:
  explicit ScopedLogFields(const LogFields& set) : saved_(CurrentLogFields()) {
    LogFields& f = CurrentLogFields();
    if (set.case_id != 0) f.case_id = set.case_id;
    if (!set.rpc.empty()) f.rpc = set.rpc;
    if (!set.peer.empty()) f.peer = set.peer;
  }
  ~ScopedLogFields() { CurrentLogFields() = saved_; }
  ScopedLogFields(const ScopedLogFields&) = delete;
  ScopedLogFields& operator=(const ScopedLogFields&) = delete;

 private:
  LogFields saved_;
};

}  // namespace baraza::log

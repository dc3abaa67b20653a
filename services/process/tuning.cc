#include "services/process/tuning.h"

#include <sys/resource.h>

#include <cerrno>
#include <cstring>

#include <absl/synchronization/mutex.h>

// jemalloc's settings (read at start-up; MALLOC_CONF in the environment still
// overrides): a background thread gives freed memory back to the system within
// about a second, instead of keeping it for the next burst of calls, so the
// resident set follows what the caches hold (docs/benchmarks.md, memory).
// Defined here, in the object that Tune() pulls into every program that links
// jemalloc through baraza_process.
extern "C" {
const char* malloc_conf = "background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0";
}

namespace baraza::process {

void Tune() {
  // Baraza's own locks are std::mutex; gRPC's are tested upstream. The graph
  // cost a few % of barazad's CPU under load.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
}

OpenFileLimit RaiseOpenFileLimit() {
  OpenFileLimit out;
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    out.error = std::strerror(errno);
    return out;
  }
  out.before = out.now = limit.rlim_cur;
  out.hard = limit.rlim_max;
  if (limit.rlim_cur >= limit.rlim_max) return out;
  limit.rlim_cur = limit.rlim_max;
  if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) {
    out.error = std::strerror(errno);
    return out;
  }
  out.now = limit.rlim_cur;
  return out;
}

}  // namespace baraza::process

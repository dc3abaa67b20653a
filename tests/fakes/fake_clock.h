// FakeClock: a Clock that tests move by hand, so no test sleeps to wait for a
// deadline. Thread-safe.
#pragma once

#include <atomic>

#include "services/app/clock.h"

namespace baraza::testing {

class FakeClock : public Clock {
 public:
  explicit FakeClock(UnixMillis start = 1'780'000'000'000) : now_(start) {}
  UnixMillis Now() override { return now_.load(); }
  void Set(UnixMillis t) { now_.store(t); }
  void Advance(Millis d) { now_.fetch_add(d); }

 private:
  std::atomic<UnixMillis> now_;
};

}  // namespace baraza::testing

// Clock: where the server reads wall-clock time, so that tests can move time by
// hand (tests/fakes/fake_clock.h). Implementations must be thread-safe.
#pragma once

#include <chrono>

#include "services/workflow/model.h"

namespace baraza {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual UnixMillis Now() = 0;
};

class SystemClock : public Clock {
 public:
  UnixMillis Now() override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace baraza

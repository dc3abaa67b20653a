// DeadlineRunner: handles every case whose deadline has come, in batches that
// the store commits together. No timer of its own: the DeadlineScheduler (or a
// test with a fake clock) says when. Thread-safe if the Application is.
#pragma once

#include "services/app/application.h"
#include "services/scheduler/deadline_observer.h"

namespace baraza {

class DeadlineRunner {
 public:
  // `observer` (may be null) hears how late each handled deadline was.
  explicit DeadlineRunner(Application& app, int batch = 1000, DeadlineObserver* observer = nullptr)
      : app_(app), batch_(batch), observer_(observer) {}

  struct Report {
    int cases = 0;   // cases looked at
    int events = 0;  // events written (reminders, default judgements, referrals)
  };

  // Handles everything due at or before `now`; returns when all of it has
  // committed. Each case is looked at once per call.
  Result<Report> RunDue(UnixMillis now);

 private:
  Application& app_;
  int batch_;
  DeadlineObserver* observer_;
};

}  // namespace baraza

// DeadlineScheduler: one Boost.Asio timer armed for the earliest deadline in
// the store (not one per deadline). When it fires, the DeadlineRunner handles
// what is due and the timer is re-armed. Poke() is thread-safe; the rest runs
// on the scheduler's own thread. Design note: docs/deadlines.md.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <atomic>
#include <thread>

#include "services/scheduler/deadline_runner.h"

namespace baraza {

class DeadlineScheduler {
 public:
  // `max_sleep` bounds one wait, so a wall clock that jumps is noticed soon;
  // `observer` (may be null) hears how late each deadline was handled.
  DeadlineScheduler(Application& app, Millis max_sleep = 30 * kSecond,
                    DeadlineObserver* observer = nullptr);
  ~DeadlineScheduler();

  // Handles everything that fell due while the server was down. Call before
  // reporting SERVING.
  Result<DeadlineRunner::Report> CatchUp();
  void Start();
  void Stop();
  // A commit left a deadline at `due_at`: wake earlier if it is sooner.
  void Poke(UnixMillis due_at);

 private:
  void Arm();
  void Fire();

  Application& app_;
  DeadlineRunner runner_;
  Millis max_sleep_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  boost::asio::steady_timer timer_;
  // Wall-clock time the timer is set for; 0: none. Written on the scheduler's
  // thread, read by Poke() on any thread.
  std::atomic<UnixMillis> armed_for_{0};
  std::thread thread_;
};

}  // namespace baraza

#include "services/scheduler/deadline_scheduler.h"

#include <pthread.h>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

namespace baraza {

DeadlineScheduler::DeadlineScheduler(Application& app, Millis max_sleep,
                                     DeadlineObserver* observer)
    : app_(app), runner_(app, 1000, observer), max_sleep_(max_sleep), work_(io_.get_executor()), timer_(io_) {}

DeadlineScheduler::~DeadlineScheduler() { Stop(); }

Result<DeadlineRunner::Report> DeadlineScheduler::CatchUp() {
  return runner_.RunDue(app_.clock().Now());
}

void DeadlineScheduler::Start() {
  boost::asio::post(io_, [this] { Arm(); });
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "baraza-deadline");
    io_.run();
  });
}

void DeadlineScheduler::Stop() {
  if (!thread_.joinable()) return;
  boost::asio::post(io_, [this] { timer_.cancel(); });
  work_.reset();
  io_.stop();
  thread_.join();
}

void DeadlineScheduler::Poke(UnixMillis due_at) {
  // Most new deadlines are days away, later than the timer: then nothing to do,
  // and no wake-up of the scheduler's thread for each commit. armed_for_ is set
  // to 0 before the due cases are read and to the new time only after
  // NextDeadline() was read, so a deadline committed meanwhile is either seen
  // by that read or finds 0 (or an earlier time) here and re-arms.
  UnixMillis armed = armed_for_.load();
  if (armed != 0 && due_at >= armed) return;
  boost::asio::post(io_, [this, due_at] {
    if (armed_for_ == 0 || due_at < armed_for_) Arm();
  });
}

void DeadlineScheduler::Arm() {
  UnixMillis now = app_.clock().Now();
  auto next = app_.store().NextDeadline();
  Millis wait = max_sleep_;
  if (!next.ok()) {
    spdlog::error("scheduler: cannot read the next deadline: {}", next.status().ToString());
    // The store did not answer (a database away, failing over): look again in
    // a second, not after max_sleep, so that what fell due meanwhile is handled
    // as soon as the database is back (tests/e2e/postgres_failover_test.cc).
    wait = std::min<Millis>(max_sleep_, kSecond);
  } else if (next->has_value()) {
    wait = std::clamp<Millis>(**next - now, 0, max_sleep_);
  }
  armed_for_ = now + wait;
  timer_.expires_after(std::chrono::milliseconds(wait));
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec == boost::asio::error::operation_aborted) return;  // re-armed or stopping
    Fire();
  });
}

void DeadlineScheduler::Fire() {
  armed_for_ = 0;
  UnixMillis now = app_.clock().Now();
  auto report = runner_.RunDue(now);
  if (!report.ok()) {
    spdlog::error("scheduler: deadlines at {} not handled, retrying: {}", now,
                  report.status().ToString());
  } else if (report->events > 0) {
    spdlog::info("scheduler: {} case(s) due, {} event(s) written", report->cases, report->events);
  }
  if (!report.ok() || (report->cases > 0 && report->events == 0)) {
    // Nothing could be done on what is due: wait a little instead of spinning.
    armed_for_ = now + kSecond;
    timer_.expires_after(std::chrono::seconds(1));
    timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec != boost::asio::error::operation_aborted) Arm();
    });
    return;
  }
  Arm();
}

}  // namespace baraza

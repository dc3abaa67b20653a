// DeliveryWorker: sends the outbox (queued deliveries) through the channels,
// off the writer thread, and records each outcome through the Application.
// Resumes after a restart from the store. Threads of its own, each serving its
// share of the contact points, so that one slow receiver holds up only its
// share, and one that gathers their outcomes into writes; thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>
#include <functional>
#include <future>

#include "services/app/application.h"
#include "services/outreach/channel.h"

namespace baraza {

class DeliveryWorker {
 public:
  struct Senders {
    std::unique_ptr<outreach::Sender> email;  // null: no mail relay configured
    std::unique_ptr<outreach::Sender> webhook;  // webhooks and the SMS gateway
  };
  // Makes one thread's senders (a sender is used by one thread at a time).
  using SenderFactory = std::function<Senders()>;
  // `threads` senders; each sends at most `batch` deliveries before their
  // outcomes are committed.
  DeliveryWorker(Application& app, SenderFactory make_senders, int threads = 4, int batch = 64);
  ~DeliveryWorker();  // Stop()

  void Start();
  // Finishes the attempt in progress, records it, and stops.
  void Stop();
  // New deliveries were queued: look now instead of at the next due time.
  void Poke();
  // Attempts made since Start (for tests and the benchmark).
  int64_t attempts() const { return attempts_.load(); }

 private:
  // One thread: the deliveries whose contact point id is `share` modulo the
  // number of threads.
  void Loop(int share);
  // Sends one batch of this share's due deliveries and waits until their
  // outcomes are committed (so that none is fetched and sent again meanwhile);
  // false if none was due.
  bool SendDue(int share, Senders& senders, std::mt19937_64& random);
  outreach::SendResult SendOne(const Delivery& d, Senders& senders);
  // Hands one outcome to the gatherer; the future is ready once it is recorded
  // (or its write failed: the delivery is then still queued, and sent again).
  std::future<void> Record(Application::DeliveryAttempt attempt);
  // The gatherer's thread: writes the outcomes handed to it, those of a few
  // milliseconds together, so that the deliveries of one notice to several
  // contact points, sent at once by several threads, make one case write.
  void Gather();

  Application& app_;
  SenderFactory make_senders_;
  const int threads_;
  const int batch_;
  std::atomic<int64_t> attempts_{0};

  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t pokes_ = 0;  // counted, so that every thread sees each poke
  bool stopping_ = false;
  std::vector<std::thread> workers_;

  struct Outcome {
    Application::DeliveryAttempt attempt;
    std::shared_ptr<std::promise<void>> recorded;
  };
  std::mutex gather_mu_;
  std::condition_variable gather_cv_;
  std::vector<Outcome> gathered_;
  bool gather_stopping_ = false;
  std::thread gatherer_;
};

}  // namespace baraza

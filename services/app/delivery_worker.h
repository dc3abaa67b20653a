// DeliveryWorker: sends the outbox (queued deliveries) through the channels,
// off the writer thread, and records each outcome through the Application.
// Resumes after a restart from the store. One thread of its own; thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

#include "services/app/application.h"
#include "services/outreach/channel.h"

namespace baraza {

class DeliveryWorker {
 public:
  struct Senders {
    std::unique_ptr<outreach::Sender> email;  // null: no mail relay configured
    std::unique_ptr<outreach::Sender> webhook;  // webhooks and the SMS gateway
  };
  // At most `batch` deliveries are sent before their outcomes are committed.
  DeliveryWorker(Application& app, Senders senders, int batch = 64);
  ~DeliveryWorker();  // Stop()

  void Start();
  // Finishes the attempt in progress, records it, and stops.
  void Stop();
  // New deliveries were queued: look now instead of at the next due time.
  void Poke();
  // Attempts made since Start (for tests and the benchmark).
  int64_t attempts() const { return attempts_.load(); }

 private:
  void Loop();
  // Sends one batch of due deliveries and waits until their outcomes are
  // committed (so that none is fetched and sent again meanwhile); false if none was due.
  bool SendDue();
  outreach::SendResult SendOne(const Delivery& d);

  Application& app_;
  Senders senders_;
  const int batch_;
  std::mt19937_64 random_{std::random_device{}()};
  std::atomic<int64_t> attempts_{0};

  std::mutex mu_;
  std::condition_variable cv_;
  bool poked_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace baraza

// Metrics: barazad's Prometheus metrics (prometheus-cpp) and the HTTP endpoint
// that serves them in the text format (--metrics host:port, GET /metrics). It
// is the observer of the RPCs, the store's writer and the deadline runner;
// what the store holds (cases by state, deadlines) and the open notice streams
// are read when Prometheus scrapes. Thread-safe. Names: docs/operations.md.
#pragma once

#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "services/api/call_meter.h"
#include "services/scheduler/deadline_observer.h"
#include "storage/case_store.h"
#include "storage/store_observer.h"

namespace prometheus {
class Counter;
class Exposer;
class Histogram;
class Registry;
template <typename T>
class Family;
}  // namespace prometheus

namespace baraza::metrics {

// What is read at each scrape rather than counted as it happens.
struct StateSource {
  std::function<UnixMillis()> now;
  std::function<Result<StoreCounts>(UnixMillis now)> counts;
  std::function<int64_t()> open_streams;
};

class Metrics final : public api::RpcObserver, public WriterObserver, public DeadlineObserver {
 public:
  // Checks `address` (host:port, port 0 picks one) and serves /metrics on it;
  // INVALID_ARGUMENT for an address that is not host:port, UNAVAILABLE when it
  // cannot be bound (in use, not this machine's).
  static Result<std::unique_ptr<Metrics>> Start(const std::string& address);
  ~Metrics() override;
  // From now on, scrapes also read `state` (once the store is open).
  void WatchState(StateSource state);
  // Scrapes stop reading it; returns once no scrape reads it any more.
  void StopWatchingState();

  // The port /metrics is served on.
  int port() const { return port_; }

  int AddMethod(std::string_view service, std::string_view method) override;
  void CallDone(int method, grpc::StatusCode code, double seconds) override;
  void BatchDone(int writes, int64_t micros, bool committed) override;
  void DeadlineHandled(Millis lag) override;

 private:
  class StateCollector;
  struct Method {
    std::string service, name;
    prometheus::Histogram* latency = nullptr;
    // By gRPC code (0..16), added the first time a code is seen: a series per
    // code that never happens would only be noise.
    std::array<std::atomic<prometheus::Counter*>, 17> by_code{};
  };
  Metrics() = default;
  prometheus::Counter* CounterFor(Method& m, int code);

  std::shared_ptr<prometheus::Registry> registry_;
  std::shared_ptr<StateCollector> state_;
  prometheus::Family<prometheus::Counter>* handled_ = nullptr;
  prometheus::Family<prometheus::Histogram>* handling_ = nullptr;
  // Added to only while the services are built, before any call: read without a lock.
  std::vector<std::unique_ptr<Method>> methods_;
  std::mutex add_mu_;  // adding a counter to handled_
  prometheus::Histogram* batch_writes_ = nullptr;
  prometheus::Histogram* commit_seconds_ = nullptr;
  prometheus::Counter* batches_committed_ = nullptr;
  prometheus::Counter* batches_failed_ = nullptr;
  prometheus::Histogram* deadline_lag_ = nullptr;
  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_ = 0;
};

}  // namespace baraza::metrics

#include "services/metrics/metrics.h"

#include <charconv>
#include <exception>

#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace baraza::metrics {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

const char* CodeName(int code) {
  static constexpr const char* kNames[] = {
      "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
      "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
      "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
      "UNAUTHENTICATED"};
  return kNames[code];
}

// Exponential buckets from `start`, `count` of them.
prometheus::Histogram::BucketBoundaries Exponential(double start, double factor, int count) {
  prometheus::Histogram::BucketBoundaries b;
  for (double v = start; count-- > 0; v *= factor) b.push_back(v);
  return b;
}

MetricFamily Gauge(const char* name, const char* help) {
  MetricFamily f;
  f.name = name;
  f.help = help;
  f.type = MetricType::Gauge;
  return f;
}

ClientMetric Value(double v, std::vector<ClientMetric::Label> labels = {}) {
  ClientMetric m;
  m.label = std::move(labels);
  m.gauge.value = v;
  return m;
}

// host:port with a port number; the host is what the socket binds (a name or
// an address, [v6] in brackets).
Status CheckAddress(const std::string& address) {
  auto colon = address.rfind(':');
  int port = -1;
  if (colon != std::string::npos && colon > 0 && colon + 1 < address.size()) {
    const char* end = address.data() + address.size();
    auto [p, ec] = std::from_chars(address.data() + colon + 1, end, port);
    if (ec != std::errc() || p != end) port = -1;
  }
  if (port < 0 || port > 65535)
    return Status::InvalidArgument("--metrics \"" + address +
                                   "\" is not host:port (e.g. 127.0.0.1:9464; port 0 picks one)");
  return Status::Ok();
}

}  // namespace

// Read at each scrape: what the store holds, and the open notice streams.
class Metrics::StateCollector final : public prometheus::Collectable {
 public:
  explicit StateCollector(StateSource source) : source_(std::move(source)) {}

  // Returns once no scrape reads the source; none will after.
  void Stop() {
    std::lock_guard lock(mu_);
    stopped_ = true;
  }

  std::vector<MetricFamily> Collect() const override {
    std::vector<MetricFamily> out;
    std::lock_guard lock(mu_);
    if (stopped_) return out;
    auto streams = Gauge("baraza_notice_streams_open", "WatchNotices streams open now");
    streams.metric.push_back(Value(static_cast<double>(source_.open_streams())));
    out.push_back(std::move(streams));
    auto read_ok = Gauge("baraza_state_read_ok",
                         "1 when this scrape could read the cases and deadlines, else 0");
    const UnixMillis now = source_.now();
    auto counts = source_.counts(now);
    read_ok.metric.push_back(Value(counts.ok() ? 1 : 0));
    out.push_back(std::move(read_ok));
    if (!counts.ok()) return out;
    auto cases = Gauge("baraza_cases", "cases by state");
    for (const auto& [state, n] : counts->cases_by_state)
      cases.metric.push_back(Value(static_cast<double>(n), {{"state", Name(state)}}));
    out.push_back(std::move(cases));
    auto pending = Gauge("baraza_deadlines_pending",
                         "deadlines (reminders, window and appeal closings) not yet handled");
    pending.metric.push_back(Value(static_cast<double>(counts->deadlines_pending)));
    out.push_back(std::move(pending));
    auto overdue = Gauge("baraza_deadlines_overdue",
                         "pending deadlines whose time has passed (handled within a second "
                         "or so while barazad keeps up)");
    overdue.metric.push_back(Value(static_cast<double>(counts->deadlines_overdue)));
    out.push_back(std::move(overdue));
    auto oldest = Gauge("baraza_deadline_oldest_overdue_seconds",
                        "how long ago the oldest overdue deadline fell due; 0 when none is");
    oldest.metric.push_back(Value(
        counts->oldest_overdue ? static_cast<double>(now - *counts->oldest_overdue) / 1000.0 : 0));
    out.push_back(std::move(oldest));
    return out;
  }

 private:
  StateSource source_;
  mutable std::mutex mu_;
  bool stopped_ = false;
};

Result<std::unique_ptr<Metrics>> Metrics::Start(const std::string& address) {
  BARAZA_RETURN_IF_ERROR(CheckAddress(address));
  std::unique_ptr<Metrics> m(new Metrics());
  m->registry_ = std::make_shared<prometheus::Registry>();
  auto& registry = *m->registry_;
  m->handled_ = &prometheus::BuildCounter()
                     .Name("grpc_server_handled_total")
                     .Help("unary RPCs answered, by service, method and gRPC status code")
                     .Register(registry);
  m->handling_ = &prometheus::BuildHistogram()
                      .Name("grpc_server_handling_seconds")
                      .Help("time from a unary RPC's arrival to the end of its answer")
                      .Register(registry);
  auto& batches = prometheus::BuildCounter()
                      .Name("baraza_writer_batches_total")
                      .Help("transactions of the store's writer, by outcome (committed, failed: "
                            "BEGIN or COMMIT failed and every write in it was refused)")
                      .Register(registry);
  m->batches_committed_ = &batches.Add({{"outcome", "committed"}});
  m->batches_failed_ = &batches.Add({{"outcome", "failed"}});
  m->batch_writes_ = &prometheus::BuildHistogram()
                          .Name("baraza_writer_batch_writes")
                          .Help("writes committed together in one transaction (group commit)")
                          .Register(registry)
                          .Add({}, Exponential(1, 2, 11));
  m->commit_seconds_ = &prometheus::BuildHistogram()
                            .Name("baraza_writer_commit_seconds")
                            .Help("time of one writer transaction, BEGIN to the end of COMMIT")
                            .Register(registry)
                            .Add({}, Exponential(0.0005, 2, 14));
  m->deadline_lag_ = &prometheus::BuildHistogram()
                          .Name("baraza_deadline_lag_seconds")
                          .Help("how late a deadline was handled after it fell due (including "
                                "deadlines that fell due while barazad was down)")
                          .Register(registry)
                          .Add({}, prometheus::Histogram::BucketBoundaries{
                                       0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300,
                                       3600});
  try {
    m->exposer_ = std::make_unique<prometheus::Exposer>(address, /*num_threads=*/1);
  } catch (const std::exception& e) {
    return Status::Unavailable("cannot serve metrics on " + address + " (--metrics): " + e.what() +
                               "; is the port in use, or the address not this machine's?");
  }
  auto ports = m->exposer_->GetListeningPorts();
  if (ports.empty())
    return Status::Unavailable("cannot serve metrics on " + address + " (--metrics)");
  m->port_ = ports.front();
  m->exposer_->RegisterCollectable(m->registry_);
  return m;
}

void Metrics::WatchState(StateSource state) {
  state_ = std::make_shared<StateCollector>(std::move(state));
  exposer_->RegisterCollectable(state_);
}

void Metrics::StopWatchingState() {
  if (!state_) return;
  state_->Stop();
  exposer_->RemoveCollectable(state_);
  state_.reset();
}

Metrics::~Metrics() = default;

int Metrics::AddMethod(std::string_view service, std::string_view method) {
  auto m = std::make_unique<Method>();
  m->service = service;
  m->name = method;
  m->latency = &handling_->Add(
      {{"grpc_service", m->service}, {"grpc_method", m->name}},
      prometheus::Histogram::BucketBoundaries{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                              0.1, 0.25, 0.5, 1, 2.5, 5});
  std::lock_guard lock(add_mu_);
  methods_.push_back(std::move(m));
  return static_cast<int>(methods_.size()) - 1;
}

prometheus::Counter* Metrics::CounterFor(Method& m, int code) {
  std::lock_guard lock(add_mu_);
  auto* c = m.by_code[code].load(std::memory_order_acquire);
  if (!c) {
    c = &handled_->Add(
        {{"grpc_service", m.service}, {"grpc_method", m.name}, {"grpc_code", CodeName(code)}});
    m.by_code[code].store(c, std::memory_order_release);
  }
  return c;
}

void Metrics::CallDone(int method, grpc::StatusCode code, double seconds) {
  Method& m = *methods_[method];
  int c = static_cast<int>(code);
  if (c < 0 || c > 16) c = grpc::StatusCode::UNKNOWN;
  auto* counter = m.by_code[c].load(std::memory_order_acquire);
  if (!counter) counter = CounterFor(m, c);
  counter->Increment();
  m.latency->Observe(seconds);
}

void Metrics::BatchDone(int writes, int64_t micros, bool committed) {
  (committed ? batches_committed_ : batches_failed_)->Increment();
  batch_writes_->Observe(writes);
  commit_seconds_->Observe(static_cast<double>(micros) / 1e6);
}

void Metrics::DeadlineHandled(Millis lag) {
  deadline_lag_->Observe(static_cast<double>(lag < 0 ? 0 : lag) / 1000.0);
}

}  // namespace baraza::metrics

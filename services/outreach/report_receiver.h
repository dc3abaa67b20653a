// ReportReceiver: the inbound end of SMS-gateway delivery reports, a small
// HTTP/1.1 server (Boost.Beast) on its own thread that checks each report's
// signature and hands it to a handler. Start/Stop from one thread; the handler
// runs on the receiver's thread, one report at a time.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "services/workflow/status.h"

namespace baraza::outreach {

struct ReportReceiverOptions {
  int reports_per_second = 200;  // signed reports handled per second (a token bucket); more get 429
  int max_connections = 64;      // open at once; more are closed as they arrive
  std::chrono::milliseconds read_timeout{5000};  // to read one request, and to idle between two
  // Listen on an address other than loopback. It speaks plain HTTP: the
  // operator must put a TLS-terminating proxy in front of it before a gateway
  // on another machine calls it, or reports and their signatures cross the network in the clear.
  bool allow_remote = false;
};

// Answers only POST /v1/delivery-reports with a JSON body
//   {"idempotency_key": "...", "status": "delivered"|"failed", "reason": "..."}
// ("reason" may be absent; other fields are ignored) and the header
// X-Baraza-Signature: sha256=<hex HMAC-SHA256 of the body under the secret>:
//   204  the handler took it;
//   400  not JSON, or a field missing or wrong (the body says which);
//   401  no signature or a wrong one (logged as a warning with the peer's
//        address, at most once a second per peer); the handler is not called;
//   404  another path, or the handler answered NOT_FOUND (no such delivery);
//   405  another method on the report path;
//   413  a body over 8 KiB (never read past that);
//   429  more than reports_per_second signed reports in a second;
//   503  the handler failed otherwise (the gateway should retry).
class ReportReceiver {
 public:
  using Handler =
      std::function<Status(const std::string& idempotency_key, bool delivered, const std::string& reason)>;

  explicit ReportReceiver(ReportReceiverOptions options = {});
  ~ReportReceiver();
  ReportReceiver(const ReportReceiver&) = delete;
  ReportReceiver& operator=(const ReportReceiver&) = delete;

  // Listens on `host_port` ("127.0.0.1:8090", "[::1]:0"; port 0 picks one) and
  // serves until Stop. INVALID_ARGUMENT for a bad address, an empty secret, no
  // handler, or a non-loopback address without allow_remote; UNAVAILABLE when
  // the address is taken; FAILED_PRECONDITION when already started.
  Status Start(const std::string& host_port, std::string secret, Handler h);
  // Closes the listener and every connection and joins the thread. Idempotent.
  void Stop();
  // The port it listens on, once started.
  int port() const { return port_; }

 private:
  struct Impl;
  ReportReceiverOptions options_;
  std::unique_ptr<Impl> impl_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace baraza::outreach

#include "services/outreach/report_receiver.h"

#include <pthread.h>

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <spdlog/spdlog.h>
#include <unordered_map>

#include "services/outreach/channel.h"
#include "services/outreach/signature.h"
#include "services/net/tcp_listen.h"
#include "services/log/log_fields.h"

namespace baraza::outreach {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using SteadyTime = std::chrono::steady_clock::time_point;

constexpr std::string_view kPath = "/v1/delivery-reports";
constexpr size_t kBodyLimit = 8 * 1024;
constexpr size_t kHeaderLimit = 8 * 1024;
constexpr size_t kMaxWarnedPeers = 4096;  // forgotten all at once beyond this, so the map stays small

struct Reply {
  http::status status;
  std::string text;  // a short reason for the gateway's operator; empty for 204
};

// Reads a report's JSON; the handler is called only with fields that passed.
struct Report {
  std::string key, reason;
  bool delivered = false;
};
std::optional<Reply> ParseReport(const std::string& body, Report& r) {
  auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Reply{http::status::bad_request, "the body is not a JSON object"};
  auto key = j.find("idempotency_key");
  if (key == j.end() || !key->is_string() || !IsValidIdempotencyKey(key->get_ref<const std::string&>()))
    return Reply{http::status::bad_request, "idempotency_key must be the key of the delivery, a string"};
  auto status = j.find("status");
  if (status == j.end() || !status->is_string() || (*status != "delivered" && *status != "failed"))
    return Reply{http::status::bad_request, "status must be \"delivered\" or \"failed\""};
  auto reason = j.find("reason");
  if (reason != j.end() && !reason->is_string() && !reason->is_null())
    return Reply{http::status::bad_request, "reason must be a string"};
  r.key = key->get<std::string>();
  r.delivered = *status == "delivered";
  r.reason = reason != j.end() && reason->is_string() ? reason->get<std::string>() : "";
  return std::nullopt;
}

}  // namespace

// Everything below runs on the receiver's one thread, so nothing is locked.
// The counters come before `io`: its destructor destroys idle sessions, which touch them.
struct ReportReceiver::Impl {
  ReportReceiverOptions options;
  std::string secret;
  Handler handler;
  int open = 0;
  double tokens = 0;
  SteadyTime refilled{};
  std::unordered_map<std::string, SteadyTime> warned;  // peer → last warning
  net::io_context io{1};
  tcp::acceptor acceptor{io};

  // A token bucket of reports_per_second tokens, refilled continuously.
  bool TakeToken() {
    auto now = std::chrono::steady_clock::now();
    double rate = options.reports_per_second;
    tokens = std::min(rate, tokens + rate * std::chrono::duration<double>(now - refilled).count());
    refilled = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  }

  void WarnBadSignature(const std::string& peer, bool missing) {
    auto now = std::chrono::steady_clock::now();
    auto it = warned.find(peer);
    if (it != warned.end() && now - it->second < std::chrono::seconds(1)) return;
    if (warned.size() >= kMaxWarnedPeers) warned.clear();
    warned[peer] = now;
    log::ScopedLogFields fields(log::WithPeer(peer));
    spdlog::warn("delivery report from {} refused: {} X-Baraza-Signature (is the gateway configured with "
                 "this server's report secret?)", peer, missing ? "no" : "a wrong");
  }

  Reply Handle(const http::request<http::string_body>& req, const std::string& peer) {
    auto sig = req.find("X-Baraza-Signature");
    if (sig == req.end() || !Verify(secret, req.body(), std::string(sig->value()))) {
      WarnBadSignature(peer, sig == req.end());
      return {http::status::unauthorized, "missing or wrong X-Baraza-Signature"};
    }
    // Counted after the signature: unsigned floods cannot crowd out a real gateway.
    if (!TakeToken()) return {http::status::too_many_requests, "too many reports; retry in a second"};
    Report r;
    if (auto bad = ParseReport(req.body(), r)) return *bad;
    Status s;
    try {
      s = handler(r.key, r.delivered, r.reason);
    } catch (const std::exception& e) {
      s = Status::Internal(e.what());
    }
    if (s.ok()) return {http::status::no_content, ""};
    if (s.code() == Code::kNotFound) return {http::status::not_found, "no delivery has this idempotency_key"};
    if (s.code() == Code::kInvalidArgument) return {http::status::bad_request, s.message()};
    log::ScopedLogFields fields(log::WithPeer(peer));
    spdlog::warn("delivery report {} from {} not recorded: {}", r.key, peer, s.ToString());
    return {http::status::service_unavailable, "the report could not be recorded now; retry later"};
  }

  void Accept();
  class Session;
};

// One connection: reads requests and answers them in turn (keep-alive) until
// the client closes, a request is refused unread, or read_timeout passes.
class ReportReceiver::Impl::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, ReportReceiver::Impl& impl) : stream_(std::move(socket)), impl_(impl) {
    ++impl_.open;
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    peer_ = ec ? "an unknown peer" : ep.address().to_string();
  }
  ~Session() { --impl_.open; }

  void Read() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(kBodyLimit);
    stream_.expires_after(impl_.options.read_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

 private:
  void OnHeader(beast::error_code ec, std::size_t) {
    if (ec == http::error::body_limit) return Answer({http::status::payload_too_large, "the body is over 8 KiB"}, false);
    if (ec == http::error::header_limit)
      return Answer({http::status::request_header_fields_too_large, "the headers are over 8 KiB"}, false);
    if (ec == http::error::end_of_stream) return Close();
    if (ec) return;  // timeout, reset or a malformed request: drop the connection
    auto& req = parser_->get();
    std::string_view target(req.target().data(), req.target().size());
    if (target.substr(0, target.find('?')) != kPath) return Answer({http::status::not_found, "no such path"}, false);
    if (req.method() != http::verb::post)
      return Answer({http::status::method_not_allowed, "only POST is answered here"}, false);
    if (beast::iequals(req[http::field::expect], "100-continue")) {
      // Answered before the body is sent, so that a gateway does not wait.
      continue_.emplace(http::status::continue_, req.version());
      return http::async_write(stream_, *continue_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
        if (!ec) self->ReadBody();
      });
    }
    ReadBody();
  }

  void ReadBody() {
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::OnBody, shared_from_this()));
  }

  void OnBody(beast::error_code ec, std::size_t) {
    if (ec == http::error::body_limit) return Answer({http::status::payload_too_large, "the body is over 8 KiB"}, false);
    if (ec) return;
    Answer(impl_.Handle(parser_->get(), peer_), parser_->get().keep_alive());
  }

  // Sends `r`; keeps the connection for the next request only when `keep` (a
  // request refused before its body was read leaves that body on the wire).
  void Answer(Reply r, bool keep) {
    res_ = {};
    res_.version(11);
    res_.result(r.status);
    res_.keep_alive(keep);
    res_.set(http::field::server, "barazad");
    if (r.status == http::status::method_not_allowed) res_.set(http::field::allow, "POST");
    if (r.status == http::status::too_many_requests) res_.set(http::field::retry_after, "1");
    if (!r.text.empty()) {
      res_.set(http::field::content_type, "text/plain; charset=utf-8");
      res_.body() = std::move(r.text) + "\n";
    }
    res_.prepare_payload();
    stream_.expires_after(impl_.options.read_timeout);
    http::async_write(stream_, res_, beast::bind_front_handler(&Session::OnWrite, shared_from_this()));
  }

  void OnWrite(beast::error_code ec, std::size_t) {
    if (ec) return;
    if (!res_.keep_alive()) return Close();
    Read();
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::empty_body>> continue_;
  http::response<http::string_body> res_;
  ReportReceiver::Impl& impl_;
  std::string peer_;
};

void ReportReceiver::Impl::Accept() {
  acceptor.async_accept(net::make_strand(io), [this](beast::error_code ec, tcp::socket s) {
    if (ec == net::error::operation_aborted) return;  // stopping
    if (!ec && open < options.max_connections) std::make_shared<Session>(std::move(s), *this)->Read();
    Accept();  // a refused socket is closed as `s` goes out of scope
  });
}

ReportReceiver::ReportReceiver(ReportReceiverOptions options) : options_(options) {}

ReportReceiver::~ReportReceiver() { Stop(); }

Status ReportReceiver::Start(const std::string& host_port, std::string secret, Handler h) {
  if (thread_.joinable()) return Status::FailedPrecondition("the delivery-report receiver is already running");
  if (secret.empty()) return Status::InvalidArgument("the delivery-report receiver needs a secret to check signatures");
  if (!h) return Status::InvalidArgument("the delivery-report receiver needs a handler");
  auto hp = baraza::net::SplitHostPort(host_port);
  if (!hp) return Status::InvalidArgument(host_port + " is not host:port, e.g. 127.0.0.1:8090");
  impl_ = std::make_unique<Impl>();
  impl_->options = options_;
  impl_->secret = std::move(secret);
  impl_->handler = std::move(h);
  impl_->tokens = options_.reports_per_second;
  impl_->refilled = std::chrono::steady_clock::now();
  beast::error_code ec;
  tcp::endpoint endpoint = baraza::net::Resolve(impl_->io, *hp, ec);
  if (ec) return Status::InvalidArgument(host_port + ": " + ec.message());
  if (!endpoint.address().is_loopback() && !options_.allow_remote)
    return Status::InvalidArgument("the delivery-report receiver speaks plain HTTP, so it listens only on "
                                   "loopback unless allowed remote (then put TLS in front): " + host_port);
  auto& a = impl_->acceptor;
  if ((ec = baraza::net::Listen(a, endpoint)))
    return Status::Unavailable("cannot receive delivery reports on " + host_port + ": " + ec.message());
  port_ = a.local_endpoint().port();
  impl_->Accept();
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "baraza-reports");
    impl_->io.run();
  });
  return Status::Ok();
}

void ReportReceiver::Stop() {
  if (!thread_.joinable()) return;
  net::post(impl_->io, [this] {
    beast::error_code ec;
    impl_->acceptor.close(ec);
  });
  impl_->io.stop();
  thread_.join();
  impl_.reset();  // closes every connection
  port_ = 0;
}

}  // namespace baraza::outreach

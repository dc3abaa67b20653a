#include "services/web/public_site.h"

#include <pthread.h>
#include <algorithm>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <chrono>
#include <optional>
#include <spdlog/spdlog.h>

#include "services/web/pages.h"

namespace baraza::web {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr int kPageSize = 25;  // list entries per page: even the longest stay under 50 KB
constexpr int kMaxCorrections = 100;    // corrections of one report named on its page
constexpr auto kIdleTimeout = std::chrono::seconds(30);
// Connections served at once; more are closed as they arrive, so that a flood
// of idle connections cannot exhaust the server's file descriptors or memory.
constexpr int kMaxConnections = 512;

// A positive id from text made only of digits.
std::optional<Id> ParseId(std::string_view text) {
  Id v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v <= 0) return std::nullopt;
  return v;
}

Response Error(int status, const std::string& message) {
  return {status, "text/html; charset=utf-8", ErrorPage(status, message)};
}

Response StoreError(const Status& s) {
  if (s.code() == Code::kNotFound) return Error(404, "There is no such page.");
  spdlog::warn("public page: {}", s.message());
  return Error(500, "The page could not be read just now; try again in a moment.");
}

// The value of `key` in a query string "a=1&b=2", if present.
std::optional<std::string_view> QueryValue(std::string_view query, std::string_view key) {
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    auto eq = pair.find('=');
    if (pair.substr(0, eq) == key) return eq == std::string_view::npos ? "" : pair.substr(eq + 1);
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

// A paging parameter: absent is 0; present must be a positive id.
std::optional<Id> PageParam(std::string_view query, std::string_view key) {
  auto v = QueryValue(query, key);
  if (!v) return Id{0};
  return ParseId(*v);
}

Response Index(CaseStore& store, Id after) {
  auto ids = store.ReportingGroups(after, kPageSize + 1);
  if (!ids.ok()) return StoreError(ids.status());
  Id next = 0;
  if (static_cast<int>(ids->size()) > kPageSize) {
    ids->resize(kPageSize);
    next = ids->back();
  }
  std::vector<ContactGroup> groups;
  for (Id id : *ids) {
    auto g = store.GetGroup(id);
    if (!g.ok()) return StoreError(g.status());
    groups.push_back(std::move(g).value());
  }
  return {200, "text/html; charset=utf-8", IndexPage(groups, next)};
}

Response Group(CaseStore& store, Id group_id, Id before) {
  auto reports = store.ListReports({group_id, 0, before, kPageSize + 1});
  if (!reports.ok()) return StoreError(reports.status());
  // A group that has published nothing is not public.
  if (reports->empty() && before == 0) return Error(404, "There is no such page.");
  auto group = store.GetGroup(group_id);
  if (!group.ok()) return StoreError(group.status());
  Id next = 0;
  if (static_cast<int>(reports->size()) > kPageSize) {
    reports->resize(kPageSize);
    next = reports->back().id;
  }
  return {200, "text/html; charset=utf-8", GroupPage(*group, *reports, next)};
}

Response OneReport(CaseStore& store, Id report_id, Id part) {
  auto report = store.GetReport(report_id);
  if (!report.ok()) return StoreError(report.status());
  if (part > ReportParts(*report)) return Error(404, "This report has no such part.");
  auto group = store.GetGroup(report->group_id);
  if (!group.ok()) return StoreError(group.status());
  auto same_case = store.ListReports({0, report->case_id, 0, kMaxCorrections});
  if (!same_case.ok()) return StoreError(same_case.status());
  std::vector<Report> corrected_by;
  for (auto& r : *same_case)
    if (r.corrects_report_id == report_id) corrected_by.push_back(std::move(r));
  std::reverse(corrected_by.begin(), corrected_by.end());  // oldest first
  return {200, "text/html; charset=utf-8",
          ReportPage(*report, *group, corrected_by, static_cast<int>(std::max<Id>(part, 1)))};
}

// One connection: reads requests and answers them in turn (keep-alive), until
// the client closes, asks to close, or stays idle past kIdleTimeout.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, CaseStore& store, std::atomic<int>& open)
      : stream_(std::move(socket)), store_(store), open_(open) {
    ++open_;
  }
  ~Session() { --open_; }

  void Read() {
    parser_.emplace();
    parser_->header_limit(16 * 1024);
    parser_->body_limit(4 * 1024);
    stream_.expires_after(kIdleTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

 private:
  void OnRead(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream) return Close();
    if (ec) return;  // timeout, reset or a malformed request: drop the connection
    const auto& req = parser_->get();
    Response r;
    if (req.method() != http::verb::get && req.method() != http::verb::head) {
      r = Error(405, "This site is read-only: only GET and HEAD are answered.");
    } else {
      r = Route(store_, std::string(req.target()));
    }
    res_ = {};
    res_.version(req.version());
    res_.result(static_cast<http::status>(r.status));
    res_.keep_alive(req.keep_alive());
    res_.set(http::field::server, "barazad");
    res_.set(http::field::content_type, r.content_type);
    res_.set(http::field::cache_control, "no-cache");
    res_.set("X-Content-Type-Options", "nosniff");
    res_.set("Referrer-Policy", "no-referrer");
    // No script may run, whatever a report holds.
    res_.set("Content-Security-Policy",
             "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
             "form-action 'none'; frame-ancestors 'none'");
    if (r.status == 405) res_.set(http::field::allow, "GET, HEAD");
    if (req.method() == http::verb::head) {
      res_.content_length(r.body.size());
    } else {
      res_.body() = std::move(r.body);
      res_.prepare_payload();
    }
    http::async_write(stream_, res_,
                      beast::bind_front_handler(&Session::OnWrite, shared_from_this()));
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
  http::response<http::string_body> res_;
  CaseStore& store_;
  std::atomic<int>& open_;
};

}  // namespace

Response Route(CaseStore& store, const std::string& target) {
  std::string_view t = target;
  auto q = t.find('?');
  std::string_view path = t.substr(0, q);
  std::string_view query = q == std::string_view::npos ? std::string_view() : t.substr(q + 1);
  const Response bad_page =
      Error(400, "Page numbers in links are positive whole numbers; start again from the list.");
  if (path == "/" || path == "/index.html") {
    auto after = PageParam(query, "after");
    return after ? Index(store, *after) : bad_page;
  }
  for (std::string_view prefix : {"/groups/", "/reports/"}) {
    if (path.substr(0, prefix.size()) != prefix) continue;
    auto id = ParseId(path.substr(prefix.size()));
    if (!id) break;
    if (prefix == "/reports/") {
      auto part = PageParam(query, "part");
      return part ? OneReport(store, *id, *part) : bad_page;
    }
    auto before = PageParam(query, "before");
    return before ? Group(store, *id, *before) : bad_page;
  }
  return Error(404, "There is no such page.");
}

struct PublicSite::Impl {
  // Declared first, destroyed last: sessions still held by the io_context when it
  // is destroyed decrement it from their destructors.
  std::atomic<int> open{0};
  net::io_context io{1};
  tcp::acceptor acceptor{io};

  void Accept(CaseStore& store) {
    acceptor.async_accept(net::make_strand(io), [this, &store](beast::error_code ec, tcp::socket s) {
      if (ec == net::error::operation_aborted) return;  // stopping
      if (!ec && open < kMaxConnections) std::make_shared<Session>(std::move(s), store, open)->Read();
      Accept(store);  // a refused socket is closed as `s` goes out of scope
    });
  }
};

PublicSite::PublicSite(CaseStore& store) : store_(store), impl_(std::make_unique<Impl>()) {}

PublicSite::~PublicSite() { Stop(); }

Status PublicSite::Start(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos)
    return Status::InvalidArgument("--public-page " + listen + " is not host:port, e.g. 127.0.0.1:8080");
  std::string host = listen.substr(0, colon), port = listen.substr(colon + 1);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  beast::error_code ec;
  tcp::resolver resolver(impl_->io);
  auto endpoints = resolver.resolve(host, port, tcp::resolver::numeric_service, ec);
  if (ec || endpoints.empty())
    return Status::InvalidArgument("--public-page " + listen + ": " + ec.message());
  tcp::endpoint endpoint = endpoints.begin()->endpoint();
  auto& a = impl_->acceptor;
  a.open(endpoint.protocol(), ec);
  if (!ec) a.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    return Status::Unavailable("cannot serve the public page on " + listen + ": " + ec.message() +
                               " (is another program using it? choose another --public-page)");
  port_ = a.local_endpoint().port();
  impl_->Accept(store_);
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "baraza-public");
    impl_->io.run();
  });
  return Status::Ok();
}

void PublicSite::Stop() {
  if (!thread_.joinable()) return;
  net::post(impl_->io, [this] {
    beast::error_code ec;
    impl_->acceptor.close(ec);
  });
  impl_->io.stop();
  thread_.join();
}

}  // namespace baraza::web

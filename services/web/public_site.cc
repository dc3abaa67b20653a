#include "services/web/public_site.h"

#include <pthread.h>
#include <algorithm>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/asio/steady_timer.hpp>
#include <charconv>
#include <chrono>
#include <list>
#include <optional>
#include <unordered_map>
#include <spdlog/spdlog.h>

#include "services/net/tcp_listen.h"
#include "services/web/pages.h"

namespace baraza::web {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

constexpr int kPageSize = 25;  // list entries per page: even the longest stay under 50 KB
constexpr int kMaxCorrections = 100;    // corrections of one report named on its page
constexpr auto kIdleTimeout = std::chrono::seconds(30);
// Idle wait once three quarters of the connections are taken: a flood of idle
// connections is shed in seconds, while a reader between two pages keeps its own.
constexpr auto kBusyIdleTimeout = std::chrono::seconds(5);

// A positive id from text made only of digits.
std::optional<Id> ParseId(std::string_view text) {
  Id v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v <= 0) return std::nullopt;
  return v;
}

Response Error(int status, const std::string& message, const PageWords& w = {}) {
  return {status, "text/html; charset=utf-8", ErrorPage(status, message, w)};
}

Response StoreError(const Status& s, const PageWords& w = {}) {
  if (s.code() == Code::kNotFound)
    return Error(404, w.Say("page.no_such_page", "There is no such page."), w);
  spdlog::warn("public page: {}", s.message());
  return Error(500,
               w.Say("page.unreadable", "The page could not be read just now; try again in a moment."),
               w);
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

// The page's words in the language `?lang=` asks for (the catalogues' nearest;
// English when none is asked or none fits), with the languages there are.
PageWords WordsFor(std::string_view query, const i18n::Renderer* renderer) {
  PageWords w;
  if (!renderer) return w;
  std::string wanted;
  if (auto v = QueryValue(query, "lang")) wanted = std::string(v->substr(0, 35));
  w.lang = renderer->Resolve(wanted);
  w.dir = i18n::IsRightToLeft(w.lang) ? "rtl" : "ltr";
  std::string lang = w.lang;
  w.text = [renderer, lang](const Message& m) -> std::string {
    const auto& cats = renderer->catalogues();
    if (!cats.Pattern(lang, m.id) && !cats.Pattern(i18n::kFallbackLanguage, m.id)) return {};
    return renderer->Render(m, lang, "").text;
  };
  for (const std::string& tag : renderer->catalogues().Languages()) {
    const std::string* name = renderer->catalogues().Pattern(tag, "language.name");
    w.languages.emplace_back(tag, name ? *name : tag);
  }
  return w;
}

Response Index(CaseStore& store, Id after, const PageWords& w) {
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
  return {200, "text/html; charset=utf-8", IndexPage(groups, next, w)};
}

Response Group(CaseStore& store, Id group_id, Id before, const PageWords& w) {
  auto reports = store.ListReports({group_id, 0, before, kPageSize + 1});
  if (!reports.ok()) return StoreError(reports.status(), w);
  // A group that has published nothing is not public.
  if (reports->empty() && before == 0)
    return Error(404, w.Say("page.no_such_page", "There is no such page."), w);
  auto group = store.GetGroup(group_id);
  if (!group.ok()) return StoreError(group.status(), w);
  Id next = 0;
  if (static_cast<int>(reports->size()) > kPageSize) {
    reports->resize(kPageSize);
    next = reports->back().id;
  }
  return {200, "text/html; charset=utf-8", GroupPage(*group, *reports, next, w)};
}

Response OneReport(CaseStore& store, Id report_id, Id part, const PageWords& w) {
  auto report = store.GetReport(report_id);
  if (!report.ok()) return StoreError(report.status(), w);
  if (part > ReportParts(*report))
    return Error(404, w.Say("page.no_such_part", "This report has no such part."), w);
  auto group = store.GetGroup(report->group_id);
  if (!group.ok()) return StoreError(group.status(), w);
  auto same_case = store.ListReports({0, report->case_id, 0, kMaxCorrections});
  if (!same_case.ok()) return StoreError(same_case.status(), w);
  std::vector<Report> corrected_by;
  for (auto& r : *same_case)
    if (r.corrects_report_id == report_id) corrected_by.push_back(std::move(r));
  std::reverse(corrected_by.begin(), corrected_by.end());  // oldest first
  return {200, "text/html; charset=utf-8",
          ReportPage(*report, *group, corrected_by, static_cast<int>(std::max<Id>(part, 1)), w)};
}

class Session;

// The page's connections: counted per address, and the open sessions of each
// address (oldest first), so that under pressure an idle one can be closed.
// Touched only from the serving thread.
struct Connections {
  Connections(net::ConnectionGate::Limits limits, net::RefusalLog& refusals)
      : gate(limits), refusals(refusals) {}
  bool Busy() const { return gate.open() * 4 > gate.limits().total * 3; }
  // Closes the newest idle connection of `address`; false if it has none.
  bool EvictIdle(const std::string& address);

  net::ConnectionGate gate;
  net::RefusalLog& refusals;
  std::unordered_map<std::string, std::list<Session*>> sessions;
};

// "ipv4:10.0.0.1:5000" or "ipv6:[::1]:5000", as gRPC names peers, so that the
// log and the per-address counts read alike on both ports.
std::string PeerName(const tcp::endpoint& ep) {
  auto a = ep.address();
  if (a.is_v6() && a.to_v6().is_v4_mapped()) a = asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
  return a.is_v4() ? "ipv4:" + a.to_string() + ":" + std::to_string(ep.port())
                   : "ipv6:[" + a.to_string() + "]:" + std::to_string(ep.port());
}

// One connection: reads requests and answers them in turn (keep-alive), until
// the client closes, asks to close, stays idle past its timeout, or is evicted.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, CaseStore& store, Connections& connections, std::string address,
          const i18n::Renderer* renderer)
      : stream_(std::move(socket)), store_(store), renderer_(renderer), connections_(connections),
        address_(std::move(address)) {
    auto& list = connections_.sessions[address_];
    self_ = list.insert(list.end(), this);
  }
  ~Session() {
    if (counted_) connections_.gate.Release(address_);
    auto list = connections_.sessions.find(address_);
    list->second.erase(self_);
    if (list->second.empty()) connections_.sessions.erase(list);
  }

  void Read() {
    parser_.emplace();
    parser_->header_limit(16 * 1024);
    parser_->body_limit(4 * 1024);
    stream_.expires_after(connections_.Busy() ? kBusyIdleTimeout : kIdleTimeout);
    reading_ = true;
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  // Closes the connection if it waits for a request, and gives its slot back at
  // once; false if it is busy answering (or already evicted).
  bool Evict() {
    if (!reading_ || !counted_) return false;
    counted_ = false;
    connections_.gate.Release(address_);
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);  // the pending read ends; the session with it
    return true;
  }

 private:
  void OnRead(beast::error_code ec, std::size_t) {
    reading_ = false;
    if (ec == http::error::end_of_stream) return Close();
    if (ec) return;  // timeout, reset, eviction or a malformed request: drop the connection
    const auto& req = parser_->get();
    Response r;
    if (req.method() != http::verb::get && req.method() != http::verb::head) {
      r = Error(405, "This site is read-only: only GET and HEAD are answered.");
    } else {
      r = Route(store_, std::string(req.target()), renderer_);
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
  const i18n::Renderer* renderer_;
  Connections& connections_;
  std::string address_;
  std::list<Session*>::iterator self_;
  bool counted_ = true;   // holds a slot in the gate
  bool reading_ = false;  // waiting for a request: may be evicted
};

bool Connections::EvictIdle(const std::string& address) {
  auto list = sessions.find(address);
  if (list == sessions.end()) return false;
  for (auto it = list->second.rbegin(); it != list->second.rend(); ++it)  // bounded by the per-peer cap
    if ((*it)->Evict()) return true;
  return false;
}

}  // namespace

Response Route(CaseStore& store, const std::string& target, const i18n::Renderer* renderer) {
  std::string_view t = target;
  auto q = t.find('?');
  std::string_view path = t.substr(0, q);
  std::string_view query = q == std::string_view::npos ? std::string_view() : t.substr(q + 1);
  const PageWords w = WordsFor(query, renderer);
  const Response bad_page =
      Error(400,
            w.Say("page.bad_page_number",
                  "Page numbers in links are positive whole numbers; start again from the list."),
            w);
  if (path == "/" || path == "/index.html") {
    auto after = PageParam(query, "after");
    return after ? Index(store, *after, w) : bad_page;
  }
  for (std::string_view prefix : {"/groups/", "/reports/"}) {
    if (path.substr(0, prefix.size()) != prefix) continue;
    auto id = ParseId(path.substr(prefix.size()));
    if (!id) break;
    if (prefix == "/reports/") {
      auto part = PageParam(query, "part");
      return part ? OneReport(store, *id, *part, w) : bad_page;
    }
    auto before = PageParam(query, "before");
    return before ? Group(store, *id, *before, w) : bad_page;
  }
  return Error(404, w.Say("page.no_such_page", "There is no such page."), w);
}

struct PublicSite::Impl {
  Impl(net::ConnectionGate::Limits limits, net::RefusalLog& refusals)
      : connections(limits, refusals) {}
  // Declared first, destroyed last: sessions still held by the io_context when it
  // is destroyed give their slots back from their destructors.
  Connections connections;
  const i18n::Renderer* renderer = nullptr;
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  asio::steady_timer retry{io};

  void Accept(CaseStore& store) {
    acceptor.async_accept(asio::make_strand(io), [this, &store](beast::error_code ec, tcp::socket s) {
      if (ec == asio::error::operation_aborted) return;  // stopping
      if (!ec) {
        Admit(std::move(s), store);
        return Accept(store);
      }
      // Out of descriptors or another failure of accept itself: try again
      // shortly rather than spin on the same error.
      spdlog::warn("public page: accept: {}", ec.message());
      retry.expires_after(std::chrono::milliseconds(50));
      retry.async_wait([this, &store](beast::error_code e) {
        if (!e) Accept(store);
      });
    });
  }

  // Serves `s` if its address and the page have room; when every connection is
  // taken, an idle one of the address holding most makes room. Otherwise `s` is
  // closed as it goes out of scope, and the refusal logged.
  void Admit(tcp::socket s, CaseStore& store) {
    beast::error_code ec;
    auto endpoint = s.remote_endpoint(ec);
    if (ec) return;  // already gone
    std::string peer = PeerName(endpoint), address = net::PeerAddress(peer);
    auto& gate = connections.gate;
    using Verdict = net::ConnectionGate::Verdict;
    Verdict v = gate.Admit(address);
    if (v == Verdict::kTotalFull) {
      if (auto victim = gate.VictimFor(address); victim && connections.EvictIdle(*victim))
        v = gate.Admit(address);
    }
    if (v != Verdict::kAdmit) {
      connections.refusals.Refused(peer, gate.Why(v), "connection to the public page");
      return;
    }
    std::make_shared<Session>(std::move(s), store, connections, address, renderer)->Read();
  }
};

PublicSite::PublicSite(CaseStore& store, net::ConnectionGate::Limits limits,
                       net::RefusalLog& refusals, const i18n::Renderer* renderer)
    : store_(store), renderer_(renderer), impl_(std::make_unique<Impl>(limits, refusals)) {
  impl_->renderer = renderer_;
}

PublicSite::~PublicSite() { Stop(); }

Status PublicSite::Start(const std::string& listen) {
  auto hp = net::SplitHostPort(listen);
  if (!hp)
    return Status::InvalidArgument("--public-page " + listen + " is not host:port, e.g. 127.0.0.1:8080");
  beast::error_code ec;
  tcp::endpoint endpoint = net::Resolve(impl_->io, *hp, ec);
  if (ec) return Status::InvalidArgument("--public-page " + listen + ": " + ec.message());
  auto& a = impl_->acceptor;
  if ((ec = net::Listen(a, endpoint)))
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
  asio::post(impl_->io, [this] {
    beast::error_code ec;
    impl_->acceptor.close(ec);
  });
  impl_->io.stop();
  thread_.join();
}

}  // namespace baraza::web

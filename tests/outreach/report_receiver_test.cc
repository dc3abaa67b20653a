#include "services/outreach/report_receiver.h"

#include <curl/curl.h>
#include <poll.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <vector>

#include "services/outreach/signature.h"

namespace baraza::outreach {
namespace {

constexpr char kSecret[] = "report-test-secret";

struct Call {
  std::string key, reason;
  bool delivered;
};

size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }

// A real HTTP client (libcurl) posting to the receiver on 127.0.0.1.
struct Client {
  CURL* curl = curl_easy_init();
  ~Client() { curl_easy_cleanup(curl); }
  long Post(int port, const std::string& body, const std::string& signature, const std::string& path =
            "/v1/delivery-reports", const char* method = "POST", long expect_wait_ms = 0) {
    std::string url = "http://127.0.0.1:" + std::to_string(port) + path;
    curl_slist* h = curl_slist_append(nullptr, "Content-Type: application/json");
    if (!signature.empty()) h = curl_slist_append(h, ("X-Baraza-Signature: " + signature).c_str());
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROXY, "");
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Discard);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 15000L);
    if (expect_wait_ms) curl_easy_setopt(curl, CURLOPT_EXPECT_100_TIMEOUT_MS, expect_wait_ms);
    long code = 0;
    if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(h);
    return code;
  }
};

std::string ReportBody(const std::string& key, const std::string& status, const std::string& reason = "") {
  return "{\"idempotency_key\":\"" + key + "\",\"status\":\"" + status + "\",\"reason\":\"" + reason + "\"}";
}
std::string Signed(const std::string& body) { return "sha256=" + Sign(kSecret, body); }

struct ReceiverFixture {
  std::vector<Call> calls;
  std::unique_ptr<ReportReceiver> receiver;
  Client client;

  void Start(ReportReceiverOptions o = {}) {
    receiver = std::make_unique<ReportReceiver>(o);
    Status s = receiver->Start("127.0.0.1:0", kSecret, [this](const std::string& key, bool delivered,
                                                             const std::string& reason) {
      if (key == "unknown") return Status::NotFound("no such delivery");
      calls.push_back({key, reason, delivered});
      return Status::Ok();
    });
    REQUIRE(s.ok());
    REQUIRE(receiver->port() > 0);
  }
  long Post(const std::string& body) { return client.Post(receiver->port(), body, Signed(body)); }
};

// Whether the server closes a connection that sends nothing, within `wait`.
bool ClosedWithin(boost::asio::ip::tcp::socket& s, std::chrono::milliseconds wait) {
  pollfd p{s.native_handle(), POLLIN, 0};
  if (poll(&p, 1, static_cast<int>(wait.count())) <= 0) return false;
  char c;
  return recv(s.native_handle(), &c, 1, 0) == 0;
}

}  // namespace

TEST_CASE_METHOD(ReceiverFixture, "a signed report reaches the handler and is answered 204") {
  Start();
  CHECK(Post(ReportBody("d-12-3-sms", "delivered")) == 204);
  CHECK(Post(ReportBody("d-12-4-sms", "failed", "unknown subscriber")) == 204);
  REQUIRE(calls.size() == 2);
  CHECK(calls[0].key == "d-12-3-sms");
  CHECK(calls[0].delivered);
  CHECK_FALSE(calls[1].delivered);
  CHECK(calls[1].reason == "unknown subscriber");
}

TEST_CASE_METHOD(ReceiverFixture, "a report with a wrong or no signature is answered 401 and never reaches the handler") {
  auto ring = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(100);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", ring));
  Start();
  std::string body = ReportBody("d-12-3-sms", "delivered");
  auto began = std::chrono::steady_clock::now();
  for (int i = 0; i < 5; ++i) {
    CHECK(client.Post(receiver->port(), body, "sha256=" + Sign("another secret", body)) == 401);
    CHECK(client.Post(receiver->port(), body, "") == 401);
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  CHECK(calls.empty());
  receiver->Stop();
  spdlog::set_default_logger(previous);
  auto lines = ring->last_formatted();
  // At most one warning per second from this peer, naming it.
  CHECK(!lines.empty());
  CHECK(lines.size() <= static_cast<size_t>(seconds) + 1);
  CHECK(lines[0].find("127.0.0.1") != std::string::npos);
}

TEST_CASE_METHOD(ReceiverFixture, "a body over 8 KiB is answered 413 and never reaches the handler") {
  Start();
  CHECK(Post(ReportBody("d-1", "failed", std::string(9 * 1024, 'x'))) == 413);
  CHECK(calls.empty());
  CHECK(Post(ReportBody("d-1", "failed", std::string(7 * 1024, 'x'))) == 204);  // under the limit
}

TEST_CASE_METHOD(ReceiverFixture, "a burst over the rate is answered 429 in part") {
  ReportReceiverOptions o;
  o.reports_per_second = 5;
  Start(o);
  int ok = 0, limited = 0;
  for (int i = 0; i < 30; ++i) {
    long code = Post(ReportBody("d-" + std::to_string(i), "delivered"));
    ok += code == 204;
    limited += code == 429;
  }
  CHECK(ok >= 5);
  CHECK(limited >= 1);
  CHECK(ok + limited == 30);
  CHECK(calls.size() == static_cast<size_t>(ok));
}

TEST_CASE_METHOD(ReceiverFixture, "bad JSON or fields are answered 400") {
  Start();
  CHECK(Post("not json") == 400);
  CHECK(Post("[1,2]") == 400);
  CHECK(Post(ReportBody("d-1", "maybe")) == 400);
  CHECK(Post("{\"status\":\"delivered\"}") == 400);
  CHECK(Post("{\"idempotency_key\":\"d 1\",\"status\":\"delivered\"}") == 400);
  CHECK(Post("{\"idempotency_key\":\"d-1\",\"status\":\"failed\",\"reason\":5}") == 400);
  CHECK(calls.empty());
  CHECK(Post("{\"idempotency_key\":\"d-1\",\"status\":\"failed\"}") == 204);  // reason may be absent
}

TEST_CASE_METHOD(ReceiverFixture, "a report for an unknown delivery is answered 404") {
  Start();
  CHECK(Post(ReportBody("unknown", "delivered")) == 404);
}

TEST_CASE_METHOD(ReceiverFixture, "other methods and paths are refused") {
  Start();
  std::string body = ReportBody("d-1", "delivered");
  CHECK(client.Post(receiver->port(), body, Signed(body), "/v1/delivery-reports", "PUT") == 405);
  CHECK(client.Post(receiver->port(), body, Signed(body), "/v1/other") == 404);
  CHECK(client.Post(receiver->port(), body, Signed(body), "/") == 404);
  CHECK(calls.empty());
}

TEST_CASE_METHOD(ReceiverFixture, "a report sent with Expect: 100-continue is read without waiting") {
  Start();
  std::string body = ReportBody("d-1", "failed", std::string(3000, 'r'));  // curl asks to continue past 1 KiB
  auto began = std::chrono::steady_clock::now();
  CHECK(client.Post(receiver->port(), body, Signed(body), "/v1/delivery-reports", "POST", 10000) == 204);
  CHECK(std::chrono::steady_clock::now() - began < std::chrono::seconds(5));
}

TEST_CASE_METHOD(ReceiverFixture, "reports from one client share one connection") {
  Start();
  CHECK(Post(ReportBody("d-1", "delivered")) == 204);
  CHECK(Post(ReportBody("d-2", "delivered")) == 204);
  long connects = -1;
  curl_easy_getinfo(client.curl, CURLINFO_NUM_CONNECTS, &connects);
  CHECK(connects == 0);
}

TEST_CASE_METHOD(ReceiverFixture, "connections beyond the limit are closed and an idle one times out") {
  ReportReceiverOptions o;
  o.max_connections = 2;
  o.read_timeout = std::chrono::milliseconds(2000);
  Start(o);
  boost::asio::io_context io;
  boost::asio::ip::tcp::endpoint at(boost::asio::ip::make_address("127.0.0.1"), receiver->port());
  std::vector<boost::asio::ip::tcp::socket> open;
  for (int i = 0; i < 3; ++i) {
    open.emplace_back(io);
    open.back().connect(at);
  }
  CHECK(ClosedWithin(open[2], std::chrono::milliseconds(1500)));  // the third: refused
  CHECK_FALSE(ClosedWithin(open[0], std::chrono::milliseconds(100)));
  CHECK(ClosedWithin(open[0], std::chrono::milliseconds(5000)));  // idle past the read timeout
}

TEST_CASE("a receiver refuses a non-loopback address, an empty secret or no handler") {
  ReportReceiver r;
  auto h = [](const std::string&, bool, const std::string&) { return Status::Ok(); };
  CHECK(r.Start("0.0.0.0:0", kSecret, h).code() == Code::kInvalidArgument);
  CHECK(r.Start("127.0.0.1:0", "", h).code() == Code::kInvalidArgument);
  CHECK(r.Start("127.0.0.1:0", kSecret, nullptr).code() == Code::kInvalidArgument);
  CHECK(r.Start("no-port", kSecret, h).code() == Code::kInvalidArgument);
  REQUIRE(r.Start("127.0.0.1:0", kSecret, h).ok());
  CHECK(r.Start("127.0.0.1:0", kSecret, h).code() == Code::kFailedPrecondition);
  r.Stop();
  r.Stop();
}

}  // namespace baraza::outreach

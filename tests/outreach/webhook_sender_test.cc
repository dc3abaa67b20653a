#include "services/outreach/webhook_sender.h"

#include <catch2/catch.hpp>

#include "services/outreach/signature.h"
#include "tests/fakes/temp_dir.h"
#include "tests/outreach/sink_process.h"

namespace baraza::outreach {
namespace {

using testing::ReadRecords;

constexpr char kSecret[] = "webhook-test-secret";

struct HttpFixture {
  testing::TempDir dir;
  testing::SinkProcess sink;
  HttpFixture() { REQUIRE(sink.Start("http_sink.py", dir.path().string())); }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(sink.port()) + path;
  }
  WebhookOptions Options() const {
    WebhookOptions o;
    o.secret = kSecret;
    o.sms_gateway_url = Url("/accepted");
    o.timeout_ms = 5000;
    return o;
  }
  std::vector<nlohmann::json> Records() const { return ReadRecords(dir.path().string()); }
};

Message Hook(const std::string& url, const std::string& key = "d-12-3-webhook") {
  Message m;
  m.idempotency_key = key;
  m.channel = Channel::kWebhook;
  m.address = url;
  m.subject = "Call to negotiate";
  m.text = "Affaire 12 : répondez avant le 1 décembre. مرحبا";
  m.case_id = 12;
  m.notice_id = 3;
  m.notice_kind = "call_to_negotiate";
  m.deadline_unix_ms = 1796140800000;  // 2026-12-01T16:00:00Z
  return m;
}

}  // namespace

TEST_CASE_METHOD(HttpFixture, "a webhook POST carries the JSON fields, the key and a signature that verifies") {
  Message m = Hook(Url("/ok"));
  SendResult r = NewWebhookSender(Options())->Send(m);
  INFO(r.detail);
  REQUIRE(r.outcome == Outcome::kDelivered);
  auto records = Records();
  REQUIRE(records.size() == 1);
  const auto& rec = records[0];
  CHECK(rec["method"] == "POST");
  CHECK(rec["path"] == "/ok");
  const auto& h = rec["headers"];
  CHECK(h["content-type"] == "application/json");
  CHECK(h["idempotency-key"] == "d-12-3-webhook");
  std::string body = rec["body"];
  CHECK(h["x-baraza-signature"] == "sha256=" + Sign(kSecret, body));
  CHECK(Verify(kSecret, body, h["x-baraza-signature"]));
  CHECK(std::stoll(h["x-baraza-timestamp"].get<std::string>()) > 1700000000);
  auto j = nlohmann::json::parse(body);
  CHECK(j["idempotency_key"] == "d-12-3-webhook");
  CHECK(j["channel"] == "webhook");
  CHECK(j["to"] == Url("/ok"));
  CHECK(j["text"] == m.text);
  CHECK(j["case_id"] == 12);
  CHECK(j["notice_id"] == 3);
  CHECK(j["kind"] == "call_to_negotiate");
  CHECK(j["deadline"] == "2026-12-01T16:00:00Z");
}

TEST_CASE_METHOD(HttpFixture, "an SMS goes to the gateway with the phone number and the short text, and counts as sent") {
  Message m = Hook("+252612345678", "d-12-3-sms");
  m.channel = Channel::kSms;
  m.short_text = "Affaire 12: répondez avant le 1 déc. 16h UTC";
  m.deadline_unix_ms = 1796140800250;
  SendResult r = NewWebhookSender(Options())->Send(m);
  INFO(r.detail);
  REQUIRE(r.outcome == Outcome::kSent);
  auto records = Records();
  REQUIRE(records.size() == 1);
  CHECK(records[0]["path"] == "/accepted");
  auto j = nlohmann::json::parse(records[0]["body"].get<std::string>());
  CHECK(j["channel"] == "sms");
  CHECK(j["to"] == "+252612345678");
  CHECK(j["text"] == m.short_text);
  CHECK(j["deadline"] == "2026-12-01T16:00:00.250Z");
  CHECK(records[0]["headers"]["idempotency-key"] == "d-12-3-sms");
}

TEST_CASE_METHOD(HttpFixture, "an SMS without a deadline has a null deadline, and without a gateway fails unsent") {
  Message m = Hook("+252612345678", "d-1-sms");
  m.channel = Channel::kSms;
  m.deadline_unix_ms = 0;
  CHECK(nlohmann::json::parse(WebhookBody(m))["deadline"].is_null());
  WebhookOptions o = Options();
  o.sms_gateway_url.clear();
  SendResult r = NewWebhookSender(o)->Send(m);
  CHECK(r.outcome == Outcome::kFailed);
  CHECK(r.detail == "no SMS gateway configured");
  m.address = "0612345678";
  CHECK(NewWebhookSender(Options())->Send(m).outcome == Outcome::kFailed);
  CHECK(Records().empty());
}

TEST_CASE_METHOD(HttpFixture, "a 404 fails naming the status and the URL without its query string") {
  SendResult r = NewWebhookSender(Options())->Send(Hook(Url("/gone?token=s3cret")));
  CHECK(r.outcome == Outcome::kFailed);
  CHECK(r.detail.rfind("HTTP 404 from " + Url("/gone"), 0) == 0);
  CHECK(r.detail.find("s3cret") == std::string::npos);
}

TEST_CASE_METHOD(HttpFixture, "503 and 429 are retried") {
  auto sender = NewWebhookSender(Options());
  SendResult busy = sender->Send(Hook(Url("/busy")));
  CHECK(busy.outcome == Outcome::kRetry);
  CHECK(busy.detail.rfind("HTTP 503 from " + Url("/busy"), 0) == 0);
  CHECK(sender->Send(Hook(Url("/throttle"))).outcome == Outcome::kRetry);
}

TEST_CASE_METHOD(HttpFixture, "a redirect is not followed") {
  SendResult r = NewWebhookSender(Options())->Send(Hook(Url("/redirect")));
  CHECK(r.outcome == Outcome::kFailed);
  CHECK(r.detail.find("HTTP 302") != std::string::npos);
  CHECK(Records().size() == 1);
}

TEST_CASE_METHOD(HttpFixture, "plain http to a host that is not loopback fails without any traffic") {
  auto sender = NewWebhookSender(Options());
  for (const char* url : {"http://example.org/hook", "http://127.0.0.1.example.org/hook", "http://127.evil/",
                          "ftp://127.0.0.1/", "https://user:pw@example.org/"}) {
    INFO(url);
    SendResult r = sender->Send(Hook(url));
    CHECK(r.outcome == Outcome::kFailed);
    CHECK(r.detail.rfind("not sent: ", 0) == 0);
  }
  WebhookOptions o = Options();
  o.sms_gateway_url = "http://gateway.example.org/sms";
  Message sms = Hook("+252612345678");
  sms.channel = Channel::kSms;
  CHECK(NewWebhookSender(o)->Send(sms).outcome == Outcome::kFailed);
  CHECK(Records().empty());
}

TEST_CASE_METHOD(HttpFixture, "a receiver that is not running is retried") {
  std::string url = Url("/ok");
  sink.Stop();
  SendResult r = NewWebhookSender(Options())->Send(Hook(url));
  CHECK(r.outcome == Outcome::kRetry);
  CHECK(r.detail.rfind("could not reach " + url, 0) == 0);
}

TEST_CASE_METHOD(HttpFixture, "a receiver slower than the timeout is retried") {
  WebhookOptions o = Options();
  o.timeout_ms = 500;
  SendResult r = NewWebhookSender(o)->Send(Hook(Url("/slow")));
  CHECK(r.outcome == Outcome::kRetry);
  CHECK(r.detail.find("could not reach") != std::string::npos);
}

TEST_CASE_METHOD(HttpFixture, "two POSTs through one sender share one connection") {
  auto sender = NewWebhookSender(Options());
  REQUIRE(sender->Send(Hook(Url("/ok"), "k1")).outcome == Outcome::kDelivered);
  REQUIRE(sender->Send(Hook(Url("/ok"), "k2")).outcome == Outcome::kDelivered);
  auto records = Records();
  REQUIRE(records.size() == 2);
  CHECK(records[0]["peer_port"] == records[1]["peer_port"]);
  CHECK(records[1]["headers"]["idempotency-key"] == "k2");
}

TEST_CASE("a text with invalid UTF-8 still gives a JSON body") {
  Message m = Hook("https://gateway.example.org/hook");
  m.text = "bad \xff byte";
  auto j = nlohmann::json::parse(WebhookBody(m));
  CHECK(j["text"] == "bad \uFFFD byte");
}

}  // namespace baraza::outreach

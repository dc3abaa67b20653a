#include "services/outreach/webhook_sender.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

#include "services/outreach/curl_util.h"
#include "services/outreach/signature.h"
#include "services/outreach/sms_text.h"
#include "services/outreach/url.h"

namespace baraza::outreach {
namespace {

constexpr size_t kKeptResponse = 200;  // bytes of a refusal's body shown in its detail

// "2026-12-01T14:50:59Z", with ".123" before the Z when the milliseconds are not 0.
std::string IsoUtc(int64_t unix_ms) {
  std::time_t secs = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  int ms = static_cast<int>(unix_ms % 1000);
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  std::string out = buf;
  if (ms != 0) {
    std::snprintf(buf, sizeof buf, ".%03d", ms);
    out += buf;
  }
  return out + "Z";
}

// The start of a refusal's body, on one line, cut on a UTF-8 boundary.
std::string Snippet(std::string s) {
  if (s.size() > kKeptResponse) {
    size_t end = kKeptResponse;
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
    s = s.substr(0, end) + "…";
  }
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  return s;
}

size_t OnWrite(char* data, size_t size, size_t nmemb, void* userp) {
  auto* kept = static_cast<std::string*>(userp);
  size_t n = size * nmemb;
  if (kept->size() < kKeptResponse + 4) kept->append(data, std::min(n, kKeptResponse + 4 - kept->size()));
  return n;  // the rest is read and dropped, so the connection stays usable
}

class WebhookSender : public Sender {
 public:
  explicit WebhookSender(WebhookOptions o) : o_(std::move(o)) {
    EnsureCurlGlobalInit();
    curl_.reset(curl_easy_init());
  }

  SendResult Send(const Message& m) override {
    std::string target;
    if (m.channel == Channel::kWebhook) {
      target = m.address;
    } else if (m.channel == Channel::kSms) {
      if (o_.sms_gateway_url.empty()) return {Outcome::kFailed, "no SMS gateway configured"};
      if (Status s = ValidateAddress(Channel::kSms, m.address); !s.ok())
        return {Outcome::kFailed, "not sent: " + s.message()};
      target = o_.sms_gateway_url;
    } else {
      return {Outcome::kFailed, "the webhook sender does not send e-mail"};
    }
    auto url = ParseWebhookUrl(target);
    if (!url.ok()) return {Outcome::kFailed, "not sent: " + url.status().message()};
    if (!IsValidIdempotencyKey(m.idempotency_key))
      return {Outcome::kFailed, "not sent: the delivery's idempotency key is empty or not printable ASCII"};
    if (!curl_) return {Outcome::kRetry, "libcurl could not be initialised"};

    std::string body = WebhookBody(m);
    auto now = std::chrono::system_clock::now().time_since_epoch();
    CurlList headers;
    for (const std::string& h :
         {std::string("Content-Type: application/json"), "Idempotency-Key: " + m.idempotency_key,
          "X-Baraza-Timestamp: " + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now).count()),
          "X-Baraza-Signature: sha256=" + Sign(o_.secret, body),
          std::string("Expect:")})  // no 100-continue round trip before the body
      if (!Append(headers, h)) return {Outcome::kRetry, "out of memory"};
    std::string kept;
    char error[CURL_ERROR_SIZE] = {0};

    CURL* c = curl_.get();
    curl_easy_reset(c);  // keeps the open connection for the next POST to the same host
    curl_easy_setopt(c, CURLOPT_URL, url->url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, o_.timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, o_.timeout_ms);
    // A proxy from the environment may apply to the world, never to this machine.
    if (IsLoopbackHost(UrlHost(url->url))) curl_easy_setopt(c, CURLOPT_PROXY, "");
    curl_easy_setopt(c, CURLOPT_USERAGENT, "barazad-outreach");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnWrite);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &kept);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
    CURLcode rc = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, nullptr);  // `error` goes out of scope
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, nullptr);   // `headers` too
    return Classify(m.channel, rc, code, kept, error, url->redacted);
  }

 private:
  static SendResult Classify(Channel ch, CURLcode rc, long code, const std::string& kept, const char* error,
                             const std::string& where) {
    if (rc != CURLE_OK) {
      std::string why = *error ? error : curl_easy_strerror(rc);
      return {Outcome::kRetry, "could not reach " + where + ": " + why};
    }
    std::string what = "HTTP " + std::to_string(code) + " from " + where;
    if (code >= 200 && code <= 299)
      return {ch == Channel::kSms ? Outcome::kSent : Outcome::kDelivered, what};
    if (!kept.empty()) what += ": " + Snippet(kept);
    if (code == 408 || code == 429 || (code >= 500 && code <= 599)) return {Outcome::kRetry, what};
    if (code >= 300 && code <= 399) what += " (redirects are not followed: give the final URL)";
    return {Outcome::kFailed, what};
  }

  WebhookOptions o_;
  CurlEasy curl_;
};

}  // namespace

std::string WebhookBody(const Message& m) {
  nlohmann::ordered_json j;
  j["idempotency_key"] = m.idempotency_key;
  j["channel"] = m.channel == Channel::kSms ? "sms" : "webhook";
  j["to"] = m.address;
  j["text"] = m.channel == Channel::kSms ? FitSms(m.short_text.empty() ? m.text : m.short_text) : m.text;
  j["case_id"] = m.case_id;
  j["notice_id"] = m.notice_id;
  j["kind"] = m.notice_kind;
  j["deadline"] = m.deadline_unix_ms > 0 ? nlohmann::ordered_json(IsoUtc(m.deadline_unix_ms)) : nullptr;
  // Text typed by people may hold invalid UTF-8; it is replaced, never a throw.
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::unique_ptr<Sender> NewWebhookSender(WebhookOptions options) {
  return std::make_unique<WebhookSender>(std::move(options));
}

}  // namespace baraza::outreach

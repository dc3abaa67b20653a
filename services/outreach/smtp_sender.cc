#include "services/outreach/smtp_sender.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string_view>
#include <vector>

#include "services/outreach/curl_util.h"
#include "services/outreach/url.h"

namespace baraza::outreach {
namespace {

std::string Base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

bool IsAscii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

// The subject on one header line: a case title is typed by people, so a line
// break or control character in it must not start a header of its own.
std::string SubjectHeader(std::string subject) {
  for (char& c : subject)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  if (IsAscii(subject) && subject.size() <= 900 && subject.find("=?") == std::string::npos)
    return "Subject: " + subject + "\r\n";
  // RFC 2047 encoded-words: 42 bytes of UTF-8 give 56 of base64, a 68-character
  // word, so that even the first line, after "Subject: ", stays within 78. Each word ends on a character boundary, as RFC 2047 §5 requires.
  std::string out = "Subject:";
  size_t i = 0;
  while (i < subject.size()) {
    size_t end = std::min(subject.size(), i + 42);
    while (end < subject.size() && end > i && (static_cast<unsigned char>(subject[end]) & 0xC0) == 0x80) --end;
    if (end == i) end = std::min(subject.size(), i + 42);  // not UTF-8: cut anywhere
    out += (i == 0 ? " " : "\r\n ");
    out += "=?UTF-8?B?" + Base64(std::string_view(subject).substr(i, end - i)) + "?=";
    i = end;
  }
  return out + "\r\n";
}

// Lines of the body with any line end (CRLF, LF, CR) as separator.
std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\r' && text[i] != '\n') continue;
    lines.push_back(text.substr(start, i - start));
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    start = i + 1;
  }
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

// RFC 2045 §6.7 quoted-printable of one line, soft-broken at 76 characters. A
// leading "." is encoded too, so no relay can mistake it for the end of data.
void QuotedPrintableLine(std::string_view line, std::string& out) {
  static const char kHex[] = "0123456789ABCDEF";
  size_t width = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    bool last = i + 1 == line.size();
    bool literal = (c >= 33 && c <= 126 && c != '=' && !(c == '.' && width == 0)) ||
                   ((c == ' ' || c == '\t') && !last);
    std::string piece = literal ? std::string(1, static_cast<char>(c))
                                : std::string{'=', kHex[c >> 4], kHex[c & 0xF]};
    if (width + piece.size() > 75) {
      out += "=\r\n";
      width = 0;
    }
    out += piece;
    width += piece.size();
  }
  out += "\r\n";
}

// "Tue, 01 Dec 2026 14:50:59 +0000", whatever the process's locale.
std::string Rfc5322Date(std::chrono::system_clock::time_point t) {
  static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday], tm.tm_mday,
                kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

// The left part of the Message-ID: the key itself when it is letters, digits,
// "-" and "_"; any other byte as "=XX", so that two keys never share an id.
std::string MessageIdLeft(std::string_view key) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : key) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_') {
      out += ch;
    } else {
      out += '=';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

// The relay's replies, read from libcurl's debug stream (the commands we send,
// and so any password, are skipped): the first 4xx/5xx one, which says why a
// message failed, and the last other one but the "221" to our QUIT.
struct Replies {
  std::string partial;  // the lines so far of a multi-line reply ("250-…")
  std::string last, first_error;
};

int OnDebug(CURL*, curl_infotype type, char* data, size_t size, void* userp) {
  if (type != CURLINFO_HEADER_IN) return 0;
  auto& r = *static_cast<Replies*>(userp);
  std::string line(data, size);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  if (line.size() > 300) line.resize(300);
  if (r.partial.size() < 1000) r.partial += (r.partial.empty() ? "" : " ") + line;
  if (line.size() >= 4 && line[3] == '-') return 0;  // more lines of this reply follow
  std::string reply = std::move(r.partial);
  r.partial.clear();
  if ((reply[0] == '4' || reply[0] == '5') && r.first_error.empty()) r.first_error = reply;
  else if (reply.rfind("221", 0) != 0) r.last = reply;
  return 0;
}

struct Upload {
  const std::string* data;
  size_t pos = 0;
};

size_t OnRead(char* buffer, size_t size, size_t nitems, void* userp) {
  auto* up = static_cast<Upload*>(userp);
  size_t n = std::min(size * nitems, up->data->size() - up->pos);
  std::memcpy(buffer, up->data->data() + up->pos, n);
  up->pos += n;
  return n;
}

class SmtpSender : public Sender {
 public:
  explicit SmtpSender(SmtpOptions o) : o_(std::move(o)) {
    EnsureCurlGlobalInit();
    curl_.reset(curl_easy_init());
    std::string host = UrlHost(o_.url);
    relay_ = host.empty() ? "the mail relay" : "the mail relay " + host;
    // With a password, STARTTLS stripped by someone on the path would expose it.
    tls_required_ = o_.require_tls || o_.url.rfind("smtps://", 0) == 0 ||
                    (!o_.password.empty() && !IsLoopbackHost(host));
  }

  SendResult Send(const Message& m) override {
    if (m.channel != Channel::kEmail) return {Outcome::kFailed, "the e-mail sender sends only e-mail"};
    if (Status s = ValidateAddress(Channel::kEmail, m.address); !s.ok())
      return {Outcome::kFailed, "not sent to \"" + Printable(m.address) + "\": " + s.message()};
    if (!IsValidIdempotencyKey(m.idempotency_key))
      return {Outcome::kFailed, "not sent: the delivery's idempotency key is empty or not printable ASCII"};
    if (Status s = ValidateAddress(Channel::kEmail, o_.from); !s.ok())
      return {Outcome::kRetry, "not sent: the configured sender address is not valid: " + s.message()};
    if (!curl_) return {Outcome::kRetry, "libcurl could not be initialised"};

    std::string mail = ComposeEmail(o_, m, Rfc5322Date(std::chrono::system_clock::now()));
    Upload up{&mail};
    CurlList rcpt;
    if (!Append(rcpt, "<" + m.address + ">")) return {Outcome::kRetry, "out of memory"};
    Replies reply;
    char error[CURL_ERROR_SIZE] = {0};
    std::string from = "<" + o_.from + ">";

    CURL* c = curl_.get();
    curl_easy_reset(c);  // keeps the open connection to the relay for the next message
    curl_easy_setopt(c, CURLOPT_URL, o_.url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, o_.timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, o_.timeout_ms);
    curl_easy_setopt(c, CURLOPT_USE_SSL, tls_required_ ? static_cast<long>(CURLUSESSL_ALL)
                                                       : static_cast<long>(CURLUSESSL_TRY));
    if (!o_.user.empty() && !o_.password.empty()) {
      curl_easy_setopt(c, CURLOPT_USERNAME, o_.user.c_str());
      curl_easy_setopt(c, CURLOPT_PASSWORD, o_.password.c_str());
    }
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, OnRead);
    curl_easy_setopt(c, CURLOPT_READDATA, &up);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(mail.size()));
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);  // only to hand the relay's replies to OnDebug
    curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, OnDebug);
    curl_easy_setopt(c, CURLOPT_DEBUGDATA, &reply);
    CURLcode rc = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, nullptr);  // `error` goes out of scope
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, nullptr);    // `rcpt` too
    return Classify(rc, code, reply, error);
  }

 private:
  SendResult Classify(CURLcode rc, long code, const Replies& replies, const char* error) const {
    if (rc == CURLE_OK) return {Outcome::kDelivered, "accepted by " + relay_ + ": " + replies.last};
    const std::string& reply = replies.first_error;
    if (rc == CURLE_LOGIN_DENIED)
      return {Outcome::kRetry, relay_ + " refused our login (check the SMTP user and password): " + reply};
    if (rc == CURLE_USE_SSL_FAILED)
      return {Outcome::kRetry, relay_ + " does not offer TLS, which the configuration requires"};
    if (code >= 500 && code <= 599) return {Outcome::kFailed, reply.empty() ? std::to_string(code) : reply};
    if (code >= 400 && code <= 499)
      return {Outcome::kRetry, relay_ + " asked us to try later: " + (reply.empty() ? std::to_string(code) : reply)};
    std::string why = *error ? error : curl_easy_strerror(rc);
    return {Outcome::kRetry, "could not reach " + relay_ + ": " + why};
  }

  static std::string Printable(std::string s) {
    for (char& c : s)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    return s.size() > 100 ? s.substr(0, 100) + "…" : s;
  }

  SmtpOptions o_;
  CurlEasy curl_;
  std::string relay_;
  bool tls_required_ = false;
};

}  // namespace

std::string ComposeEmail(const SmtpOptions& options, const Message& m, const std::string& date) {
  std::string body_text = m.text;
  auto lines = Lines(body_text);
  bool plain = IsAscii(body_text) && body_text.find('\0') == std::string::npos;
  for (auto line : lines) plain = plain && line.size() <= 998;
  std::string out;
  out += "Date: " + date + "\r\n";
  out += "From: " + options.from + "\r\n";
  out += "To: " + m.address + "\r\n";
  out += SubjectHeader(m.subject);
  out += "Message-ID: <" + MessageIdLeft(m.idempotency_key) + "@baraza>\r\n";
  out += "Idempotency-Key: " + m.idempotency_key + "\r\n";
  out += "Auto-Submitted: auto-generated\r\n";  // RFC 3834: no out-of-office replies to us
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=UTF-8\r\n";
  out += std::string("Content-Transfer-Encoding: ") + (plain ? "7bit" : "quoted-printable") + "\r\n";
  out += "\r\n";
  for (auto line : lines) {
    if (plain) {
      out.append(line.data(), line.size());
      out += "\r\n";  // libcurl doubles a leading "." on the wire (RFC 5321 §4.5.2)
    } else {
      QuotedPrintableLine(line, out);
    }
  }
  return out;
}

std::unique_ptr<Sender> NewSmtpSender(SmtpOptions options) {
  return std::make_unique<SmtpSender>(std::move(options));
}

}  // namespace baraza::outreach

#include "services/outreach/url.h"

#include <arpa/inet.h>
#include <curl/curl.h>

#include <algorithm>
#include <memory>

namespace baraza::outreach {
namespace {

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
struct CurlFree {
  void operator()(char* p) const { curl_free(p); }
};

// One part of a parsed URL, or "" when absent.
std::string Part(CURLU* u, CURLUPart what) {
  char* raw = nullptr;
  if (curl_url_get(u, what, &raw, 0) != CURLUE_OK) return "";
  std::unique_ptr<char, CurlFree> p(raw);
  return p ? std::string(p.get()) : std::string();
}

}  // namespace

bool IsLoopbackHost(std::string host) {
  if (host == "localhost") return true;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  unsigned char buf[16];
  if (inet_pton(AF_INET, host.c_str(), buf) == 1) return buf[0] == 127;
  if (inet_pton(AF_INET6, host.c_str(), buf) == 1) {
    static const unsigned char kLoop6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    return std::equal(buf, buf + 16, kLoop6);
  }
  return false;
}

std::string UrlHost(const std::string& url) {
  std::unique_ptr<CURLU, UrlDeleter> u(curl_url());
  if (!u || curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) return "";
  return Part(u.get(), CURLUPART_HOST);
}

Result<WebhookUrl> ParseWebhookUrl(const std::string& url) {
  std::unique_ptr<CURLU, UrlDeleter> u(curl_url());
  if (!u) return Status::Internal("out of memory parsing a URL");
  if (url.size() > 2048 || curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK)
    return Status::InvalidArgument("not a URL (e.g. https://gateway.example.org/hook)");
  std::string scheme = Part(u.get(), CURLUPART_SCHEME), host = Part(u.get(), CURLUPART_HOST);
  if (!Part(u.get(), CURLUPART_USER).empty() || !Part(u.get(), CURLUPART_PASSWORD).empty())
    return Status::InvalidArgument("a URL may not carry a user name or password");
  if (scheme == "http" && !IsLoopbackHost(host))
    return Status::InvalidArgument("only https:// URLs are allowed (http:// only to 127.0.0.1, [::1] "
                                   "or localhost)");
  if (scheme != "https" && scheme != "http")
    return Status::InvalidArgument("only https:// URLs are allowed");
  if (host.empty()) return Status::InvalidArgument("a URL needs a host");
  std::string port = Part(u.get(), CURLUPART_PORT), path = Part(u.get(), CURLUPART_PATH);
  WebhookUrl w;
  w.url = url;
  w.redacted = scheme + "://" + host + (port.empty() ? "" : ":" + port) + (path.empty() ? "/" : path);
  return w;
}

}  // namespace baraza::outreach

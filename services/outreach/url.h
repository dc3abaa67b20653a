// Webhook and SMS-gateway URLs: which ones the channel layer will POST to, and
// how one is shown in a delivery's detail. Internal to services/outreach; thread-safe.
#pragma once

#include <string>

#include "services/workflow/status.h"

namespace baraza::outreach {

struct WebhookUrl {
  std::string url;       // as given, to send to
  std::string redacted;  // scheme://host[:port]/path: no user, password, query or fragment
};

// Accepts https:// URLs, and http:// only to a literal loopback host (127.0.0.0/8,
// [::1], localhost), so that a notice never crosses a network in the clear. A URL
// with a user name or password is refused: secrets belong in the configuration.
Result<WebhookUrl> ParseWebhookUrl(const std::string& url);

// The host of any URL curl can parse ("" if none), e.g. "[::1]" or "relay.example".
std::string UrlHost(const std::string& url);
// Whether a host as UrlHost returns it is a literal loopback address or
// "localhost". No name is resolved, so "127.example.org" is not loopback.
bool IsLoopbackHost(std::string host);

}  // namespace baraza::outreach

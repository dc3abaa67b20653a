// HMAC-SHA256 signatures of the JSON bodies Baraza posts to webhooks and SMS
// gateways, and of the delivery reports they post back. Stateless; thread-safe.
#pragma once

#include <string>

namespace baraza::outreach {

// The lowercase hex HMAC-SHA256 of `body` under `secret` (64 characters).
// The header that carries it reads "sha256=" followed by this.
std::string Sign(const std::string& secret, const std::string& body);

// Whether `header_value` is "sha256=<hex>" and the hex is Sign(secret, body),
// compared in constant time; upper- or lowercase hex. False for an empty secret,
// so that a receiver with no secret configured accepts nothing.
bool Verify(const std::string& secret, const std::string& body, const std::string& header_value);

}  // namespace baraza::outreach

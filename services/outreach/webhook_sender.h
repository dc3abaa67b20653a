// Webhook and SMS-gateway delivery (libcurl): one signed JSON POST per Send, the
// shape RapidPro/TextIt, Twilio relays and other systems consume. A Sender is
// used by one thread at a time.
#pragma once

#include <memory>
#include <string>

#include "services/outreach/channel.h"

namespace baraza::outreach {

struct WebhookOptions {
  std::string secret;           // the HMAC-SHA256 key of X-Baraza-Signature
  std::string sms_gateway_url;  // where Channel::kSms messages are posted; "" = no SMS
  long timeout_ms = 10000;      // for the whole exchange of one message
};

// Send() POSTs to m.address (kWebhook) or to sms_gateway_url with the phone
// number in "to" (kSms) this JSON body:
//   {"idempotency_key": "...", "channel": "sms"|"webhook", "to": "...",
//    "text": "...",  // short_text for sms (FitSms of text when empty), text for webhook
//    "case_id": 1, "notice_id": 2, "kind": "reminder",
//    "deadline": "2026-12-01T14:50:59Z" or null}
// with the headers Content-Type: application/json, Idempotency-Key: <key>,
// X-Baraza-Timestamp: <unix seconds>, X-Baraza-Signature: sha256=<Sign(secret, body)>.
// Only https:// URLs, or http:// to a literal loopback host; redirects are not
// followed. 2xx → kDelivered (webhook) or kSent (sms: a delivery report follows);
// 408, 429, 5xx, timeouts and connection errors → kRetry; any other answer or a
// refused URL → kFailed, e.g. "HTTP 404 from https://host/path" (the query
// string, which may hold a token, is never shown).
std::unique_ptr<Sender> NewWebhookSender(WebhookOptions options);

// The JSON body Send() would post for `m` (no I/O). For tests and receivers' docs.
std::string WebhookBody(const Message& m);

}  // namespace baraza::outreach

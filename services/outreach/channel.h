// The channel layer's interface: one Message to one address, sent by a Sender
// (e-mail, SMS gateway, webhook), with an Outcome the delivery worker acts on.
// Values are plain data; a Sender is used by one thread at a time; the free functions are thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "services/workflow/model.h"
#include "services/workflow/status.h"

namespace baraza::outreach {

enum class Channel { kEmail, kSms, kWebhook };
// The channel of a contact point's kind (a stream has none: kWebhook is never
// used for it, callers check first).
inline Channel ChannelOf(ContactKind kind) {
  switch (kind) {
    case ContactKind::kSms: return Channel::kSms;
    case ContactKind::kWebhook: return Channel::kWebhook;
    default: return Channel::kEmail;
  }
}

// One delivery of one notice to one contact point.
struct Message {
  std::string idempotency_key;  // the same on every retry of one delivery
  Channel channel = Channel::kEmail;
  std::string address;          // e-mail address, E.164 phone number, or webhook URL
  std::string subject;          // e-mail subject
  std::string text;             // the full text (e-mail body, webhook "text")
  std::string short_text;       // the SMS text (already fitted by the caller, see sms_text.h)
  int64_t case_id = 0, notice_id = 0;
  std::string notice_kind;      // e.g. "call_to_negotiate", "reminder"
  int64_t deadline_unix_ms = 0; // 0 if none
};

// kDelivered: the recipient's side has it (a webhook answered 2xx, the mail relay
// accepted it). kSent: an SMS gateway accepted it; a delivery report follows later.
// kRetry: try again later (the channel is down or busy). kFailed: final.
enum class Outcome { kDelivered, kSent, kRetry, kFailed };

// `detail` is a reason a person can act on, e.g. "550 5.1.1 no such user" or
// "HTTP 404 from https://…". It never holds a secret or a URL's query string.
struct SendResult {
  Outcome outcome;
  std::string detail;
};

class Sender {
 public:
  virtual ~Sender() = default;
  // Sends one message and says what became of it. Blocks for at most the
  // sender's timeout. Never throws. One thread at a time.
  virtual SendResult Send(const Message& m) = 0;
};

// "email", "sms", "webhook"; "delivered", "sent", "retry", "failed".
const char* ChannelName(Channel c);
const char* OutcomeName(Outcome o);

// Whether an idempotency key can travel in a header and a Message-ID as it is:
// 1 to 200 printable ASCII characters, no space.
bool IsValidIdempotencyKey(std::string_view key);

// Checks a contact point before it is stored or used, so that a bad one is
// refused at the API with INVALID_ARGUMENT instead of failing at each delivery:
// kEmail: a plain addr-spec (local@domain, ASCII, no spaces, CR, LF, <, >, quotes,
//   commas or semicolons); kSms: E.164 ("+" and 8 to 15 digits, no leading 0);
// kWebhook: an https:// URL, or http:// to a literal loopback host (127.0.0.0/8,
//   [::1], localhost), with no user name or password in it.
// The message names the problem, not the field; the caller names the field.
Status ValidateAddress(Channel c, const std::string& address);

}  // namespace baraza::outreach

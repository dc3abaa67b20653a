// E-mail delivery through an SMTP relay (libcurl): one plain-text UTF-8 message
// per Send, with a Message-ID made from the idempotency key so that a relay or a
// reader can drop a repeat. A Sender is used by one thread at a time.
#pragma once

#include <memory>
#include <string>

#include "services/outreach/channel.h"

namespace baraza::outreach {

struct SmtpOptions {
  std::string url;   // smtp://host:port (STARTTLS when offered) or smtps://host:port
  std::string from;  // the envelope and From: address, e.g. notices@mission.example
  std::string user, password;  // AUTH, when both are set
  // Refuse to send unless the connection is encrypted. A password is never sent
  // in the clear: with one set, TLS is required unless the relay is on loopback.
  bool require_tls = false;
  long timeout_ms = 10000;  // for the whole exchange of one message
};

// Send() answers kDelivered once the relay accepts the message (acceptance by the
// relay counts as delivered), kFailed with the relay's reply for a permanent 5xx
// about the message or recipient (e.g. "550 5.1.1 no such user") and for an
// address that is not a plain addr-spec (nothing is sent), and kRetry for
// anything that may pass later: no connection, a timeout, a 4xx, TLS required
// but not offered, or the relay refusing our login (a configuration fault, not
// the recipient's). Message::channel must be kEmail.
std::unique_ptr<Sender> NewSmtpSender(SmtpOptions options);

// The RFC 5322 message Send() would transmit (headers, blank line, body; CRLF
// line ends), with `date` as the Date: header. Exposed for tests and for showing
// a mediator what a party received.
std::string ComposeEmail(const SmtpOptions& options, const Message& m, const std::string& date);

}  // namespace baraza::outreach

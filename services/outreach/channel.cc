#include "services/outreach/channel.h"

#include "services/outreach/url.h"

namespace baraza::outreach {
namespace {

bool IsAtext(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

Status ValidateEmail(const std::string& a) {
  if (a.empty() || a.size() > 254) return Status::InvalidArgument("an e-mail address has 3 to 254 characters");
  auto at = a.find('@');
  if (at == std::string::npos || at == 0 || a.find('@', at + 1) != std::string::npos)
    return Status::InvalidArgument("an e-mail address is local@domain, with one @");
  std::string_view local(a.data(), at), domain(a.data() + at + 1, a.size() - at - 1);
  for (char c : local)
    if (!IsAtext(c) && c != '.')
      return Status::InvalidArgument(
          "an e-mail address may not contain spaces, line breaks, quotes, <, >, commas or "
          "non-ASCII letters before the @");
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos)
    return Status::InvalidArgument("the part of an e-mail address before the @ may not start, end or "
                                   "double a dot");
  if (domain.empty() || domain.front() == '.' || domain.back() == '.' ||
      domain.find("..") != std::string_view::npos || domain.find('.') == std::string_view::npos)
    return Status::InvalidArgument("an e-mail address needs a domain after the @, e.g. example.org");
  for (char c : domain)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '.'))
      return Status::InvalidArgument("the domain of an e-mail address has only letters, digits, - and .");
  return Status::Ok();
}

Status ValidatePhone(const std::string& a) {
  bool ok = a.size() >= 9 && a.size() <= 16 && a[0] == '+' && a[1] != '0';
  for (size_t i = 1; ok && i < a.size(); ++i) ok = a[i] >= '0' && a[i] <= '9';
  if (!ok)
    return Status::InvalidArgument(
        "a phone number is in E.164 form: + then the country code and number, 8 to 15 digits, "
        "no spaces, e.g. +252612345678");
  return Status::Ok();
}

}  // namespace

const char* ChannelName(Channel c) {
  switch (c) {
    case Channel::kEmail: return "email";
    case Channel::kSms: return "sms";
    case Channel::kWebhook: return "webhook";
  }
  return "unknown";
}

const char* OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kDelivered: return "delivered";
    case Outcome::kSent: return "sent";
    case Outcome::kRetry: return "retry";
    case Outcome::kFailed: return "failed";
  }
  return "unknown";
}

bool IsValidIdempotencyKey(std::string_view key) {
  if (key.empty() || key.size() > 200) return false;
  for (char c : key)
    if (c <= 0x20 || c >= 0x7f) return false;
  return true;
}

Status ValidateAddress(Channel c, const std::string& address) {
  switch (c) {
    case Channel::kEmail: return ValidateEmail(address);
    case Channel::kSms: return ValidatePhone(address);
    case Channel::kWebhook: return ParseWebhookUrl(address).status();
  }
  return Status::InvalidArgument("unknown channel");
}

}  // namespace baraza::outreach

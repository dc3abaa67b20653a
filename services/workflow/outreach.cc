#include "services/workflow/outreach.h"

#include <algorithm>
#include <cctype>

#include "services/workflow/transition_builder.h"

namespace baraza::workflow {

using detail::Builder;

namespace {

Status Bad(const char* what, const std::string& address, const std::string& why) {
  return Status::InvalidArgument(std::string("address: \"") + address.substr(0, 80) +
                                 "\" is not " + what + " (" + why + ")");
}

bool IsLoopbackHost(const std::string& host) {
  if (host == "localhost" || host == "[::1]") return true;
  // A literal 127.x.y.z with four numbers, nothing else.
  int parts = 0;
  size_t i = 0;
  while (i <= host.size()) {
    size_t j = host.find('.', i);
    if (j == std::string::npos) j = host.size();
    std::string n = host.substr(i, j - i);
    if (n.empty() || n.size() > 3 || !std::all_of(n.begin(), n.end(), ::isdigit) ||
        std::stoi(n) > 255)
      return false;
    if (parts == 0 && n != "127") return false;
    ++parts;
    i = j + 1;
  }
  return parts == 4;
}

Status CheckUrl(const std::string& url) {
  const char* what = "a webhook URL";
  std::string rest;
  bool https = url.rfind("https://", 0) == 0;
  if (https) rest = url.substr(8);
  else if (url.rfind("http://", 0) == 0) rest = url.substr(7);
  else return Bad(what, url, "it must start with https://");
  std::string authority = rest.substr(0, rest.find('/'));
  std::string host = authority;
  if (!host.empty() && host.front() == '[') host = host.substr(0, host.find(']') + 1);
  else host = host.substr(0, host.find(':'));
  if (host.empty()) return Bad(what, url, "it names no host");
  if (authority.find('@') != std::string::npos)
    return Bad(what, url, "credentials in the URL are not allowed; the server signs each request");
  if (!https && !IsLoopbackHost(host))
    return Bad(what, url, "plain http is allowed only to a receiver on this machine; use https");
  return Status::Ok();
}

}  // namespace

Status CheckContactPoint(ContactKind kind, const std::string& address) {
  if (address.size() > 512) return Status::InvalidArgument("address: longer than 512 bytes");
  for (unsigned char ch : address)
    if (ch < 0x21 || ch == 0x7f)
      return Status::InvalidArgument("address: spaces, line breaks and control characters are "
                                     "not allowed");
  switch (kind) {
    case ContactKind::kEmail: {
      auto at = address.rfind('@');
      if (at == std::string::npos || at == 0 || at + 1 >= address.size())
        return Bad("an e-mail address", address, "it needs a name, @ and a domain");
      if (address.find_first_of("<>,;\"()[]\\") != std::string::npos)
        return Bad("an e-mail address", address, "it holds < > , ; \" ( ) [ ] or \\");
      if (address.find('.', at) == std::string::npos)
        return Bad("an e-mail address", address, "its domain has no dot");
      return Status::Ok();
    }
    case ContactKind::kSms: {
      bool digits = address.size() >= 9 && address.size() <= 16 && address[0] == '+' &&
                    address[1] != '0' &&
                    std::all_of(address.begin() + 1, address.end(), ::isdigit);
      if (!digits)
        return Bad("a phone number in E.164 form", address, "write it as + country code and "
                   "number, digits only, e.g. +252612345678");
      return Status::Ok();
    }
    case ContactKind::kWebhook:
      return CheckUrl(address);
    case ContactKind::kStream:
      break;
  }
  return Status::InvalidArgument("kind: say whether the address is for e-mail, SMS or a webhook");
}

std::vector<Delivery> PlanDeliveries(const Notice& n, const std::vector<ContactPoint>& points,
                                     UnixMillis now) {
  std::vector<Delivery> out;
  Delivery d;
  d.case_id = n.case_id;
  d.party_id = n.party_id;
  d.notice_kind = n.kind;
  d.updated_at = now;
  for (const ContactPoint& p : points) {
    if (p.removed_at != 0 || p.party_id != n.party_id) continue;
    d.contact_point_id = p.id;
    d.liaison_id = p.liaison_id;
    d.kind = p.kind;
    d.address = p.address;
    d.state = DeliveryState::kQueued;
    d.next_attempt_at = now;
    out.push_back(d);
  }
  if (out.empty()) {
    d.kind = ContactKind::kStream;
    d.state = DeliveryState::kUndeliverable;
    d.detail = "no liaison of the party has a contact point";
    out.push_back(d);
  }
  return out;
}

void NoteUndeliverable(Case& c, const std::vector<Delivery>& planned) {
  for (const Delivery& d : planned) {
    if (d.state != DeliveryState::kUndeliverable) continue;
    if (Respondent* r = c.FindRespondent(d.party_id)) {
      r->deliveries_failed += 1;
      r->last_failure = d.detail;
    }
  }
}

Delivery AfterAttempt(Delivery d, AttemptOutcome outcome, const std::string& detail,
                      UnixMillis now, double jitter, const RetryPolicy& policy) {
  d.attempts += 1;
  d.updated_at = now;
  d.detail = detail;
  switch (outcome) {
    case AttemptOutcome::kDelivered: d.state = DeliveryState::kDelivered; break;
    case AttemptOutcome::kSent: d.state = DeliveryState::kSent; break;
    case AttemptOutcome::kFailed: d.state = DeliveryState::kFailed; break;
    case AttemptOutcome::kRetry:
      if (d.attempts >= policy.max_attempts) {
        d.state = DeliveryState::kFailed;
        d.detail = "gave up after " + std::to_string(d.attempts) + " attempts: " + detail;
        break;
      }
      d.state = DeliveryState::kQueued;
      Millis delay = policy.first_delay;
      for (int i = 1; i < d.attempts && delay < policy.max_delay; ++i) delay *= 2;
      delay = std::min(delay, policy.max_delay);
      d.next_attempt_at = now + delay + static_cast<Millis>(static_cast<double>(delay) *
                                                            std::clamp(jitter, 0.0, 0.999));
      break;
  }
  return d;
}

Delivery AfterReport(Delivery d, DeliveryState reported, const std::string& detail, UnixMillis now) {
  auto rank = [](DeliveryState s) {
    switch (s) {
      case DeliveryState::kRead: return 4;
      case DeliveryState::kDelivered: return 3;
      case DeliveryState::kFailed: return 2;
      case DeliveryState::kSent: return 1;
      default: return 0;
    }
  };
  // A failure report only replaces a delivery not yet known to have arrived.
  if (rank(reported) <= rank(d.state) && !(reported == DeliveryState::kFailed &&
                                            d.state == DeliveryState::kSent))
    return d;
  d.state = reported;
  d.updated_at = now;
  if (!detail.empty()) d.detail = detail;
  return d;
}

std::optional<Transition> RecordDelivery(const Case& c, const Delivery& before,
                                         const Delivery& after, UnixMillis now) {
  if (before.state == after.state && before.attempts == after.attempts) return std::nullopt;
  Builder b(c, Actor::System(), now);
  std::map<std::string, std::string> details{
      {"delivery", std::to_string(after.id)},
      {"notice", std::to_string(after.notice_id)},
      {"notice_kind", Name(after.notice_kind)},
      {"channel", Name(after.kind)},
      {"state", Name(after.state)},
      {"attempt", std::to_string(after.attempts)}};
  if (!after.detail.empty()) details["detail"] = after.detail;
  b.AddEvent(EventType::kDeliveryUpdated, after.party_id, std::move(details),
             Visibility::kMediatorOnly);
  if (Respondent* r = b.next().FindRespondent(after.party_id)) {
    bool reached = after.state == DeliveryState::kDelivered || after.state == DeliveryState::kRead;
    if (reached && after.notice_kind == NoticeKind::kCallToNegotiate && r->call_delivered_at == 0)
      r->call_delivered_at = now;
    if (reached && after.notice_kind == NoticeKind::kReminder && r->reminder_delivered_at == 0 &&
        now <= r->deadline)
      r->reminder_delivered_at = now;
    bool failed = after.state == DeliveryState::kFailed ||
                  after.state == DeliveryState::kUndeliverable;
    if (failed && before.state != after.state) {
      r->deliveries_failed += 1;
      r->last_failure = std::string(Name(after.kind)) + ": " + after.detail;
    }
  }
  return b.Take();
}

std::string OutreachShortfall(const Respondent& r, const std::string& party_name) {
  if (r.reminder_delivered_at != 0 && r.reminder_delivered_at <= r.deadline) return {};
  std::string out = "no reminder reached " + party_name + " before its deadline";
  if (r.deliveries_failed > 0)
    out += ": " + std::to_string(r.deliveries_failed) + " deliveries failed (last: " +
           r.last_failure + ")";
  else
    out += ": no delivery was confirmed (a mail relay's acceptance, a gateway's delivery "
           "report, an acknowledgement or an open notice stream)";
  return out;
}

}  // namespace baraza::workflow

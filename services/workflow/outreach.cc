#include "services/workflow/outreach.h"

#include <algorithm>
#include <set>

#include "services/workflow/transition_builder.h"

namespace baraza::workflow {

using detail::Builder;

std::vector<Delivery> PlanDeliveries(const Notice& n, const std::vector<ContactPoint>& points,
                                     UnixMillis now) {
  std::vector<Delivery> out;
  Delivery d;
  d.case_id = n.case_id;
  d.party_id = n.PartyId();
  d.notice_kind = n.kind;
  d.updated_at = now;
  for (const ContactPoint& p : points) {
    if (p.removed_at != 0 || p.Receives() != n.to) continue;
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
    d.detail = n.to.role == Role::kLiaison ? "no liaison of the party has a contact point"
                                           : "no contact point for " + n.to.Label();
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
  // Never backwards: a failure report replaces only a delivery not yet known to
  // have arrived, and a late one after "delivered" or "read" changes nothing.
  if (rank(reported) <= rank(d.state)) return d;
  d.state = reported;
  d.updated_at = now;
  if (!detail.empty()) d.detail = detail;
  return d;
}

Result<Delivery> AfterGatewayReport(const Delivery& d, bool delivered, const std::string& reason,
                                    UnixMillis now) {
  if (d.kind != ContactKind::kSms)
    return Status::NotFound("no SMS delivery has the key \"" + d.IdempotencyKey() + "\"");
  return AfterReport(d, delivered ? DeliveryState::kDelivered : DeliveryState::kFailed,
                     delivered ? "the gateway reported it delivered" : "gateway: " + reason, now);
}

namespace {

// The event of one delivery's change, and what it does to the respondent's
// outreach evidence.
void Record(Builder& b, const Delivery& before, const Delivery& after, UnixMillis now) {
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
  Respondent* r = b.next().FindRespondent(after.party_id);
  if (!r) return;
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
    // Only the channel: the referral that quotes it is seen by the whole group,
    // and a relay's or gateway's reply may name the address. The reply itself
    // stays in the mediator-only delivery event.
    r->last_failure = std::string("the ") + Name(after.kind) + " delivery " +
                      (after.state == DeliveryState::kFailed ? "failed" : "could not be made");
  }
}

// A change the case's history records: a party's delivery that moved. The
// mission's own people (the mediators, a commander) need no proof of outreach,
// so their deliveries change only their delivery rows (bound by the registry's
// history) and never the case's version, which a mediator's etag names.
bool Changed(const DeliveryChange& ch) {
  return ch.after.party_id != 0 &&
         (ch.before.state != ch.after.state || ch.before.attempts != ch.after.attempts);
}

}  // namespace

std::optional<Transition> RecordDelivery(const Case& c, const Delivery& before,
                                         const Delivery& after, UnixMillis now) {
  return RecordDeliveries(c, {DeliveryChange{before, after}}, now);
}

std::optional<Transition> RecordDeliveries(const Case& c,
                                           const std::vector<DeliveryChange>& changes,
                                           UnixMillis now) {
  if (std::none_of(changes.begin(), changes.end(), Changed)) return std::nullopt;
  Builder b(c, Actor::System(), now);
  for (const DeliveryChange& ch : changes)
    if (Changed(ch)) Record(b, ch.before, ch.after, now);
  return b.Take();
}

OutreachTally& OutreachTally::operator+=(const OutreachTally& o) {
  sent += o.sent;
  delivered += o.delivered;
  read += o.read;
  return *this;
}

std::string OutreachTally::Words() const {
  return std::to_string(sent) + (sent == 1 ? " notice" : " notices") + " sent, " +
         std::to_string(delivered) + " delivered, " + std::to_string(read) + " read";
}

OutreachTally TallyOutreach(Id party_id, const std::vector<Event>& events) {
  std::set<std::string> sent, delivered, read;
  for (const Event& e : events) {
    if (e.type != EventType::kDeliveryUpdated || e.party_id != party_id) continue;
    auto notice = e.details.find("notice");
    auto state = e.details.find("state");
    if (notice == e.details.end() || state == e.details.end()) continue;
    // Sent: a relay, gateway, system or stream took it (an attempt that failed
    // or waits to be tried again is not).
    bool reached = state->second == Name(DeliveryState::kDelivered) ||
                   state->second == Name(DeliveryState::kRead);
    if (reached || state->second == Name(DeliveryState::kSent)) sent.insert(notice->second);
    if (reached) delivered.insert(notice->second);
    if (state->second == Name(DeliveryState::kRead)) read.insert(notice->second);
  }
  return {static_cast<int>(sent.size()), static_cast<int>(delivered.size()),
          static_cast<int>(read.size())};
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

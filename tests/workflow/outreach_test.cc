// The core's part in reaching parties: where a notice goes, how an attempt or a
// report moves a delivery, and what a delivery's change does to the case.
#include <catch2/catch.hpp>

#include "services/workflow/outreach.h"
#include "tests/fakes/fixtures.h"

using namespace baraza;
using namespace baraza::testing;
using namespace baraza::workflow;

namespace {

Case Filed() {
  auto t = FileDispute(7, TwoRespondentDispute(), ThreePartyGroup(), Mediator(), kT0);
  REQUIRE(t.ok());
  return t->next;
}

Delivery Queued(Id party, NoticeKind kind, ContactKind channel = ContactKind::kSms) {
  Delivery d;
  d.id = 9;
  d.notice_id = 4;
  d.case_id = 7;
  d.party_id = party;
  d.contact_point_id = 2;
  d.kind = channel;
  d.notice_kind = kind;
  return d;
}

ContactPoint Point(Id id, Role role, Id owner, Id party, ContactKind kind, std::string address,
                   UnixMillis removed_at = 0) {
  ContactPoint p;
  p.id = id;
  p.role = role;
  if (role == Role::kLiaison) p.liaison_id = owner;
  if (role == Role::kCommander) p.commander_id = owner;
  p.party_id = party;
  p.kind = kind;
  p.address = std::move(address);
  p.created_at = kT0;
  p.removed_at = removed_at;
  return p;
}

}  // namespace

TEST_CASE("plan deliveries when the party has contact points queues one per point in use",
          "[workflow][outreach]") {
  Notice n{4, 7, Recipient::Party(kPartyA), NoticeKind::kReminder, "text", kT0, kT0 + kWindow};
  std::vector<ContactPoint> points = {
      Point(1, Role::kLiaison, 10, kPartyA, ContactKind::kEmail, "a@x.org"),
      Point(2, Role::kLiaison, 10, kPartyA, ContactKind::kSms, "+252612345678", kT0),
      Point(3, Role::kLiaison, 11, kPartyB, ContactKind::kWebhook, "https://b"),
      Point(4, Role::kMediator, 0, 0, ContactKind::kEmail, "mediators@mission.example.org")};
  auto planned = PlanDeliveries(n, points, kT0);
  REQUIRE(planned.size() == 1);  // the removed one, another party's, the mediators' are left out
  CHECK(planned[0].contact_point_id == 1);
  CHECK(planned[0].state == DeliveryState::kQueued);
  CHECK(planned[0].next_attempt_at == kT0);
}

TEST_CASE("plan deliveries when the party has no contact point records it undeliverable",
          "[workflow][outreach]") {
  Notice n{4, 7, Recipient::Party(kPartyA), NoticeKind::kCallToNegotiate, "text", kT0, 0};
  auto planned = PlanDeliveries(n, {}, kT0);
  REQUIRE(planned.size() == 1);
  CHECK(planned[0].state == DeliveryState::kUndeliverable);
  Case c = Filed();
  NoteUndeliverable(c, planned);
  CHECK(c.FindRespondent(kPartyA)->deliveries_failed == 1);
}

TEST_CASE("plan deliveries of a mediators' or a commander's notice uses only their contact points",
          "[workflow][outreach]") {
  std::vector<ContactPoint> points = {
      Point(1, Role::kLiaison, 10, kPartyA, ContactKind::kEmail, "a@x.org"),
      Point(2, Role::kMediator, 0, 0, ContactKind::kEmail, "mediators@mission.example.org"),
      Point(3, Role::kCommander, 5, 0, ContactKind::kSms, "+252612345670"),
      Point(4, Role::kCommander, 6, 0, ContactKind::kSms, "+252612345671")};
  Notice to_mediators{4, 7, Recipient::Mediators(), NoticeKind::kExtensionRequested, "t", kT0, 0};
  auto planned = PlanDeliveries(to_mediators, points, kT0);
  REQUIRE(planned.size() == 1);
  CHECK(planned[0].contact_point_id == 2);
  CHECK(planned[0].party_id == 0);
  Notice to_commander{5, 7, Recipient::Commander(6), NoticeKind::kAppeal, "t", kT0, 0};
  planned = PlanDeliveries(to_commander, points, kT0);
  REQUIRE(planned.size() == 1);
  CHECK(planned[0].contact_point_id == 4);
  // A commander without a contact point: recorded undeliverable, and no party's outreach suffers.
  Notice to_other{6, 7, Recipient::Commander(9), NoticeKind::kAppeal, "t", kT0, 0};
  planned = PlanDeliveries(to_other, points, kT0);
  REQUIRE(planned.size() == 1);
  CHECK(planned[0].state == DeliveryState::kUndeliverable);
  CHECK_THAT(planned[0].detail, Catch::Contains("commander 9"));
  Case c = Filed();
  NoteUndeliverable(c, planned);
  for (const auto& r : c.respondents) CHECK(r.deliveries_failed == 0);
}

TEST_CASE("attempt when the channel is down retries later with backoff, then fails for good",
          "[workflow][outreach]") {
  RetryPolicy policy;
  Delivery d = Queued(kPartyA, NoticeKind::kReminder);
  d = AfterAttempt(d, AttemptOutcome::kRetry, "connection refused", kT0, 0.0, policy);
  CHECK(d.state == DeliveryState::kQueued);
  CHECK(d.next_attempt_at == kT0 + policy.first_delay);
  d = AfterAttempt(d, AttemptOutcome::kRetry, "connection refused", kT0, 0.5, policy);
  CHECK(d.next_attempt_at == kT0 + 2 * policy.first_delay + policy.first_delay);  // 10 s + half
  for (int i = d.attempts; i < policy.max_attempts; ++i)
    d = AfterAttempt(d, AttemptOutcome::kRetry, "connection refused", kT0, 0.0, policy);
  CHECK(d.state == DeliveryState::kFailed);
  CHECK_THAT(d.detail, Catch::StartsWith("gave up after 6 attempts"));
}

TEST_CASE("report when the delivery arrived already never moves it backwards", "[workflow][outreach]") {
  Delivery d = Queued(kPartyA, NoticeKind::kReminder);
  d.state = DeliveryState::kDelivered;
  CHECK(AfterReport(d, DeliveryState::kFailed, "late bounce", kT0).state == DeliveryState::kDelivered);
  CHECK(AfterReport(d, DeliveryState::kRead, "ack", kT0).state == DeliveryState::kRead);
  d.state = DeliveryState::kSent;
  CHECK(AfterReport(d, DeliveryState::kFailed, "unknown subscriber", kT0).state ==
        DeliveryState::kFailed);
}

TEST_CASE("gateway report when the delivery is not an SMS is refused", "[workflow][outreach]") {
  Delivery hook = Queued(kPartyA, NoticeKind::kReminder, ContactKind::kWebhook);
  hook.state = DeliveryState::kSent;
  CHECK(AfterGatewayReport(hook, true, "", kT0).status().code() == Code::kNotFound);
  Delivery sms = Queued(kPartyA, NoticeKind::kReminder);
  sms.state = DeliveryState::kSent;
  auto r = AfterGatewayReport(sms, true, "", kT0);
  REQUIRE(r.ok());
  CHECK(r->state == DeliveryState::kDelivered);
}

TEST_CASE("delivery when a reminder reached the party before its deadline is its evidence",
          "[workflow][outreach]") {
  Case c = Filed();
  Delivery before = Queued(kPartyA, NoticeKind::kReminder);
  Delivery after = before;
  after.state = DeliveryState::kDelivered;
  after.attempts = 1;
  auto t = RecordDelivery(c, before, after, kT0 + kDay);
  REQUIRE(t);
  CHECK(t->next.version == c.version + 1);
  CHECK(t->next.state == c.state);
  CHECK(t->next.FindRespondent(kPartyA)->reminder_delivered_at == kT0 + kDay);
  REQUIRE(t->events.size() == 1);
  CHECK(t->events[0].visibility == Visibility::kMediatorOnly);
  CHECK(t->events[0].details.count("address") == 0);
  // After its deadline a reminder that arrives is no evidence of outreach in time.
  auto late = RecordDelivery(c, before, after, kT0 + 2 * kWindow);
  REQUIRE(late);
  CHECK(late->next.FindRespondent(kPartyA)->reminder_delivered_at == 0);
  // Nothing changed: nothing to record.
  CHECK_FALSE(RecordDelivery(c, after, after, kT0));
}

TEST_CASE("delivery when it failed is named in the shortfall by channel only", "[workflow][outreach]") {
  Case c = Filed();
  Delivery before = Queued(kPartyA, NoticeKind::kReminder);
  Delivery after = before;
  after.state = DeliveryState::kFailed;
  after.detail = "550 5.1.1 <hawa@snf.example.org>: no such user";
  auto t = RecordDelivery(c, before, after, kT0 + kDay);
  REQUIRE(t);
  std::string why = OutreachShortfall(*t->next.FindRespondent(kPartyA), "Juba Valley Alliance");
  CHECK_THAT(why, Catch::StartsWith("no reminder reached Juba Valley Alliance before its deadline: "
                                    "1 deliveries failed (last: the sms delivery failed)"));
  CHECK(why.find("hawa@") == std::string::npos);  // the whole group reads it
}

TEST_CASE("record deliveries of one case makes one version with an event for each",
          "[workflow][outreach]") {
  Case c = Filed();
  auto change = [&](Id id, Id party, DeliveryState to) {
    Delivery before;
    before.id = id;
    before.notice_id = id;
    before.case_id = c.id;
    before.party_id = party;
    before.kind = ContactKind::kWebhook;
    before.notice_kind = NoticeKind::kCallToNegotiate;
    before.state = DeliveryState::kQueued;
    Delivery after = before;
    after.state = to;
    after.attempts = 1;
    return DeliveryChange{before, after};
  };
  auto unchanged = change(9, kPartyA, DeliveryState::kQueued);
  unchanged.after.attempts = 0;
  auto t = RecordDeliveries(c,
                            {change(1, kPartyA, DeliveryState::kDelivered),
                             change(2, kPartyB, DeliveryState::kFailed), unchanged},
                            kT0 + 5);
  REQUIRE(t);
  CHECK(t->next.version == c.version + 1);
  REQUIRE(t->events.size() == 2);  // the unchanged one records nothing
  CHECK(t->events[0].seq + 1 == t->events[1].seq);
  CHECK(t->next.FindRespondent(kPartyA)->call_delivered_at == kT0 + 5);
  CHECK(t->next.FindRespondent(kPartyB)->deliveries_failed == 1);
  CHECK_FALSE(RecordDeliveries(c, {unchanged}, kT0 + 5));
}

TEST_CASE("record deliveries to the mediators or a commander leaves the case's version alone",
          "[workflow][outreach]") {
  // The mission's own people need no proof of outreach, and a mediator's
  // --if-match must not meet ABORTED because its own e-mail arrived.
  Case c = Filed();
  Delivery before;
  before.id = 1;
  before.notice_id = 1;
  before.case_id = c.id;
  before.party_id = 0;  // the mediators' or a commander's notice
  before.kind = ContactKind::kEmail;
  before.notice_kind = NoticeKind::kExtensionRequested;
  before.state = DeliveryState::kQueued;
  Delivery after = before;
  after.state = DeliveryState::kDelivered;
  after.attempts = 1;
  CHECK_FALSE(RecordDeliveries(c, {{before, after}}, kT0 + 5));
  // Beside a party's delivery, only the party's is an event of the case.
  Delivery party = before;
  party.id = 2;
  party.party_id = kPartyA;
  party.notice_kind = NoticeKind::kCallToNegotiate;
  Delivery party_after = party;
  party_after.state = DeliveryState::kDelivered;
  party_after.attempts = 1;
  auto t = RecordDeliveries(c, {{before, after}, {party, party_after}}, kT0 + 5);
  REQUIRE(t);
  REQUIRE(t->events.size() == 1);
  CHECK(t->events[0].party_id == kPartyA);
}

// The participation record is a tally of events, never typed in.
#include <catch2/catch.hpp>

#include "services/workflow/outreach.h"
#include "services/workflow/participation.h"
#include "tests/fakes/fixtures.h"

using namespace baraza;
using namespace baraza::workflow;
using namespace baraza::testing;

namespace {

// Applies each step and keeps every event written, as the store would.
struct History {
  Case c;
  std::vector<Event> events;
  void Add(const Result<Transition>& t) {
    REQUIRE(t.ok());
    Add(*t);
  }
  void Add(const Transition& t) {
    c = t.next;
    events.insert(events.end(), t.events.begin(), t.events.end());
  }
};

}  // namespace

TEST_CASE("participation record counts answers on time, late and never", "[workflow][record]") {
  ContactGroup g = ThreePartyGroup();
  // Case 1: A answers on time, B never does and is judged by default.
  History one;
  one.Add(FileDispute(1, TwoRespondentDispute(), g, Mediator(), kT0));
  one.Add(Respond(one.c, "yes", Visibility::kGroup, LiaisonOf(kPartyA), kT0 + kDay));
  one.Add(OnDeadlines(one.c, g, kT0 + kWindow / 2));
  one.c = RemindersReached(one.c, kT0 + kWindow / 2);
  one.Add(OnDeadlines(one.c, g, kT0 + kWindow));
  // Case 2: A asks for more time, gets it with translation support, answers late.
  History two;
  two.Add(FileDispute(2, TwoRespondentDispute(), g, Mediator(), kT0));
  two.Add(RequestExtension(two.c, 5 * kDay, "our negotiator is away", LiaisonOf(kPartyA), kT0 + kDay));
  two.Add(GrantCapacitySupport(two.c, kPartyA, SupportKind::kTranslation, "Somali interpreter",
                               5 * kDay, Mediator(), kT0 + 2 * kDay));
  two.Add(Respond(two.c, "late but here", Visibility::kGroup, LiaisonOf(kPartyA),
                  kT0 + kWindow + kDay));

  auto a = Tally(kPartyA, {one.events, two.events});
  CHECK(a.cases == 2);
  CHECK(a.notices_received == 2);
  CHECK(a.answered_on_time == 1);
  CHECK(a.answered_late == 1);
  CHECK(a.never_answered == 0);
  CHECK(a.extensions_requested == 1);
  CHECK(a.support_granted == 1);

  auto b = Tally(kPartyB, {one.events, two.events});
  CHECK(b.never_answered == 1);
  CHECK(b.answered_on_time == 0);
}

TEST_CASE("participation record counts the notices sent to a party, delivered and read",
          "[workflow][record][outreach]") {
  ContactGroup g = ThreePartyGroup();
  History h;
  h.Add(FileDispute(1, TwoRespondentDispute(), g, Mediator(), kT0));
  auto update = [&](Id notice, Id party, DeliveryState from, DeliveryState to) {
    Delivery before;
    before.id = notice * 10 + static_cast<Id>(to);
    before.notice_id = notice;
    before.case_id = h.c.id;
    before.party_id = party;
    before.kind = ContactKind::kEmail;
    before.state = from;
    Delivery after = before;
    after.state = to;
    after.attempts = 1;
    auto t = RecordDelivery(h.c, before, after, kT0 + 1);
    REQUIRE(t);
    h.Add(*t);
  };
  update(1, kPartyA, DeliveryState::kQueued, DeliveryState::kDelivered);
  update(1, kPartyA, DeliveryState::kQueued, DeliveryState::kDelivered);  // a second channel
  update(1, kPartyA, DeliveryState::kDelivered, DeliveryState::kRead);
  update(2, kPartyA, DeliveryState::kQueued, DeliveryState::kFailed);
  update(3, kPartyB, DeliveryState::kQueued, DeliveryState::kSent);

  auto a = Tally(kPartyA, {h.events});
  CHECK(a.notices_sent == 1);  // each notice once, whatever its channels; a failed one is not sent
  CHECK(a.notices_delivered == 1);
  CHECK(a.notices_read == 1);
  auto b = Tally(kPartyB, {h.events});
  CHECK(b.notices_sent == 1);
  CHECK(b.notices_delivered == 0);
}

TEST_CASE("participation record counts appeals and their outcomes", "[workflow][record]") {
  ContactGroup g = ThreePartyGroup();
  History h;
  h.Add(LogEmergencyAction(3, ActionAffectingAAndB(), g, CommanderActor(), kT0));
  h.Add(ExplainAction(h.c, "explained", CommanderActor(), kT0 + 1));
  h.Add(FileAppeal(h.c, "grounds", "", LiaisonOf(kPartyA), kT0 + 2));
  h.Add(RuleOnAppeal(h.c, Ruling::kOverturned, "reasons", "a remedy", Mediator(), kT0 + 3));

  auto a = Tally(kPartyA, {h.events});
  CHECK(a.emergency_actions_affecting == 1);
  CHECK(a.appeals_filed == 1);
  CHECK(a.appeals_overturned == 1);
  CHECK(a.appeals_pending == 0);
  auto b = Tally(kPartyB, {h.events});
  CHECK(b.emergency_actions_affecting == 1);
  CHECK(b.appeals_filed == 0);
  CHECK(b.appeals_overturned == 0);
}

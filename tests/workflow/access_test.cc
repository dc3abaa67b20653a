// Confidentiality rules: who sees which case, position, event and notice.
#include <catch2/catch.hpp>

#include "services/workflow/access.h"
#include "tests/fakes/fixtures.h"

using namespace baraza;
using namespace baraza::workflow;
using namespace baraza::testing;

TEST_CASE("a liaison sees only cases its party is in", "[access]") {
  Case c = FileDispute(7, TwoRespondentDispute(), ThreePartyGroup(), Mediator(), kT0)->next;
  CHECK(CanSeeCase(Mediator(), c));
  CHECK(CanSeeCase(LiaisonOf(kPartyA), c));
  CHECK(CanSeeCase(LiaisonOf(kFilerParty), c));
  CHECK_FALSE(CanSeeCase(LiaisonOf(4), c));
  CHECK_FALSE(CanSeeCase(Actor{Role::kCommander, 1, 0, 0}, c));
}

TEST_CASE("another party's mediator-only position is redacted for a liaison", "[access]") {
  Case c = FileDispute(7, TwoRespondentDispute(), ThreePartyGroup(), Mediator(), kT0)->next;
  auto t = Respond(c, "SENTINEL-secret", Visibility::kMediatorOnly, LiaisonOf(kPartyA), kT0 + 1);
  REQUIRE(t.ok());
  c = t->next;
  CHECK(RedactFor(LiaisonOf(kPartyB), c).positions.empty());
  CHECK(RedactFor(LiaisonOf(kPartyA), c).positions.size() == 1);
  CHECK(RedactFor(Mediator(), c).positions.size() == 1);
  const Event& responded = t->events[0];
  CHECK_FALSE(CanSeeEvent(LiaisonOf(kPartyB), responded));
  CHECK(CanSeeEvent(LiaisonOf(kPartyA), responded));
}

TEST_CASE("a shared case is redacted into a copy, and shared as is when nothing is hidden",
          "[access]") {
  Case c = FileDispute(7, TwoRespondentDispute(), ThreePartyGroup(), Mediator(), kT0)->next;
  auto t = Respond(c, "SENTINEL-secret", Visibility::kMediatorOnly, LiaisonOf(kPartyA), kT0 + 1);
  REQUIRE(t.ok());
  auto shared = std::make_shared<const Case>(t->next);
  auto for_b = RedactFor(LiaisonOf(kPartyB), shared);
  CHECK(for_b != shared);
  CHECK(for_b->positions.empty());
  CHECK(shared->positions.size() == 1);  // the shared case itself is untouched
  CHECK(RedactFor(LiaisonOf(kPartyA), shared) == shared);  // its own position: nothing hidden
  CHECK(RedactFor(Mediator(), shared) == shared);
}

TEST_CASE("a liaison sees only its own party's notices", "[access]") {
  Notice n;
  n.to = Recipient::Party(kPartyA);
  CHECK(CanSeeNotice(LiaisonOf(kPartyA), n));
  CHECK_FALSE(CanSeeNotice(LiaisonOf(kPartyB), n));
  CHECK(CanSeeNotice(Mediator(), n));
}

TEST_CASE("a liaison sees the emergency actions of its group, of which every party is told",
          "[access]") {
  ContactGroup g = ThreePartyGroup();
  auto t = LogEmergencyAction(8, ActionAffectingAAndB(), g, CommanderActor(), kT0);
  REQUIRE(t.ok());
  const Case& c = t->next;
  // The filer party was not affected, and its notice names the case all the same.
  REQUIRE_FALSE(c.IsAffected(kFilerParty));
  CHECK(CanSeeCase(LiaisonOf(kFilerParty), c));
  CHECK(CanSeeCase(LiaisonOf(kPartyA), c));
  // Not a party of another group, nor another commander.
  CHECK_FALSE(CanSeeCase(Actor{Role::kLiaison, 200, 9, kGroup + 1}, c));
  CHECK_FALSE(CanSeeCase(CommanderActor(6), c));
  CHECK(CanSeeCase(CommanderActor(), c));
}

TEST_CASE("everyone a notice is addressed to may read the case the notice names", "[access]") {
  ContactGroup g = ThreePartyGroup();
  auto contemplated = TwoRespondentDispute();
  contemplated.filed_by_party_id = 0;
  for (const auto& t :
       {FileDispute(7, TwoRespondentDispute(), g, Mediator(), kT0),
        FileContemplatedAction(8, contemplated, g, CommanderActor(), kT0),
        LogEmergencyAction(9, ActionAffectingAAndB(), g, CommanderActor(), kT0)}) {
    REQUIRE(t.ok());
    REQUIRE_FALSE(t->notices.empty());
    for (const Notice& n : t->notices) {
      INFO(n.message.id);
      Actor reader = n.to.role == Role::kLiaison    ? LiaisonOf(n.to.id)
                     : n.to.role == Role::kMediator ? Mediator()
                                                    : CommanderActor(n.to.id);
      CHECK(CanSeeCase(reader, t->next));
    }
  }
}

TEST_CASE("a mediator-only event of no party is seen by no commander and no liaison", "[access]") {
  // E.g. the delivery of a notice to the mediators: it names their channel.
  Event delivery;
  delivery.type = EventType::kDeliveryUpdated;
  delivery.party_id = 0;
  delivery.visibility = Visibility::kMediatorOnly;
  CHECK_FALSE(CanSeeEvent(CommanderActor(), delivery));
  CHECK_FALSE(CanSeeEvent(LiaisonOf(kPartyA), delivery));
  CHECK(CanSeeEvent(Mediator(), delivery));
  // A party's own mediator-only event is its liaison's to see, never a commander's.
  delivery.party_id = kPartyA;
  CHECK(CanSeeEvent(LiaisonOf(kPartyA), delivery));
  CHECK_FALSE(CanSeeEvent(CommanderActor(), delivery));
}

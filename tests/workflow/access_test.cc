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

// The model's own rules: which parties count as unarmed stakeholders.
#include <catch2/catch.hpp>

#include "services/workflow/model.h"
#include "tests/fakes/fixtures.h"

using namespace baraza;
using namespace baraza::testing;

TEST_CASE("a group of armed parties and the mission has no unarmed stakeholders", "[model]") {
  ContactGroup g = ThreePartyGroup();
  g.parties.erase(g.parties.begin());  // drop the women's association
  g.parties.push_back({9, kGroup, "UNOSOM", PartyCategory::kMission, 1, 0});
  CHECK_FALSE(g.HasUnarmedStakeholders());
}

TEST_CASE("civil society, women, minorities, traditional authorities and NGOs are unarmed",
          "[model]") {
  for (PartyCategory c : {PartyCategory::kCivilSociety, PartyCategory::kWomensGroup,
                          PartyCategory::kEthnoculturalMinority,
                          PartyCategory::kTraditionalAuthority, PartyCategory::kNgo}) {
    ContactGroup g;
    g.parties = {{1, 1, "Faction", PartyCategory::kArmedFaction, 1, 0}, {2, 1, "Other", c, 1, 0}};
    CHECK(g.HasUnarmedStakeholders());
  }
  for (PartyCategory c :
       {PartyCategory::kArmedFaction, PartyCategory::kGovernment, PartyCategory::kMission})
    CHECK_FALSE(IsUnarmed(c));
}

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

TEST_CASE("a case's positions are shared by its versions and never change under an older one",
          "[model]") {
  Case v1;
  for (int i = 1; i <= 130; ++i)  // two full chunks and part of a third
    v1.positions.push_back(Position{i, 1, "text " + std::to_string(i), Visibility::kGroup, i});
  Case v2 = v1;  // the next version, as the core makes it
  v2.positions.push_back(Position{131, 2, "new", Visibility::kMediatorOnly, 131});
  REQUIRE(v1.positions.size() == 130);
  REQUIRE(v2.positions.size() == 131);
  CHECK(v1.positions.back().id == 130);  // the older version did not see the append
  CHECK(v2.positions.back().text == "new");
  CHECK(&v1.positions[0] == &v2.positions[0]);  // full chunks shared, not copied
  CHECK(&v1.positions[129] != &v2.positions[129]);  // the last one copied before the append
  CHECK(v2.positions[129].text == "text 130");
  CHECK(v2.positions.item_bytes() ==
        v1.positions.item_bytes() + sizeof(Position) + std::string("new").size());
  v2.positions.EraseIf([](const Position& p) { return p.visibility == Visibility::kMediatorOnly; });
  CHECK(v2.positions.size() == 130);
  CHECK(v2.positions.item_bytes() == v1.positions.item_bytes());
  int n = 0;
  for (const Position& p : v1.positions) CHECK(p.id == ++n);
  CHECK(n == 130);
  CHECK_THROWS(v1.positions.at(130));
}

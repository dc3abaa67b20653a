// Transition tests of a notice of contemplated action: the mission tells a
// party before it acts; same window and default judgement as a dispute.
#include <catch2/catch.hpp>

#include "services/workflow/case_machine.h"
#include "tests/fakes/fixtures.h"

using namespace baraza;
using namespace baraza::workflow;
using namespace baraza::testing;

namespace {

DisputeFiling AgainstA() {
  DisputeFiling f = TwoRespondentDispute();
  f.title = "Cantonment of the Juba Valley Alliance's heavy weapons";
  f.description = "The mission contemplates seizing heavy weapons left outside the cantonment.";
  f.standards = {Standard::kPeaceAgreement};
  f.dimension = Dimension::kDdr;
  f.filed_by_party_id = 0;
  f.respondent_party_ids = {kPartyA};
  return f;
}

Case Filed() {
  auto t = FileContemplatedAction(8, AgainstA(), ThreePartyGroup(), CommanderActor(), kT0);
  REQUIRE(t.ok());
  return t->next;
}

}  // namespace

TEST_CASE("file contemplated action when filed by a commander notifies the target",
          "[workflow][contemplated]") {
  auto t = FileContemplatedAction(8, AgainstA(), ThreePartyGroup(), CommanderActor(5), kT0);
  REQUIRE(t.ok());
  CHECK(t->next.kind == CaseKind::kContemplatedAction);
  CHECK(t->next.state == CaseState::kNegotiating);
  CHECK(t->next.filed_by_commander_id == 5);
  REQUIRE(t->notices.size() == 1);
  CHECK(t->notices[0].PartyId() == kPartyA);
  CHECK(t->notices[0].message.id == "notice.action_contemplated");
  CHECK(t->notices[0].message.Find("deadline")->kind == MessageArg::Kind::kTime);
}

TEST_CASE("file contemplated action by a liaison or on behalf of a party is rejected",
          "[workflow][contemplated]") {
  CHECK(FileContemplatedAction(8, AgainstA(), ThreePartyGroup(), LiaisonOf(kPartyB), kT0)
            .status()
            .code() == Code::kPermissionDenied);
  auto f = AgainstA();
  f.filed_by_party_id = kPartyB;
  CHECK(FileContemplatedAction(8, f, ThreePartyGroup(), Mediator(), kT0).status().code() ==
        Code::kInvalidArgument);
}

TEST_CASE("deadline when the target never answered enters a default judgement",
          "[workflow][contemplated]") {
  Case c = OnDeadlines(Filed(), ThreePartyGroup(), kT0 + kWindow / 2).next;  // reminder
  c = RemindersReached(c, kT0 + kWindow / 2);
  Transition t = OnDeadlines(c, ThreePartyGroup(), kT0 + kWindow);
  CHECK(t.next.state == CaseState::kDefaultJudgement);
  CHECK(t.next.outcome.defaulted_party_ids == std::vector<Id>{kPartyA});
}

TEST_CASE("record mission decision when awaiting decision needs proceed, modify or abandon",
          "[workflow][contemplated]") {
  Case answered = Respond(Filed(), "The weapons are being moved in.", Visibility::kGroup,
                          LiaisonOf(kPartyA), kT0 + kDay)
                      ->next;
  REQUIRE(answered.state == CaseState::kAwaitingDecision);
  CHECK(RecordMissionDecision(answered, "text", "why", std::nullopt, Mediator(), kT0 + 2 * kDay)
            .status()
            .code() == Code::kInvalidArgument);
  auto t = RecordMissionDecision(answered, "Verify in 7 days instead", "They are complying",
                                 ActionDecision::kModify, Mediator(), kT0 + 2 * kDay);
  REQUIRE(t.ok());
  CHECK(t->next.state == CaseState::kMissionDecision);
  CHECK(t->next.outcome.action_decision == ActionDecision::kModify);
  CHECK(t->events.back().details.at("action") == "modify");
}

TEST_CASE("record mission decision on a dispute with an action decision is rejected",
          "[workflow][contemplated]") {
  Case dispute = FileDispute(7, TwoRespondentDispute(), ThreePartyGroup(), Mediator(), kT0)->next;
  CHECK(RecordMissionDecision(dispute, "t", "r", ActionDecision::kProceed, Mediator(), kT0)
            .status()
            .code() == Code::kInvalidArgument);
}

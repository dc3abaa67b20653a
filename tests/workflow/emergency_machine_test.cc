// Transition tests of the emergency-action state machine (act first, appeal
// later), named "<event> when <state>".
#include <catch2/catch.hpp>

#include "services/workflow/emergency_machine.h"
#include "tests/fakes/fixtures.h"

using namespace baraza;
using namespace baraza::workflow;
using namespace baraza::testing;

namespace {

ContactGroup Group() {
  ContactGroup g = ThreePartyGroup();
  g.appeal_window = kAppealWindow;
  return g;
}

Case Apply(const Result<Transition>& t) {
  REQUIRE(t.ok());
  return t->next;
}

Case Logged() { return Apply(LogEmergencyAction(9, ActionAffectingAAndB(), Group(), CommanderActor(), kT0)); }

Case Explained() {
  return Apply(ExplainAction(Logged(), "The shooters were about to reach the queue.", CommanderActor(),
                             kT0 + kSecond));
}

Case AppealedByA() {
  return Apply(FileAppeal(Explained(), "The roadblock was ours and lawful.",
                          "Compensation for the vehicle", LiaisonOf(kPartyA), kT0 + kDay));
}

Case Ruled() {
  return Apply(RuleOnAppeal(AppealedByA(), Ruling::kOverturned, "The threat had passed.",
                            "Pay for the vehicle", Mediator(), kT0 + 2 * kDay));
}

Code CodeOf(const Result<Transition>& t) { return t.status().code(); }

}  // namespace

TEST_CASE("log emergency action when the affected parties are in the group", "[workflow][emergency]") {
  auto t = LogEmergencyAction(9, ActionAffectingAAndB(), Group(), CommanderActor(5), kT0);
  REQUIRE(t.ok());
  CHECK(t->next.kind == CaseKind::kEmergencyAction);
  CHECK(t->next.state == CaseState::kAppealWindow);
  CHECK(t->next.filed_by_commander_id == 5);
  CHECK(t->next.appeal_deadline == kT0 + kAppealWindow);
  REQUIRE(t->events.size() == 1);
  CHECK(t->events[0].type == EventType::kEmergencyActionLogged);
  CHECK(t->events[0].actor == "commander:5");
  // Every party of the group hears of it; the affected ones with the appeal deadline.
  REQUIRE(t->notices.size() == 3);
  for (const auto& n : t->notices) {
    CHECK(n.kind == NoticeKind::kEmergencyAction);
    CHECK(n.deadline == (n.PartyId() == kFilerParty ? 0 : kT0 + kAppealWindow));
  }
  CHECK(PendingDeadlines(t->next) ==
        std::vector<Deadline>{{9, 0, DeadlineKind::kAppealWindowClose, kT0 + kAppealWindow}});
}

TEST_CASE("log emergency action with bad input is rejected and writes nothing", "[workflow][emergency]") {
  auto f = ActionAffectingAAndB();
  SECTION("by a mediator") {
    CHECK(CodeOf(LogEmergencyAction(9, f, Group(), Mediator(), kT0)) == Code::kPermissionDenied);
  }
  SECTION("by a liaison") {
    CHECK(CodeOf(LogEmergencyAction(9, f, Group(), LiaisonOf(kPartyA), kT0)) ==
          Code::kPermissionDenied);
  }
  SECTION("an empty narrowness statement") {
    f.action.narrowness = "   ";
    auto t = LogEmergencyAction(9, f, Group(), CommanderActor(), kT0);
    CHECK(CodeOf(t) == Code::kInvalidArgument);
    CHECK_THAT(t.status().message(), Catch::Contains("narrowness"));
  }
  SECTION("no threat to civilians") {
    f.action.threat.clear();
    CHECK(CodeOf(LogEmergencyAction(9, f, Group(), CommanderActor(), kT0)) == Code::kInvalidArgument);
  }
  SECTION("a party not in the group") {
    f.affected_party_ids.push_back(77);
    auto t = LogEmergencyAction(9, f, Group(), CommanderActor(), kT0);
    CHECK(CodeOf(t) == Code::kInvalidArgument);
    CHECK_THAT(t.status().message(), Catch::Contains("party 77"));
  }
  SECTION("no affected party") {
    f.affected_party_ids.clear();
    CHECK(CodeOf(LogEmergencyAction(9, f, Group(), CommanderActor(), kT0)) == Code::kInvalidArgument);
  }
  SECTION("an action in the future") {
    f.action.occurred_at = kT0 + kDay;
    CHECK(CodeOf(LogEmergencyAction(9, f, Group(), CommanderActor(), kT0)) == Code::kInvalidArgument);
  }
  SECTION("no time given") {
    f.action.occurred_at = 0;
    CHECK(CodeOf(LogEmergencyAction(9, f, Group(), CommanderActor(), kT0)) == Code::kInvalidArgument);
  }
}

TEST_CASE("explain action when appeal window is open adds a statement", "[workflow][emergency]") {
  Case c = Explained();
  REQUIRE(c.explanations.size() == 1);
  CHECK(c.explanations[0].commander_id == 5);
  CHECK(c.state == CaseState::kAppealWindow);
}

TEST_CASE("explain action by another commander is rejected", "[workflow][emergency]") {
  CHECK(CodeOf(ExplainAction(Logged(), "x", CommanderActor(6), kT0)) == Code::kPermissionDenied);
}

TEST_CASE("explain action when ruled is rejected", "[workflow][emergency]") {
  CHECK(CodeOf(ExplainAction(Ruled(), "more", CommanderActor(), kT0 + 3 * kDay)) ==
        Code::kFailedPrecondition);
}

TEST_CASE("appeal when appeal window is open puts the case under appeal", "[workflow][emergency]") {
  Case c = AppealedByA();
  CHECK(c.state == CaseState::kUnderAppeal);
  REQUIRE(c.appeals.size() == 1);
  CHECK(c.appeals[0].party_id == kPartyA);
  CHECK(PendingDeadlines(c).empty());  // nothing for the server to do once appealed
}

TEST_CASE("appeal tells the commander whose action it is and the mediators who rule on it",
          "[workflow][emergency]") {
  auto t = FileAppeal(Explained(), "The roadblock was ours and lawful.", "Compensation",
                      LiaisonOf(kPartyA), kT0 + kDay);
  REQUIRE(t.ok());
  int to_commander = 0, to_mediators = 0;
  for (const auto& n : t->notices) {
    if (n.to == Recipient::Commander(CommanderActor().subject_id)) {
      ++to_commander;
      CHECK(n.kind == NoticeKind::kAppeal);
      CHECK(n.message.id == "notice.appeal_to_commander");
      CHECK(n.message.Find("grounds")->text == "The roadblock was ours and lawful.");
    }
    if (n.to == Recipient::Mediators()) {
      ++to_mediators;
      CHECK(n.kind == NoticeKind::kAwaitingRuling);
      CHECK(n.deadline == t->next.appeal_deadline);
    }
  }
  CHECK(to_commander == 1);
  CHECK(to_mediators == 1);
}

TEST_CASE("appeal when under appeal by the other affected party is accepted", "[workflow][emergency]") {
  auto t = FileAppeal(AppealedByA(), "We were not consulted.", "", LiaisonOf(kPartyB),
                      kT0 + 2 * kDay);
  REQUIRE(t.ok());
  CHECK(t->next.appeals.size() == 2);
}

TEST_CASE("appeal by a party that was not affected is rejected", "[workflow][emergency]") {
  auto t = FileAppeal(Logged(), "grounds", "", LiaisonOf(kFilerParty), kT0 + kDay);
  CHECK(CodeOf(t) == Code::kPermissionDenied);
  CHECK_THAT(t.status().message(), Catch::Contains("not affected"));
}

TEST_CASE("appeal a second time by the same party is rejected", "[workflow][emergency]") {
  CHECK(CodeOf(FileAppeal(AppealedByA(), "again", "", LiaisonOf(kPartyA), kT0 + 2 * kDay)) ==
        Code::kFailedPrecondition);
}

TEST_CASE("appeal after the appeal window is rejected", "[workflow][emergency]") {
  auto t = FileAppeal(Logged(), "late", "", LiaisonOf(kPartyA), kT0 + kAppealWindow);
  CHECK(CodeOf(t) == Code::kFailedPrecondition);
  CHECK_THAT(t.status().message(), Catch::Contains("appeal window"));
}

TEST_CASE("appeal with no grounds is rejected", "[workflow][emergency]") {
  CHECK(CodeOf(FileAppeal(Logged(), "", "", LiaisonOf(kPartyA), kT0 + kDay)) ==
        Code::kInvalidArgument);
}

TEST_CASE("appeal on a dispute is rejected", "[workflow][emergency]") {
  Case dispute = FileDispute(7, TwoRespondentDispute(), ThreePartyGroup(), Mediator(), kT0)->next;
  CHECK(CodeOf(FileAppeal(dispute, "g", "", LiaisonOf(kPartyA), kT0)) == Code::kFailedPrecondition);
}

TEST_CASE("answer appeal when under appeal records the answer once", "[workflow][emergency]") {
  auto t = AnswerAppeal(AppealedByA(), 1, "The vehicle was used by the shooters.", CommanderActor(),
                        kT0 + kDay + 1);
  REQUIRE(t.ok());
  REQUIRE(t->next.appeals[0].answer.has_value());
  CHECK(CodeOf(AnswerAppeal(t->next, 1, "again", CommanderActor(), kT0 + kDay + 2)) ==
        Code::kFailedPrecondition);
  CHECK(CodeOf(AnswerAppeal(t->next, 2, "no such appeal", CommanderActor(), kT0 + kDay + 2)) ==
        Code::kInvalidArgument);
}

TEST_CASE("rule on appeal when under appeal records the ruling", "[workflow][emergency]") {
  Case c = Ruled();
  CHECK(c.state == CaseState::kRuled);
  CHECK(c.outcome.ruling == Ruling::kOverturned);
  CHECK(c.outcome.remedy == "Pay for the vehicle");
  CHECK(c.outcome.rationale == "The threat had passed.");
}

TEST_CASE("rule on appeal a second time is rejected", "[workflow][emergency]") {
  auto t = RuleOnAppeal(Ruled(), Ruling::kUpheld, "again", "", Mediator(), kT0 + 3 * kDay);
  CHECK(CodeOf(t) == Code::kFailedPrecondition);
  CHECK_THAT(t.status().message(), Catch::Contains("RULED"));
}

TEST_CASE("rule on appeal with no reasons is rejected", "[workflow][emergency]") {
  CHECK(CodeOf(RuleOnAppeal(AppealedByA(), Ruling::kUpheld, " ", "", Mediator(), kT0 + 2 * kDay)) ==
        Code::kInvalidArgument);
}

TEST_CASE("rule on appeal upheld with remedy but no remedy is rejected", "[workflow][emergency]") {
  CHECK(CodeOf(RuleOnAppeal(AppealedByA(), Ruling::kUpheldWithRemedy, "reasons", "", Mediator(),
                            kT0 + 2 * kDay)) == Code::kInvalidArgument);
}

TEST_CASE("rule on appeal before the commander explained is rejected", "[workflow][emergency]") {
  Case appealed = Apply(FileAppeal(Logged(), "g", "", LiaisonOf(kPartyA), kT0 + kDay));
  auto t = RuleOnAppeal(appealed, Ruling::kUpheld, "reasons", "", Mediator(), kT0 + 2 * kDay);
  CHECK(CodeOf(t) == Code::kFailedPrecondition);
  CHECK_THAT(t.status().message(), Catch::Contains("explanation"));
}

TEST_CASE("rule on appeal when appeal window has no appeal is rejected", "[workflow][emergency]") {
  CHECK(CodeOf(RuleOnAppeal(Explained(), Ruling::kUpheld, "r", "", Mediator(), kT0 + kDay)) ==
        Code::kFailedPrecondition);
}

TEST_CASE("rule on appeal by a commander is rejected", "[workflow][emergency]") {
  CHECK(CodeOf(RuleOnAppeal(AppealedByA(), Ruling::kUpheld, "r", "", CommanderActor(), kT0 + kDay)) ==
        Code::kPermissionDenied);
}

TEST_CASE("appeal deadline when appeal window has no appeal closes unchallenged once",
          "[workflow][emergency]") {
  Case c = Logged();
  CHECK(OnDeadlines(c, Group(), kT0 + kAppealWindow - 1).events.empty());
  Transition t = OnDeadlines(c, Group(), kT0 + kAppealWindow);
  CHECK(t.next.state == CaseState::kClosed);
  CHECK(t.next.outcome.unchallenged);
  REQUIRE(t.events.size() == 1);
  CHECK(t.events[0].type == EventType::kClosedUnchallenged);
  CHECK(t.events[0].actor == "barazad");
  CHECK(PendingDeadlines(t.next).empty());
  CHECK(OnDeadlines(t.next, Group(), kT0 + kAppealWindow + kDay).events.empty());
}

TEST_CASE("appeal deadline when under appeal does nothing", "[workflow][emergency]") {
  Case c = AppealedByA();
  Transition t = OnDeadlines(c, Group(), kT0 + kAppealWindow + kDay);
  CHECK(t.events.empty());
  CHECK(t.next.state == CaseState::kUnderAppeal);
}

TEST_CASE("close when ruled closes the case", "[workflow][emergency]") {
  auto t = Close(Ruled(), Mediator(), kT0 + 3 * kDay);
  REQUIRE(t.ok());
  CHECK(t->next.state == CaseState::kClosed);
}

TEST_CASE("respond when appeal window is open is rejected", "[workflow][emergency]") {
  CHECK(CodeOf(Respond(Logged(), "x", Visibility::kGroup, LiaisonOf(kPartyA), kT0)) ==
        Code::kFailedPrecondition);
}

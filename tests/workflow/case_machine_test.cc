// Transition tests of the dispute state machine, one per (event, state),
// named "<event> when <state>".
#include <catch2/catch.hpp>

#include "services/workflow/case_machine.h"
#include "tests/fakes/fixtures.h"

using namespace baraza;
using namespace baraza::workflow;
using namespace baraza::testing;

namespace {

Case Apply(const Result<Transition>& t) {
  REQUIRE(t.ok());
  return t->next;
}

Case Filed() { return Apply(FileDispute(7, TwoRespondentDispute(), ThreePartyGroup(), Mediator(), kT0)); }

Case BothAnswered() {
  Case c = Apply(Respond(Filed(), "open by day", Visibility::kGroup, LiaisonOf(kPartyA), kT0 + 1));
  return Apply(Respond(c, "agreed", Visibility::kGroup, LiaisonOf(kPartyB), kT0 + 2));
}

Case Settled() {
  return Apply(RecordSettlement(Filed(), "Checkpoint opens 06:00-18:00", {kPartyA, kPartyB},
                                Mediator(), kT0 + 5));
}

// The notices of a transition addressed to `to`.
std::vector<Notice> To(const Transition& t, const Recipient& to) {
  std::vector<Notice> out;
  for (const auto& n : t.notices)
    if (n.to == to) out.push_back(n);
  return out;
}

std::vector<EventType> Types(const std::vector<Event>& events) {
  std::vector<EventType> out;
  for (const auto& e : events) out.push_back(e.type);
  return out;
}

}  // namespace

TEST_CASE("file dispute when group has the parties", "[workflow]") {
  auto t = FileDispute(7, TwoRespondentDispute(), ThreePartyGroup(), Mediator(), kT0);
  REQUIRE(t.ok());
  CHECK(t->next.state == CaseState::kNegotiating);
  CHECK(t->next.id == 7);
  CHECK(t->next.version == 1);
  REQUIRE(t->next.respondents.size() == 2);
  for (const auto& r : t->next.respondents) {
    CHECK(r.status == RespondentStatus::kAwaiting);
    CHECK(r.deadline == kT0 + kWindow);
  }
  CHECK(Types(t->events) ==
        std::vector<EventType>{EventType::kFiled, EventType::kNotified, EventType::kNotified});
  CHECK(t->events[2].seq == 3);
  // Each respondent is called to negotiate, and the filer hears it was filed.
  REQUIRE(t->notices.size() == 3);
  CHECK(t->notices[0].PartyId() == kPartyA);
  CHECK(t->notices[0].kind == NoticeKind::kCallToNegotiate);
  CHECK(t->notices[0].deadline == kT0 + kWindow);
  CHECK(t->notices[2].PartyId() == kFilerParty);
}

TEST_CASE("file dispute with bad input is rejected", "[workflow]") {
  auto group = ThreePartyGroup();
  auto f = TwoRespondentDispute();
  SECTION("respondent not in the group") {
    f.respondent_party_ids = {kPartyA, 99};
    auto t = FileDispute(7, f, group, Mediator(), kT0);
    CHECK(t.status().code() == Code::kInvalidArgument);
    CHECK_THAT(t.status().message(), Catch::Contains("party 99 is not in contact group"));
  }
  SECTION("window of zero") {
    f.window = 0;
    CHECK(FileDispute(7, f, group, Mediator(), kT0).status().code() == Code::kInvalidArgument);
  }
  SECTION("negative window") {
    f.window = -kDay;
    CHECK(FileDispute(7, f, group, Mediator(), kT0).status().code() == Code::kInvalidArgument);
  }
  SECTION("window over a year") {
    f.window = 367 * kDay;
    auto t = FileDispute(7, f, group, Mediator(), kT0);
    CHECK(t.status().code() == Code::kInvalidArgument);
    CHECK_THAT(t.status().message(), Catch::Contains("366 days"));
  }
  SECTION("empty title") {
    f.title = "  ";
    CHECK(FileDispute(7, f, group, Mediator(), kT0).status().code() == Code::kInvalidArgument);
  }
  SECTION("over-long description") {
    f.description = std::string(kMaxTextBytes + 1, 'x');
    CHECK(FileDispute(7, f, group, Mediator(), kT0).status().code() == Code::kInvalidArgument);
  }
  SECTION("no standard") {
    f.standards.clear();
    CHECK(FileDispute(7, f, group, Mediator(), kT0).status().code() == Code::kInvalidArgument);
  }
  SECTION("filer is also a respondent") {
    f.filed_by_party_id = kPartyA;
    CHECK(FileDispute(7, f, group, Mediator(), kT0).status().code() == Code::kInvalidArgument);
  }
  SECTION("a respondent named twice") {
    f.respondent_party_ids = {kPartyA, kPartyA};
    CHECK(FileDispute(7, f, group, Mediator(), kT0).status().code() == Code::kInvalidArgument);
  }
  SECTION("filed by a liaison") {
    CHECK(FileDispute(7, f, group, LiaisonOf(kPartyA), kT0).status().code() ==
          Code::kPermissionDenied);
  }
}

TEST_CASE("text holding a NUL byte is refused before anything is written, in any field",
          "[workflow]") {
  // PostgreSQL refuses to store it: refused up front, a party cannot use it to
  // fail the batch its opponents' writes share.
  const std::string nul("we open\0 the road", 17);
  auto answer = Respond(Filed(), nul, Visibility::kGroup, LiaisonOf(kPartyA), kT0 + 1);
  REQUIRE_FALSE(answer.ok());
  CHECK(answer.status().code() == Code::kInvalidArgument);
  CHECK_THAT(answer.status().message(), Catch::Contains("position contains a NUL byte"));
  ContactGroup group = ThreePartyGroup(kGroup);
  auto f = TwoRespondentDispute();
  f.title = std::string("road\0block", 10);
  CHECK(FileDispute(7, f, group, Mediator(), kT0).status().code() == Code::kInvalidArgument);
  CHECK(Respond(Filed(), "we open the road", Visibility::kGroup, LiaisonOf(kPartyA), kT0 + 1).ok());
}

TEST_CASE("respond when negotiating records the position and answers the notice", "[workflow]") {
  auto t = Respond(Filed(), "We open the road by day", Visibility::kMediatorOnly, LiaisonOf(kPartyA),
                   kT0 + kDay);
  REQUIRE(t.ok());
  CHECK(t->next.state == CaseState::kNegotiating);  // party B still awaited
  CHECK(t->next.FindRespondent(kPartyA)->status == RespondentStatus::kAnswered);
  REQUIRE(t->next.positions.size() == 1);
  CHECK(t->next.positions[0].visibility == Visibility::kMediatorOnly);
  REQUIRE(t->events.size() == 1);
  CHECK(t->events[0].type == EventType::kResponded);
  CHECK(t->events[0].visibility == Visibility::kMediatorOnly);
  CHECK(t->events[0].actor == "liaison:102");
}

TEST_CASE("respond when every respondent has answered moves on without waiting", "[workflow]") {
  Case c = BothAnswered();
  CHECK(c.state == CaseState::kAwaitingDecision);
  CHECK(PendingDeadlines(c).empty());
}

TEST_CASE("respond when the last respondent answers tells the mediators the case awaits them",
          "[workflow]") {
  Case c = Apply(Respond(Filed(), "open by day", Visibility::kGroup, LiaisonOf(kPartyA), kT0 + 1));
  auto first = Respond(Filed(), "open by day", Visibility::kGroup, LiaisonOf(kPartyA), kT0 + 1);
  CHECK(To(*first, Recipient::Mediators()).empty());  // B is still awaited
  auto last = Respond(c, "agreed", Visibility::kGroup, LiaisonOf(kPartyB), kT0 + 2);
  REQUIRE(last.ok());
  auto told = To(*last, Recipient::Mediators());
  REQUIRE(told.size() == 1);
  CHECK(told[0].kind == NoticeKind::kAwaitingDecision);
  CHECK(told[0].message.id == "notice.awaiting_decision");
  CHECK(told[0].message.Find("respondents")->number == 2);
  CHECK(told[0].PartyId() == 0);
}

TEST_CASE("respond when window closed is rejected", "[workflow]") {
  auto t = Respond(Filed(), "too late", Visibility::kGroup, LiaisonOf(kPartyA), kT0 + kWindow);
  CHECK(t.status().code() == Code::kFailedPrecondition);
  CHECK_THAT(t.status().message(), Catch::Contains("closed at"));
}

TEST_CASE("respond by a party that is not a respondent is rejected", "[workflow]") {
  auto t = Respond(Filed(), "we agree", Visibility::kGroup, LiaisonOf(kFilerParty), kT0 + 1);
  CHECK(t.status().code() == Code::kPermissionDenied);
  CHECK_THAT(t.status().message(), Catch::Contains("not a respondent"));
}

TEST_CASE("respond when settled is rejected", "[workflow]") {
  auto t = Respond(Settled(), "late word", Visibility::kGroup, LiaisonOf(kPartyA), kT0 + 6);
  CHECK(t.status().code() == Code::kFailedPrecondition);
  CHECK_THAT(t.status().message(), Catch::Contains("SETTLED"));
}

TEST_CASE("respond with an empty position is rejected", "[workflow]") {
  auto t = Respond(Filed(), "", Visibility::kGroup, LiaisonOf(kPartyA), kT0 + 1);
  CHECK(t.status().code() == Code::kInvalidArgument);
}

TEST_CASE("request extension when negotiating is recorded for the mediator", "[workflow]") {
  auto t = RequestExtension(Filed(), 3 * kDay, "our delegate is travelling", LiaisonOf(kPartyB),
                            kT0 + kDay);
  REQUIRE(t.ok());
  REQUIRE(t->next.extension_requests.size() == 1);
  CHECK(t->next.extension_requests[0].open);
  CHECK(t->events[0].type == EventType::kExtensionRequested);
  CHECK(t->events[0].visibility == Visibility::kMediatorOnly);
  CHECK(t->next.FindRespondent(kPartyB)->deadline == kT0 + kWindow);  // not moved yet
  // The mediators hear of it (with the reason, which only they may read); no party does.
  REQUIRE(t->notices.size() == 1);
  CHECK(t->notices[0].to == Recipient::Mediators());
  CHECK(t->notices[0].kind == NoticeKind::kExtensionRequested);
  CHECK(t->notices[0].message.id == "notice.extension_requested");
  CHECK(t->notices[0].message.Find("reason")->text == "our delegate is travelling");
  CHECK(t->notices[0].deadline == kT0 + kWindow);
}

TEST_CASE("grant extension when negotiating moves only that party's deadline", "[workflow]") {
  Case c = Apply(RequestExtension(Filed(), 3 * kDay, "travel", LiaisonOf(kPartyB), kT0 + kDay));
  auto t = GrantExtension(c, kPartyB, 3 * kDay, "delegate travelling", Mediator(), kT0 + 2 * kDay);
  REQUIRE(t.ok());
  CHECK(t->next.FindRespondent(kPartyB)->deadline == kT0 + kWindow + 3 * kDay);
  CHECK(t->next.FindRespondent(kPartyA)->deadline == kT0 + kWindow);
  CHECK_FALSE(t->next.extension_requests[0].open);
  CHECK(t->events[0].type == EventType::kExtended);
  CHECK(t->events[0].details.at("reason") == "delegate travelling");
  REQUIRE(t->notices.size() == 1);
  CHECK(t->notices[0].kind == NoticeKind::kDeadlineExtended);
}

TEST_CASE("grant extension when party already answered is rejected", "[workflow]") {
  Case c = Apply(Respond(Filed(), "ok", Visibility::kGroup, LiaisonOf(kPartyA), kT0 + 1));
  CHECK(GrantExtension(c, kPartyA, kDay, "why", Mediator(), kT0 + 2).status().code() ==
        Code::kFailedPrecondition);
}

TEST_CASE("grant extension by a liaison is rejected", "[workflow]") {
  CHECK(GrantExtension(Filed(), kPartyA, kDay, "why", LiaisonOf(kPartyA), kT0 + 2).status().code() ==
        Code::kPermissionDenied);
}

TEST_CASE("grant extension when settled is rejected", "[workflow]") {
  CHECK(GrantExtension(Settled(), kPartyA, kDay, "why", Mediator(), kT0 + 6).status().code() ==
        Code::kFailedPrecondition);
}

TEST_CASE("grant capacity support when negotiating records it and extends", "[workflow]") {
  auto t = GrantCapacitySupport(Filed(), kPartyA, SupportKind::kTranslation, "Somali interpreter",
                                2 * kDay, Mediator(), kT0 + kDay);
  REQUIRE(t.ok());
  CHECK(t->next.FindRespondent(kPartyA)->deadline == kT0 + kWindow + 2 * kDay);
  CHECK(t->events[0].type == EventType::kSupportGranted);
  CHECK(t->events[0].details.at("kind") == "translation");
}

TEST_CASE("grant capacity support of time without an extension is rejected", "[workflow]") {
  CHECK(GrantCapacitySupport(Filed(), kPartyA, SupportKind::kTime, "more time", 0, Mediator(), kT0)
            .status()
            .code() == Code::kInvalidArgument);
}

TEST_CASE("record settlement when negotiating settles and tells every party", "[workflow]") {
  auto t = RecordSettlement(Filed(), "Road opens by day", {kPartyA, kPartyB}, Mediator(), kT0 + 5);
  REQUIRE(t.ok());
  CHECK(t->next.state == CaseState::kSettled);
  CHECK(PendingDeadlines(t->next).empty());
  CHECK(t->notices.size() == 3);
}

TEST_CASE("record settlement when settled is rejected", "[workflow]") {
  auto t = RecordSettlement(Settled(), "again", {kPartyA}, Mediator(), kT0 + 6);
  CHECK(t.status().code() == Code::kFailedPrecondition);
  CHECK_THAT(t.status().message(), Catch::Contains("SETTLED"));
  CHECK_THAT(t.status().message(), Catch::Contains("NEGOTIATING or AWAITING_DECISION"));
}

TEST_CASE("record settlement accepted by an outsider is rejected", "[workflow]") {
  CHECK(RecordSettlement(Filed(), "text", {42}, Mediator(), kT0 + 5).status().code() ==
        Code::kInvalidArgument);
}

TEST_CASE("record mission decision when awaiting decision decides", "[workflow]") {
  auto t = RecordMissionDecision(BothAnswered(), "Checkpoint removed", "Aid access is in the "
                                 "peace agreement", std::nullopt, Mediator(), kT0 + 10);
  REQUIRE(t.ok());
  CHECK(t->next.state == CaseState::kMissionDecision);
  CHECK(t->next.outcome.rationale == "Aid access is in the peace agreement");
}

TEST_CASE("record mission decision when negotiating is rejected", "[workflow]") {
  CHECK(RecordMissionDecision(Filed(), "x", "y", std::nullopt, Mediator(), kT0).status().code() ==
        Code::kFailedPrecondition);
}

TEST_CASE("record mission decision without a rationale is rejected", "[workflow]") {
  CHECK(RecordMissionDecision(BothAnswered(), "x", "", std::nullopt, Mediator(), kT0).status().code() ==
        Code::kInvalidArgument);
}

TEST_CASE("withdraw when negotiating withdraws", "[workflow]") {
  auto t = Withdraw(Filed(), "resolved locally", Mediator(), kT0 + 1);
  REQUIRE(t.ok());
  CHECK(t->next.state == CaseState::kWithdrawn);
  CHECK(PendingDeadlines(t->next).empty());
}

TEST_CASE("withdraw when settled is rejected", "[workflow]") {
  CHECK(Withdraw(Settled(), "x", Mediator(), kT0 + 6).status().code() == Code::kFailedPrecondition);
}

TEST_CASE("close when settled closes", "[workflow]") {
  auto t = Close(Settled(), Mediator(), kT0 + 7);
  REQUIRE(t.ok());
  CHECK(t->next.state == CaseState::kClosed);
  CHECK(t->events[0].details.at("outcome") == "SETTLED");
}

TEST_CASE("close when negotiating is rejected", "[workflow]") {
  auto t = Close(Filed(), Mediator(), kT0 + 1);
  CHECK(t.status().code() == Code::kFailedPrecondition);
  CHECK_THAT(t.status().message(), Catch::Contains("NEGOTIATING"));
}

TEST_CASE("close when closed is rejected", "[workflow]") {
  Case closed = Apply(Close(Settled(), Mediator(), kT0 + 7));
  CHECK(Close(closed, Mediator(), kT0 + 8).status().code() == Code::kFailedPrecondition);
}

// ------------------------------------------------------------- deadlines ---

TEST_CASE("deadlines when negotiating are a reminder and the window close per party", "[workflow]") {
  auto ds = PendingDeadlines(Filed());
  REQUIRE(ds.size() == 4);
  CHECK(ds[0].kind == DeadlineKind::kReminder);
  CHECK(ds[0].due_at == kT0 + kWindow / 2);
  CHECK(ds[1].kind == DeadlineKind::kWindowClose);
  CHECK(ds[1].due_at == kT0 + kWindow);
}

TEST_CASE("timer when negotiating before any reminder point does nothing", "[workflow]") {
  Case c = Filed();
  auto t = OnDeadlines(c, ThreePartyGroup(), kT0 + kDay);
  CHECK(t.events.empty());
  CHECK(t.next.version == c.version);
}

TEST_CASE("timer when negotiating at half-time reminds silent parties once", "[workflow]") {
  Case c = Apply(Respond(Filed(), "ok", Visibility::kGroup, LiaisonOf(kPartyA), kT0 + 1));
  auto t = OnDeadlines(c, ThreePartyGroup(), kT0 + kWindow / 2);
  REQUIRE(t.events.size() == 1);
  CHECK(t.events[0].type == EventType::kReminded);
  CHECK(t.events[0].party_id == kPartyB);
  CHECK(t.events[0].actor == "barazad");
  REQUIRE(t.notices.size() == 1);
  CHECK(t.notices[0].kind == NoticeKind::kReminder);
  // Firing again at the same time changes nothing.
  auto again = OnDeadlines(t.next, ThreePartyGroup(), kT0 + kWindow / 2);
  CHECK(again.events.empty());
  // The next deadline of party B is now the 90% reminder.
  auto ds = PendingDeadlines(t.next);
  REQUIRE(ds.size() == 2);
  CHECK(ds[0].due_at == kT0 + kWindow * 9 / 10);
}

TEST_CASE("timer when deadline passed enters default judgement only against the silent party",
          "[workflow]") {
  Case c = Apply(Respond(Filed(), "ok", Visibility::kGroup, LiaisonOf(kPartyA), kT0 + 1));
  c = RemindersReached(OnDeadlines(c, ThreePartyGroup(), kT0 + kWindow / 2).next,
                       kT0 + kWindow / 2);
  auto t = OnDeadlines(c, ThreePartyGroup(), kT0 + kWindow);
  REQUIRE(t.events.size() == 1);
  CHECK(t.events[0].type == EventType::kDefaultJudgementEntered);
  // The judgement cites the receipt it rests on.
  CHECK(t.events[0].details.at("reminder_delivered_at") == FormatTime(kT0 + kWindow / 2));
  CHECK(t.events[0].party_id == kPartyB);
  CHECK(t.next.state == CaseState::kDefaultJudgement);
  CHECK(t.next.outcome.defaulted_party_ids == std::vector<Id>{kPartyB});
  CHECK(t.next.FindRespondent(kPartyA)->status == RespondentStatus::kAnswered);
  CHECK(PendingDeadlines(t.next).empty());
  // Exactly once: a second firing after the deadline writes nothing.
  CHECK(OnDeadlines(t.next, ThreePartyGroup(), kT0 + kWindow + kDay).events.empty());
}

TEST_CASE("timer when deadline passed without a reminder refers to the mediator", "[workflow]") {
  // The server was down through every reminder point: no outreach on record.
  auto t = OnDeadlines(Filed(), ThreePartyGroup(), kT0 + kWindow + kDay);
  REQUIRE(t.events.size() == 2);
  for (const auto& e : t.events) {
    CHECK(e.type == EventType::kReferredToMediator);
    CHECK_THAT(e.details.at("reason"), Catch::Contains("no reminder"));
  }
  CHECK(t.next.state == CaseState::kAwaitingDecision);
  // The mediators are told of each referral, with its reason, and that the case awaits them.
  auto told = To(t, Recipient::Mediators());
  REQUIRE(told.size() == 3);
  CHECK(told[0].kind == NoticeKind::kReferred);
  CHECK(told[0].message.id == "notice.referred");
  CHECK(told[0].message.Find("why")->text == "no_reminder");
  CHECK(told[1].kind == NoticeKind::kReferred);
  CHECK(told[2].kind == NoticeKind::kAwaitingDecision);
}

TEST_CASE("timer when the party has no liaison refers to the mediator", "[workflow]") {
  Case c = Apply(FileDispute(7, TwoRespondentDispute(), ThreePartyGroup(0), Mediator(), kT0));
  c = OnDeadlines(c, ThreePartyGroup(0), kT0 + kWindow / 2).next;
  auto t = OnDeadlines(c, ThreePartyGroup(0), kT0 + kWindow);
  REQUIRE_FALSE(t.events.empty());
  CHECK(t.events[0].type == EventType::kReferredToMediator);
  CHECK_THAT(t.events[0].details.at("reason"), Catch::Contains("no registered liaison"));
}

TEST_CASE("timer when extended waits for the new deadline", "[workflow]") {
  Case c = RemindersReached(OnDeadlines(Filed(), ThreePartyGroup(), kT0 + kWindow / 2).next,
                            kT0 + kWindow / 2);
  c = Apply(GrantExtension(c, kPartyB, 5 * kDay, "travel", Mediator(), kT0 + kWindow / 2 + 1));
  auto t = OnDeadlines(c, ThreePartyGroup(), kT0 + kWindow);
  // Party A defaults at its deadline; B's window runs on.
  REQUIRE(t.events.size() == 1);
  CHECK(t.events[0].party_id == kPartyA);
  CHECK(t.next.state == CaseState::kNegotiating);
  auto later = OnDeadlines(t.next, ThreePartyGroup(), kT0 + kWindow + 5 * kDay);
  CHECK(later.next.state == CaseState::kDefaultJudgement);
  CHECK(later.next.outcome.defaulted_party_ids.size() == 2);
}

TEST_CASE("timer when clock moved backward fires nothing again", "[workflow]") {
  Case c = OnDeadlines(Filed(), ThreePartyGroup(), kT0 + kWindow / 2).next;
  c = OnDeadlines(c, ThreePartyGroup(), kT0 + kWindow).next;
  CHECK(OnDeadlines(c, ThreePartyGroup(), kT0 + kWindow / 2).events.empty());
  CHECK(OnDeadlines(c, ThreePartyGroup(), kT0).events.empty());
}

TEST_CASE("timer when settled does nothing", "[workflow]") {
  CHECK(OnDeadlines(Settled(), ThreePartyGroup(), kT0 + 2 * kWindow).events.empty());
}

// End-to-end, on the real barazad: act first, appeal later (emergency actions),
// contemplated actions, and the participation record derived from their events.
#include <catch2/catch.hpp>

#include "tests/e2e/e2e_fixtures.h"

using namespace baraza;
using namespace baraza::testing;
using namespace std::chrono_literals;

namespace {

// A commander's report of an action that affected the two armed factions.
v1::LogEmergencyActionRequest Action(const Setup& s) {
  return EmergencyActionIn(s.group, {s.answers, s.silent});
}

// With an appeal window of `seconds`.
class WithShortAppealWindow : public WithThreeParties {
 protected:
  WithShortAppealWindow() : WithThreeParties(4) {}
};

}  // namespace

TEST_CASE_METHOD(WithThreeParties,
                 "emergency action appealed by one of two affected parties is overturned with a "
                 "remedy",
                 "[e2e][emergency]") {
  auto mediator = Mediator();
  auto commander = server.Client(RegisterCommander(mediator, "Col. A. Diallo, Sector South"));
  auto appellant = server.Client(s.answers_token);
  auto other = server.Client(s.silent_token);
  auto bystander = server.Client(s.filer_token);

  v1::Case logged;
  REQUIRE(commander.LogEmergencyAction(Action(s), &logged).ok());
  CHECK(logged.kind() == v1::CASE_KIND_EMERGENCY_ACTION);
  CHECK(logged.state() == v1::CASE_STATE_APPEAL_WINDOW);
  const int64_t id = logged.id();

  // Both affected parties were told with the appeal deadline; the third party for information.
  v1::ListNoticesResponse notices;
  REQUIRE(other.ListNotices({}, &notices).ok());
  REQUIRE(notices.notices_size() == 1);
  CHECK(notices.notices(0).kind() == v1::NOTICE_KIND_EMERGENCY_ACTION);
  CHECK(notices.notices(0).has_deadline());
  REQUIRE(bystander.ListNotices({}, &notices).ok());
  REQUIRE(notices.notices_size() == 1);
  CHECK_FALSE(notices.notices(0).has_deadline());
  // The group reviews the action: the party told of it may read the case its notice names.
  v1::Case read = GetCase(bystander, id);
  CHECK(read.title() == logged.title());
  CHECK(read.action().location() == logged.action().location());

  v1::Case out;
  v1::RuleOnAppealRequest rule;
  rule.set_case_id(id);
  rule.set_ruling(v1::RULING_OVERTURNED);
  rule.set_reasons("The shooting had stopped before the platoon arrived.");
  rule.set_remedy("The mission repairs the checkpoint hut and apologises in the group.");

  SECTION("the whole appeal") {
    v1::AppealActionRequest appeal;
    appeal.set_case_id(id);
    appeal.set_grounds("The roadblock was ours, lawful under the ceasefire, and nobody fired.");
    appeal.set_requested_remedy("Rebuild the hut.");
    // A party that was not affected cannot appeal, and nothing is written.
    auto refused = bystander.AppealAction(appeal, &out);
    CHECK(refused.error_code() == grpc::StatusCode::PERMISSION_DENIED);
    CHECK_THAT(refused.error_message(), Catch::Contains("only affected parties may appeal"));
    REQUIRE(appellant.AppealAction(appeal, &out).ok());
    CHECK(out.state() == v1::CASE_STATE_UNDER_APPEAL);
    // A second appeal by the same party is refused.
    CHECK(appellant.AppealAction(appeal, &out).error_code() ==
          grpc::StatusCode::FAILED_PRECONDITION);

    // No ruling before the commander has explained the action.
    auto early = mediator.RuleOnAppeal(rule, &out);
    CHECK(early.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
    CHECK_THAT(early.error_message(), Catch::Contains("explanation"));

    v1::ExplainActionRequest explain;
    explain.set_case_id(id);
    explain.set_text("We saw muzzle flashes from the roadblock towards the queue.");
    REQUIRE(commander.ExplainAction(explain, &out).ok());
    v1::AnswerAppealRequest answer;
    answer.set_case_id(id);
    answer.set_appeal_id(1);
    answer.set_text("Our patrol log records shots from the roadblock at 06:10.");
    REQUIRE(commander.AnswerAppeal(answer, &out).ok());

    // A ruling with no reasons is refused.
    auto no_reasons = rule;
    no_reasons.set_reasons("");
    CHECK(mediator.RuleOnAppeal(no_reasons, &out).error_code() ==
          grpc::StatusCode::INVALID_ARGUMENT);

    REQUIRE(mediator.RuleOnAppeal(rule, &out).ok());
    CHECK(out.state() == v1::CASE_STATE_RULED);
    CHECK(out.outcome().ruling() == v1::RULING_OVERTURNED);
    CHECK(out.outcome().remedy() == rule.remedy());
    // A second ruling is refused and changes nothing.
    auto second = rule;
    second.set_ruling(v1::RULING_UPHELD);
    CHECK(mediator.RuleOnAppeal(second, &out).error_code() ==
          grpc::StatusCode::FAILED_PRECONDITION);
    CHECK(GetCase(mediator, id).outcome().ruling() == v1::RULING_OVERTURNED);

    auto events = History(mediator, id);
    std::vector<v1::EventType> types;
    for (const auto& e : events) types.push_back(e.type());
    CHECK(types == std::vector<v1::EventType>{v1::EVENT_TYPE_EMERGENCY_ACTION_LOGGED,
                                              v1::EVENT_TYPE_APPEALED, v1::EVENT_TYPE_EXPLAINED,
                                              v1::EVENT_TYPE_APPEAL_ANSWERED, v1::EVENT_TYPE_RULED});
    CHECK(events[0].actor() == "commander:1");

    // The participation record says the same as the history.
    v1::GetParticipationRecordRequest rec;
    rec.set_party_id(s.answers);
    v1::ParticipationRecord record;
    REQUIRE(mediator.GetParticipationRecord(rec, &record).ok());
    CHECK(record.emergency_actions_affecting() == 1);
    CHECK(record.appeals_filed() == 1);
    CHECK(record.appeals_overturned() == 1);
    rec.set_party_id(s.silent);
    REQUIRE(mediator.GetParticipationRecord(rec, &record).ok());
    CHECK(record.emergency_actions_affecting() == 1);
    CHECK(record.appeals_filed() == 0);
  }
  SECTION("bad input is refused and writes nothing") {
    size_t before = History(mediator, id).size();
    auto req = Action(s);
    req.mutable_action()->set_narrowness("  ");
    auto st = commander.LogEmergencyAction(req, &out);
    CHECK(st.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK_THAT(st.error_message(), Catch::Contains("narrowness"));
    req = Action(s);
    req.add_affected_party_ids(4242);
    CHECK(commander.LogEmergencyAction(req, &out).error_code() ==
          grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(mediator.LogEmergencyAction(Action(s), &out).error_code() ==
          grpc::StatusCode::PERMISSION_DENIED);
    CHECK(History(mediator, id).size() == before);
    v1::ListCasesResponse all;
    REQUIRE(mediator.ListCases({}, &all).ok());
    CHECK(all.cases_size() == 1);
  }
}

TEST_CASE_METHOD(WithShortAppealWindow,
                 "emergency action left unappealed closes by itself once, across a restart",
                 "[e2e][emergency]") {
  std::string commander_token;
  int64_t first = 0, second = 0;
  {
    auto mediator = Mediator();
    commander_token = RegisterCommander(mediator, "Maj. B. Okafor");
    auto commander = server.Client(commander_token);
    v1::Case c;
    REQUIRE(commander.LogEmergencyAction(Action(s), &c).ok());
    first = c.id();
    // The first closes while the server runs.
    v1::Case closed = WaitForCase(mediator, first, 15s, [](const v1::Case& k) {
      return k.state() == v1::CASE_STATE_CLOSED;
    });
    REQUIRE(closed.state() == v1::CASE_STATE_CLOSED);
    CHECK(closed.outcome().unchallenged());
    REQUIRE(commander.LogEmergencyAction(Action(s), &c).ok());
    second = c.id();
  }
  // The second falls due while the server is down.
  REQUIRE(server.Stop() == 0);
  std::this_thread::sleep_for(5s);
  REQUIRE(server.Start());
  auto mediator = Mediator();
  // Handled before SERVING: closed at once, exactly once each.
  for (int64_t id : {first, second}) {
    v1::Case k = GetCase(mediator, id);
    CHECK(k.state() == v1::CASE_STATE_CLOSED);
    CHECK(k.outcome().unchallenged());
    CHECK(Count(History(mediator, id), v1::EVENT_TYPE_CLOSED_UNCHALLENGED, 0) == 1);
  }
  // Appealing now is too late.
  v1::AppealActionRequest late;
  late.set_case_id(second);
  late.set_grounds("We were away.");
  v1::Case out;
  CHECK(server.Client(s.answers_token).AppealAction(late, &out).error_code() ==
        grpc::StatusCode::FAILED_PRECONDITION);
  // The commander lists both as its own cases.
  v1::ListCasesResponse mine;
  REQUIRE(server.Client(commander_token).ListCases({}, &mine).ok());
  CHECK(mine.cases_size() == 2);
  // A restart later changes nothing more.
  REQUIRE(server.Stop() == 0);
  REQUIRE(server.Start());
  auto again = Mediator();
  CHECK(Count(History(again, second), v1::EVENT_TYPE_CLOSED_UNCHALLENGED, 0) == 1);
}

TEST_CASE_METHOD(WithThreeParties,
                 "contemplated action against a party that never answers ends in a default "
                 "judgement",
                 "[e2e][contemplated]") {
  auto mediator = Mediator();
  auto commander = server.Client(RegisterCommander(mediator, "Lt-Col. C. Rahman"));
  ConnectedLiaison silent_phone(server, s.silent_token);  // told, and silent
  v1::Case filed;
  REQUIRE(commander.FileContemplatedAction(ContemplatedActionIn(s.group, {s.silent}, 4), &filed).ok());
  CHECK(filed.kind() == v1::CASE_KIND_CONTEMPLATED_ACTION);
  CHECK(filed.filed_by_commander_id() > 0);

  v1::Case done = WaitForCase(mediator, filed.id(), 20s, [](const v1::Case& k) {
    return k.state() == v1::CASE_STATE_DEFAULT_JUDGEMENT;
  });
  REQUIRE(done.state() == v1::CASE_STATE_DEFAULT_JUDGEMENT);
  CHECK(done.outcome().defaulted_party_ids_size() == 1);
  CHECK(done.outcome().defaulted_party_ids(0) == s.silent);
  auto events = History(mediator, filed.id());
  CHECK(Count(events, v1::EVENT_TYPE_REMINDED, s.silent) >= 1);
  CHECK(Count(events, v1::EVENT_TYPE_DEFAULT_JUDGEMENT_ENTERED, s.silent) == 1);

  // The participation record of the silent party matches the history.
  v1::GetParticipationRecordRequest rec;
  rec.set_party_id(s.silent);
  v1::ParticipationRecord record;
  REQUIRE(mediator.GetParticipationRecord(rec, &record).ok());
  CHECK(record.cases() == 1);
  CHECK(record.notices_received() == Count(events, v1::EVENT_TYPE_NOTIFIED, s.silent));
  CHECK(record.never_answered() == 1);
  CHECK(record.answered_on_time() == 0);
  // Only mediators read participation records.
  CHECK(server.Client(s.answers_token).GetParticipationRecord(rec, &record).error_code() ==
        grpc::StatusCode::PERMISSION_DENIED);
}

// The report template: one form whichever party a case concerns, nothing
// MEDIATOR_ONLY, open cases said to be open, corrections tied to their case.
#include <catch2/catch.hpp>

#include <algorithm>

#include <algorithm>

#include "services/workflow/report.h"
#include "tests/fakes/fixtures.h"

using namespace baraza;
using namespace baraza::workflow;
using namespace baraza::testing;

namespace {

constexpr Id kMissionParty = 4;

ContactGroup GroupWithMission() {
  ContactGroup g = ThreePartyGroup();
  g.parties.push_back({kMissionParty, kGroup, "UN Mission in Jubaland", PartyCategory::kMission, 1, 0});
  return g;
}

// A case and every event written so far, as the store would hold them.
struct Story {
  Case c;
  std::vector<Event> events;
  void Apply(const Result<Transition>& t) {
    REQUIRE(t.ok());
    c = t->next;
    events.insert(events.end(), t->events.begin(), t->events.end());
  }
  void Apply(const Transition& t) { Apply(Result<Transition>(t)); }
};

Story DisputeAgainst(Id respondent, Id case_id = 7) {
  auto filing = TwoRespondentDispute();
  filing.respondent_party_ids = {respondent};
  Story s;
  s.Apply(FileDispute(case_id, filing, GroupWithMission(), Mediator(), kT0));
  return s;
}

ReportContext Context(const ContactGroup& g, const Story& s, const Report* corrected = nullptr) {
  ReportContext ctx;
  ctx.group = &g;
  ctx.events = s.events;
  ctx.history_head = "12:" + std::string(64, 'a');
  ctx.case_head = std::string(64, 'b');
  ctx.report_id = 3;
  ctx.corrected = corrected;
  return ctx;
}

// Every value of a report, in order, as one text (for searching).
std::string AllText(const Report& r) {
  std::string out = r.title;
  for (const auto& s : r.sections)
    for (const auto& l : s.lines) out += "\n" + l.label + ": " + l.value;
  return out;
}

std::string ValueOf(const Report& r, const std::string& label) {
  for (const auto& s : r.sections)
    for (const auto& l : s.lines)
      if (l.label == label) return l.value;
  return "(no line " + label + ")";
}

}  // namespace

TEST_CASE("publish report when negotiating says the case is still open", "[workflow][report]") {
  ContactGroup g = GroupWithMission();
  Story s = DisputeAgainst(kPartyA);
  auto p = PublishReport(s.c, Context(g, s), Mediator(), kT0 + 10);
  REQUIRE(p.ok());
  CHECK(ValueOf(p->report, "Status") == "open: the negotiation window is running");
  CHECK(ValueOf(p->report, "Note").find("still open") != std::string::npos);
  CHECK(ValueOf(p->report, "Outcome") == "none yet: the case is still open");
  CHECK(ValueOf(p->report, "Notified").find("no liaison") == std::string::npos);
  CHECK(p->report.case_id == s.c.id);
  CHECK(p->report.group_id == kGroup);
  CHECK(p->report.id == 3);
  CHECK(p->report.history_head == "12:" + std::string(64, 'a'));
  // The publication is one event in the case's history; nothing else changes.
  REQUIRE(p->transition.events.size() == 1);
  const Event& e = p->transition.events[0];
  CHECK(e.type == EventType::kReportPublished);
  CHECK(e.details.at("report_id") == "3");
  CHECK(e.details.at("history_head") == p->report.history_head);
  CHECK(p->transition.next.state == s.c.state);
  CHECK(p->transition.next.version == s.c.version + 1);
  CHECK(p->transition.notices.empty());
}

TEST_CASE("publish report by a liaison or a commander is refused", "[workflow][report]") {
  ContactGroup g = GroupWithMission();
  Story s = DisputeAgainst(kPartyA);
  CHECK(PublishReport(s.c, Context(g, s), LiaisonOf(kPartyA), kT0).status().code() ==
        Code::kPermissionDenied);
  CHECK(PublishReport(s.c, Context(g, s), CommanderActor(), kT0).status().code() ==
        Code::kPermissionDenied);
}

TEST_CASE("publish report when a party never answered names the default judgement", "[workflow][report]") {
  ContactGroup g = GroupWithMission();
  Story s = DisputeAgainst(kPartyA);
  for (UnixMillis at : {kT0 + kWindow / 2, kT0 + kWindow * 9 / 10, kT0 + kWindow}) {
    s.Apply(OnDeadlines(s.c, g, at));
    s.c = RemindersReached(s.c, at);
  }
  REQUIRE(s.c.state == CaseState::kDefaultJudgement);
  auto p = PublishReport(s.c, Context(g, s), Mediator(), kT0 + kWindow + 1);
  REQUIRE(p.ok());
  CHECK(ValueOf(p->report, "Answer") == "never answered: default judgement entered");
  CHECK(ValueOf(p->report, "Reminders sent") == "2");
  CHECK(ValueOf(p->report, "Outcome") == "default judgement");
  CHECK(ValueOf(p->report, "Default judgement entered against") ==
        "Juba Valley Alliance (armed faction)");
  CHECK(ValueOf(p->report, "Note").find("no line") != std::string::npos);  // not open
}

TEST_CASE("publish report never shows a mediator-only position", "[workflow][report][confidentiality]") {
  ContactGroup g = GroupWithMission();
  Story s = DisputeAgainst(kPartyA);
  s.Apply(Respond(s.c, "SENTINEL-7f3a our real red line", Visibility::kMediatorOnly,
                  LiaisonOf(kPartyA), kT0 + 1));
  s.Apply(Respond(s.c, "We will open the checkpoint by day.", Visibility::kGroup,
                  LiaisonOf(kPartyA), kT0 + 2));
  auto p = PublishReport(s.c, Context(g, s), Mediator(), kT0 + 3);
  REQUIRE(p.ok());
  std::string text = AllText(p->report);
  CHECK(text.find("SENTINEL-7f3a") == std::string::npos);
  CHECK(text.find("We will open the checkpoint by day.") != std::string::npos);
  CHECK(ValueOf(p->report, "Answer") == "answered on time");
}

TEST_CASE("publish report shows each party's outreach as counts, never a channel or an address",
          "[workflow][report][outreach]") {
  ContactGroup g = GroupWithMission();
  Story s = DisputeAgainst(kPartyA);
  auto update = [&](Id notice, DeliveryState from, DeliveryState to, ContactKind kind) {
    Delivery before;
    before.id = notice;
    before.notice_id = notice;
    before.case_id = s.c.id;
    before.party_id = kPartyA;
    before.kind = kind;
    before.address = "sentinel-addr@jva.example.org";
    before.state = from;
    Delivery after = before;
    after.state = to;
    after.attempts = 1;
    after.detail = "550 sentinel-addr@jva.example.org: no such user";
    auto t = RecordDelivery(s.c, before, after, kT0 + notice);
    REQUIRE(t);
    s.Apply(*t);
  };
  update(1, DeliveryState::kQueued, DeliveryState::kDelivered, ContactKind::kEmail);
  update(1, DeliveryState::kDelivered, DeliveryState::kRead, ContactKind::kStream);
  update(2, DeliveryState::kQueued, DeliveryState::kFailed, ContactKind::kEmail);
  auto p = PublishReport(s.c, Context(g, s), Mediator(), kT0 + 10);
  REQUIRE(p.ok());
  std::vector<std::string> outreach;
  for (const auto& section : p->report.sections)
    for (const auto& line : section.lines)
      if (line.label == "Outreach") outreach.push_back(line.value);
  // One line for every party of the case, the filer included; A's counts its notices.
  REQUIRE(outreach.size() == s.c.PartyIds().size());
  CHECK(std::count(outreach.begin(), outreach.end(), "1 notice sent, 1 delivered, 1 read") == 1);
  std::string text = AllText(p->report);
  CHECK(text.find("sentinel-addr") == std::string::npos);
  CHECK(text.find("550") == std::string::npos);
}

TEST_CASE("reports on cases against different parties, one the mission, share one form",
          "[workflow][report][impartiality]") {
  ContactGroup g = GroupWithMission();
  std::vector<Report> reports;
  for (Id respondent : {kPartyA, kMissionParty}) {
    Story s = DisputeAgainst(respondent, 10 + respondent);
    s.Apply(GrantCapacitySupport(s.c, respondent, SupportKind::kTranslation, "An interpreter",
                                 kDay, Mediator(), kT0 + 1));
    s.Apply(Respond(s.c, "Our answer", Visibility::kGroup, LiaisonOf(respondent), kT0 + 2));
    s.Apply(RecordSettlement(s.c, "The checkpoint opens by day.", {respondent}, Mediator(), kT0 + 3));
    auto p = PublishReport(s.c, Context(g, s), Mediator(), kT0 + 4);
    REQUIRE(p.ok());
    reports.push_back(p->report);
  }
  // Same headings and labels in the same order: only the data differs.
  CHECK(Skeleton(reports[0]) == Skeleton(reports[1]));
  CHECK(reports[0].sections != reports[1].sections);
  CHECK(AllText(reports[1]).find("UN Mission in Jubaland (mission)") != std::string::npos);
  CHECK(AllText(reports[0]).find("Juba Valley Alliance (armed faction)") != std::string::npos);
  CHECK(ValueOf(reports[1], "Capacity support received") == "translation: An interpreter");
  CHECK(ValueOf(reports[1], "Outcome") == "settlement");
}

TEST_CASE("publish report as a correction names the report it corrects", "[workflow][report]") {
  ContactGroup g = GroupWithMission();
  Story s = DisputeAgainst(kPartyA);
  auto first = PublishReport(s.c, Context(g, s), Mediator(), kT0 + 1);
  REQUIRE(first.ok());
  Report earlier = first->report;
  earlier.id = 2;
  s.Apply(first->transition);
  auto second = PublishReport(s.c, Context(g, s, &earlier), Mediator(), kT0 + 2);
  REQUIRE(second.ok());
  CHECK(second->report.corrects_report_id == 2);
  CHECK(ValueOf(second->report, "Corrects").find("report #2") == 0);
  CHECK(second->transition.events[0].details.at("corrects_report_id") == "2");

  Report of_another_case = earlier;
  of_another_case.case_id = s.c.id + 1;
  auto refused = PublishReport(s.c, Context(g, s, &of_another_case), Mediator(), kT0 + 3);
  CHECK(refused.status().code() == Code::kInvalidArgument);
  CHECK(refused.status().message().find("same case") != std::string::npos);
}

TEST_CASE("publish report on an emergency action includes the narrowness and the appeal",
          "[workflow][report]") {
  ContactGroup g = GroupWithMission();
  Story s;
  s.Apply(LogEmergencyAction(20, ActionAffectingAAndB(), g, CommanderActor(), kT0));
  s.Apply(ExplainAction(s.c, "Shots were fired at the queue.", CommanderActor(), kT0 + 1));
  s.Apply(FileAppeal(s.c, "Nobody fired from the roadblock.", "Rebuild the hut",
                       LiaisonOf(kPartyA), kT0 + 2));
  auto p = PublishReport(s.c, Context(g, s), Mediator(), kT0 + 3);
  REQUIRE(p.ok());
  CHECK(ValueOf(p->report, "How it was kept narrow") == ActionAffectingAAndB().action.narrowness);
  CHECK(ValueOf(p->report, "Commander's explanation").find("Shots were fired") != std::string::npos);
  CHECK(ValueOf(p->report, "Appeal").find("Nobody fired from the roadblock.") != std::string::npos);
  CHECK(ValueOf(p->report, "Status") == "open: an appeal is under review");
}

TEST_CASE("publish report when the respondent had no liaison says the notice reached nobody",
          "[workflow][report]") {
  ContactGroup g = ThreePartyGroup(/*liaisons_each=*/0);
  auto filing = TwoRespondentDispute();
  Story s;
  s.Apply(FileDispute(7, filing, g, Mediator(), kT0));
  auto p = PublishReport(s.c, Context(g, s), Mediator(), kT0 + 1);
  REQUIRE(p.ok());
  CHECK(ValueOf(p->report, "Notified").find("(no liaison was registered to receive it)") !=
        std::string::npos);
}

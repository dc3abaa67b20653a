// Shared test fixtures: a contact group with three parties and a dispute
// filed against two of them, built through the same core functions the server
// uses. Not thread-safe.
#pragma once

#include "services/workflow/case_machine.h"
#include "services/workflow/emergency_machine.h"
#include "services/workflow/outreach.h"

namespace baraza::testing {

inline constexpr Id kGroup = 1;
inline constexpr Id kFilerParty = 1;   // a women's group that raises the dispute
inline constexpr Id kPartyA = 2;       // an armed faction, respondent
inline constexpr Id kPartyB = 3;       // the government, respondent
inline constexpr Millis kWindow = 10 * kDay;
inline constexpr UnixMillis kT0 = 1'780'000'000'000;

inline ContactGroup ThreePartyGroup(int liaisons_each = 1) {
  ContactGroup g;
  g.id = kGroup;
  g.name = "Kismayo contact group";
  g.parties = {
      {kFilerParty, kGroup, "Kismayo Women's Association", PartyCategory::kWomensGroup, liaisons_each, 0},
      {kPartyA, kGroup, "Juba Valley Alliance", PartyCategory::kArmedFaction, liaisons_each, 0},
      {kPartyB, kGroup, "Transitional Government", PartyCategory::kGovernment, liaisons_each, 0},
  };
  return g;
}

inline workflow::DisputeFiling TwoRespondentDispute() {
  workflow::DisputeFiling f;
  f.group_id = kGroup;
  f.title = "Checkpoint on the port road";
  f.description = "A checkpoint blocks aid convoys to the camps.";
  f.standards = {Standard::kPeaceProcess};
  f.dimension = Dimension::kHumanitarianAid;
  f.filed_by_party_id = kFilerParty;
  f.respondent_party_ids = {kPartyA, kPartyB};
  f.window = kWindow;
  return f;
}

inline constexpr Millis kAppealWindow = 7 * kDay;

// A commander's emergency action that affected parties A and B.
inline workflow::EmergencyFiling ActionAffectingAAndB() {
  workflow::EmergencyFiling f;
  f.group_id = kGroup;
  f.title = "Roadblock cleared at Bulo Gaduud";
  f.description = "A platoon removed a roadblock where a crowd was being fired upon.";
  f.affected_party_ids = {kPartyA, kPartyB};
  f.action.occurred_at = kT0 - 3600 * kSecond;
  f.action.location = "Bulo Gaduud junction";
  f.action.threat = "Gunmen were firing on civilians queuing for water.";
  f.action.narrowness = "Fire was returned only at the shooters; nobody was pursued or detained.";
  return f;
}

inline Actor Mediator() { return Actor{Role::kMediator, 1, 0, 0}; }
inline Actor CommanderActor(Id id = 5) { return Actor{Role::kCommander, id, 0, 0}; }
inline Actor LiaisonOf(Id party) { return Actor{Role::kLiaison, 100 + party, party, kGroup}; }

// Every reminder sent so far reaches its party at `at` (as a mail relay's
// acceptance would be recorded): the outreach a default judgement needs.
inline Case RemindersReached(Case c, UnixMillis at) {
  for (const Respondent& r : Case(c).respondents) {
    if (r.status != RespondentStatus::kAwaiting || r.reminders_sent == 0 ||
        r.reminder_delivered_at != 0)
      continue;
    Delivery before;
    before.id = 1000 + r.party_id;
    before.case_id = c.id;
    before.party_id = r.party_id;
    before.notice_kind = NoticeKind::kReminder;
    Delivery after = before;
    after.state = DeliveryState::kDelivered;
    after.attempts = 1;
    c = workflow::RecordDelivery(c, before, after, at)->next;
  }
  return c;
}

}  // namespace baraza::testing

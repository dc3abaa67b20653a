// Act first, appeal later: the lifecycle of an emergency action, as a pure state
// machine like case_machine.h. A commander logs the action, which opens an appeal
// window for the affected parties; the mediator rules on appeals; with no appeal
// the case closes by itself at the deadline. Thread-safe: touches only its arguments.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "services/workflow/case_machine.h"

namespace baraza::workflow {

struct EmergencyFiling {
  Id group_id = 0;
  std::string title;
  std::string description;  // what was done
  Dimension dimension = Dimension::kUseOfForce;
  std::vector<Id> affected_party_ids;
  EmergencyAction action;  // when, where, the threat, how it was kept narrow
};

// An action may be logged up to this long after the clock says "now" (clocks
// of field devices drift); later than that is refused as a time in the future.
inline constexpr Millis kClockTolerance = 5 * 60 * kSecond;

Result<Transition> LogEmergencyAction(Id case_id, const EmergencyFiling& filing,
                                      const ContactGroup& group, const Actor& actor,
                                      UnixMillis now);
// The commander who logged the action explains it; part of the history.
Result<Transition> ExplainAction(const Case& c, const std::string& text, const Actor& actor,
                                 UnixMillis now);
// An affected party's liaison appeals, inside the appeal window, once per party.
Result<Transition> FileAppeal(const Case& c, const std::string& grounds,
                              const std::string& requested_remedy, const Actor& actor,
                              UnixMillis now);
// The commander who logged the action answers an appeal, once.
Result<Transition> AnswerAppeal(const Case& c, Id appeal_id, const std::string& text,
                                const Actor& actor, UnixMillis now);
// The mediator rules, once, with reasons, after the commander has explained the action.
Result<Transition> RuleOnAppeal(const Case& c, Ruling ruling, const std::string& reasons,
                                const std::string& remedy, const Actor& actor, UnixMillis now);

// The server's move at the appeal deadline: no appeal → closed unchallenged.
// Nothing when not due or already done.
Transition OnAppealDeadline(const Case& c, UnixMillis now);
std::vector<Deadline> PendingAppealDeadlines(const Case& c);

}  // namespace baraza::workflow

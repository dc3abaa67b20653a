// The dispute workflow as a pure state machine: given a case, a command, the
// actor and the time, returns the next case and the events and notices to
// record, or a Status saying why not. No I/O, no clock; every function is
// thread-safe because it touches only its arguments.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "services/workflow/model.h"
#include "services/workflow/status.h"

namespace baraza::workflow {

// Input limits, checked here so that every entry point enforces the same ones.
inline constexpr size_t kMaxNameBytes = 200;
inline constexpr size_t kMaxTextBytes = 64 * 1024;
inline constexpr Millis kMaxWindow = 366 * kDay;
inline constexpr size_t kMaxRespondents = 100;

// When the server reaches out to a silent respondent before its deadline, as
// fractions of that party's window. The paper asks that "every effort should be
// made to reach out" before a default judgement.
struct Policy {
  std::vector<double> reminder_fractions = {0.5, 0.9};
};

// One accepted command: the case as it now stands, and what must be recorded
// with it in the same transaction.
struct Transition {
  Case next;
  std::vector<Event> events;
  std::vector<Notice> notices;
};

struct DisputeFiling {
  Id group_id = 0;
  std::string title;
  std::string description;
  std::vector<Standard> standards;
  Dimension dimension = Dimension::kUseOfForce;
  Id filed_by_party_id = 0;  // 0: the mission
  std::vector<Id> respondent_party_ids;
  Millis window = 0;
};

// Checks a required or optional text field against the limits.
Status CheckText(const char* field, const std::string& value, size_t max_bytes, bool required);
// Checks a window or an extension: more than zero, at most kMaxWindow.
Status CheckDuration(const char* field, Millis value);

// `case_id` is the id the store reserved for the new case. Mediators only.
Result<Transition> FileDispute(Id case_id, const DisputeFiling& filing, const ContactGroup& group,
                               const Actor& actor, UnixMillis now);
// A notice of contemplated coercive or preventive action: the mission tells the
// parties concerned (the respondents) before acting. Same window, reminders and
// default judgement as a dispute. Mediators or commanders; filed by the mission.
Result<Transition> FileContemplatedAction(Id case_id, const DisputeFiling& filing,
                                          const ContactGroup& group, const Actor& actor,
                                          UnixMillis now);
Result<Transition> Respond(const Case& c, const std::string& position, Visibility visibility,
                           const Actor& actor, UnixMillis now);
Result<Transition> RequestExtension(const Case& c, Millis extension, const std::string& reason,
                                    const Actor& actor, UnixMillis now);
Result<Transition> GrantExtension(const Case& c, Id party_id, Millis extension,
                                  const std::string& reason, const Actor& actor, UnixMillis now);
Result<Transition> GrantCapacitySupport(const Case& c, Id party_id, SupportKind kind,
                                        const std::string& description, Millis extension,
                                        const Actor& actor, UnixMillis now);
Result<Transition> RecordSettlement(const Case& c, const std::string& text,
                                    const std::vector<Id>& accepting_party_ids,
                                    const Actor& actor, UnixMillis now);
// For a contemplated action `action` (proceed, modify, abandon) is required;
// for a dispute it must be empty.
Result<Transition> RecordMissionDecision(const Case& c, const std::string& text,
                                         const std::string& rationale,
                                         std::optional<ActionDecision> action, const Actor& actor,
                                         UnixMillis now);
Result<Transition> Withdraw(const Case& c, const std::string& reason, const Actor& actor,
                            UnixMillis now);
Result<Transition> Close(const Case& c, const Actor& actor, UnixMillis now);

// The server's own moves at `now`: reminders that fell due, and at a party's
// deadline a default judgement (or, where the record does not show the party
// was reached and reminded, a referral to the mediator). Idempotent: calling it
// twice at the same time changes nothing the second time (no events).
Transition OnDeadlines(const Case& c, const ContactGroup& group, UnixMillis now,
                       const Policy& policy = {});

// The moments at which OnDeadlines has work to do on this case.
std::vector<Deadline> PendingDeadlines(const Case& c, const Policy& policy = {});

// "2026-11-25 06:21:45 UTC"
std::string FormatTime(UnixMillis t);

}  // namespace baraza::workflow

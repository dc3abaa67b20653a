#include "services/workflow/emergency_machine.h"

#include <set>

#include "services/workflow/transition_builder.h"

namespace baraza::workflow {
namespace {

using namespace detail;

Status RequireEmergency(const Case& c, const char* what) {
  if (c.kind == CaseKind::kEmergencyAction) return Status::Ok();
  return Status::FailedPrecondition(CaseRef(c) + " is a " + Name(c.kind) + ", not an emergency " +
                                    "action; " + what + " applies only to emergency actions");
}

// Only the commander who logged the action speaks for it.
Status RequireLoggingCommander(const Case& c, const Actor& actor, const char* what) {
  if (actor.role == Role::kCommander && actor.subject_id == c.filed_by_commander_id)
    return Status::Ok();
  return Status::PermissionDenied(std::string("only the commander who logged the action may ") +
                                  what);
}

std::string IdList(const std::vector<Id>& ids) {
  std::string out;
  for (Id id : ids) out += (out.empty() ? "" : ",") + std::to_string(id);
  return out;
}

}  // namespace

Result<Transition> LogEmergencyAction(Id case_id, const EmergencyFiling& f,
                                      const ContactGroup& group, const Actor& actor,
                                      UnixMillis now) {
  if (actor.role != Role::kCommander)
    return Status::PermissionDenied("only a peacekeeper commander logs an emergency action");
  BARAZA_RETURN_IF_ERROR(CheckText("title", f.title, kMaxNameBytes, true));
  BARAZA_RETURN_IF_ERROR(CheckText("description of what was done", f.description, kMaxTextBytes,
                                   true));
  BARAZA_RETURN_IF_ERROR(CheckText("location", f.action.location, kMaxNameBytes, true));
  BARAZA_RETURN_IF_ERROR(CheckText("threat to civilians", f.action.threat, kMaxTextBytes, true));
  BARAZA_RETURN_IF_ERROR(CheckText(
      "narrowness statement (how the action was kept to stopping the harm, not capturing, "
      "pursuing or punishing)",
      f.action.narrowness, kMaxTextBytes, true));
  if (f.action.occurred_at <= 0)
    return Status::InvalidArgument("occurred_at, when the action happened, is required");
  if (f.action.occurred_at > now + kClockTolerance)
    return Status::InvalidArgument("occurred_at " + FormatTime(f.action.occurred_at) +
                                   " is in the future; log an action after it happened");
  BARAZA_RETURN_IF_ERROR(CheckPartyList(f.affected_party_ids, group, "affected",
                                        "name at least one affected party"));

  Case c = NewCase(case_id, group, CaseKind::kEmergencyAction, CaseState::kAppealWindow, f.title,
                   f.description, f.dimension, now);
  c.filed_by_commander_id = actor.subject_id;
  c.window = group.appeal_window;
  c.filed_at = now;
  c.action = f.action;
  c.affected_party_ids = f.affected_party_ids;
  c.appeal_deadline = now + group.appeal_window;
  Builder b(c, actor, now);
  b.AddEvent(EventType::kEmergencyActionLogged, 0,
             {{"title", f.title},
              {"occurred_at", FormatTime(f.action.occurred_at)},
              {"location", f.action.location},
              {"threat", f.action.threat},
              {"narrowness", f.action.narrowness},
              {"affected_party_ids", IdList(f.affected_party_ids)},
              {"appeal_deadline", FormatTime(c.appeal_deadline)}});
  for (const Party& p : group.parties) {
    if (c.IsAffected(p.id))
      b.AddNotice(p.id, NoticeKind::kEmergencyAction,
                  CaseMessage("notice.emergency_action", c)
                      .Text("location", f.action.location)
                      .Time("occurred_at", f.action.occurred_at)
                      .Time("deadline", c.appeal_deadline),
                  c.appeal_deadline);
    else
      b.AddNotice(p.id, NoticeKind::kEmergencyAction,
                  CaseMessage("notice.emergency_action_logged", c)
                      .Text("group", group.name)
                      .Text("location", f.action.location)
                      .Time("occurred_at", f.action.occurred_at));
  }
  return b.Take();
}

Result<Transition> ExplainAction(const Case& c, const std::string& text, const Actor& actor,
                                 UnixMillis now) {
  BARAZA_RETURN_IF_ERROR(RequireEmergency(c, "an explanation"));
  BARAZA_RETURN_IF_ERROR(RequireLoggingCommander(c, actor, "explain it"));
  BARAZA_RETURN_IF_ERROR(CheckText("explanation", text, kMaxTextBytes, true));
  BARAZA_RETURN_IF_ERROR(
      RequireState(c, {CaseState::kAppealWindow, CaseState::kUnderAppeal}, "an explanation"));
  Builder b(c, actor, now);
  Statement s;
  s.id = static_cast<Id>(c.explanations.size()) + 1;
  s.text = text;
  s.commander_id = actor.subject_id;
  s.at = now;
  b.next().explanations.push_back(s);
  b.AddEvent(EventType::kExplained, 0, {{"explanation_id", std::to_string(s.id)}, {"text", text}});
  for (Id p : c.affected_party_ids)
    b.AddNotice(p, NoticeKind::kEmergencyAction,
                CaseMessage("notice.action_explained", c).Text("text", text));
  return b.Take();
}

Result<Transition> FileAppeal(const Case& c, const std::string& grounds,
                              const std::string& requested_remedy, const Actor& actor,
                              UnixMillis now) {
  if (actor.role != Role::kLiaison)
    return Status::PermissionDenied("only the liaison of an affected party may appeal");
  BARAZA_RETURN_IF_ERROR(RequireEmergency(c, "an appeal"));
  BARAZA_RETURN_IF_ERROR(CheckText("grounds", grounds, kMaxTextBytes, true));
  BARAZA_RETURN_IF_ERROR(CheckText("requested remedy", requested_remedy, kMaxTextBytes, false));
  if (!c.IsAffected(actor.party_id))
    return Status::PermissionDenied(PartyRef(actor.party_id) + " was not affected by " +
                                    CaseRef(c) + "; only affected parties may appeal");
  BARAZA_RETURN_IF_ERROR(
      RequireState(c, {CaseState::kAppealWindow, CaseState::kUnderAppeal}, "an appeal"));
  if (now >= c.appeal_deadline)
    return Status::FailedPrecondition("the appeal window of " + CaseRef(c) + " closed at " +
                                      FormatTime(c.appeal_deadline));
  for (const Appeal& a : c.appeals)
    if (a.party_id == actor.party_id)
      return Status::FailedPrecondition(PartyRef(actor.party_id) + " already appealed " +
                                        CaseRef(c) + " (appeal " + std::to_string(a.id) + ")");
  Builder b(c, actor, now);
  Appeal a;
  a.id = static_cast<Id>(c.appeals.size()) + 1;
  a.party_id = actor.party_id;
  a.grounds = grounds;
  a.requested_remedy = requested_remedy;
  a.filed_at = now;
  b.next().appeals.push_back(a);
  b.next().state = CaseState::kUnderAppeal;
  b.AddEvent(EventType::kAppealed, actor.party_id,
             {{"appeal_id", std::to_string(a.id)}, {"grounds", grounds},
              {"requested_remedy", requested_remedy}});
  // The commander whose action it is answers it; the mediators rule on it.
  if (c.filed_by_commander_id != 0)
    b.AddNoticeTo(Recipient::Commander(c.filed_by_commander_id), NoticeKind::kAppeal,
                  CaseMessage("notice.appeal_to_commander", c)
                      .Text("party", std::to_string(actor.party_id))
                      .Text("appeal", std::to_string(a.id))
                      .Text("grounds", grounds));
  b.AddNoticeTo(Recipient::Mediators(), NoticeKind::kAwaitingRuling,
                CaseMessage("notice.awaiting_ruling", c)
                    .Text("party", std::to_string(actor.party_id))
                    .Text("appeal", std::to_string(a.id))
                    .Time("deadline", c.appeal_deadline),
                c.appeal_deadline);
  for (Id p : c.affected_party_ids)
    if (p != actor.party_id)
      b.AddNotice(p, NoticeKind::kAppeal,
                  CaseMessage("notice.appeal_by_other_party", c)
                      .Text("party", std::to_string(actor.party_id))
                      .Time("deadline", c.appeal_deadline),
                  c.appeal_deadline);
  return b.Take();
}

Result<Transition> AnswerAppeal(const Case& c, Id appeal_id, const std::string& text,
                                const Actor& actor, UnixMillis now) {
  BARAZA_RETURN_IF_ERROR(RequireEmergency(c, "an answer to an appeal"));
  BARAZA_RETURN_IF_ERROR(RequireLoggingCommander(c, actor, "answer an appeal"));
  BARAZA_RETURN_IF_ERROR(CheckText("answer", text, kMaxTextBytes, true));
  BARAZA_RETURN_IF_ERROR(RequireState(c, {CaseState::kUnderAppeal}, "an answer to an appeal"));
  if (appeal_id <= 0 || appeal_id > static_cast<Id>(c.appeals.size()))
    return Status::InvalidArgument(CaseRef(c) + " has no appeal " + std::to_string(appeal_id) +
                                   "; it has " + std::to_string(c.appeals.size()));
  if (c.appeals[appeal_id - 1].answer)
    return Status::FailedPrecondition("appeal " + std::to_string(appeal_id) + " of " +
                                      CaseRef(c) + " is already answered");
  Builder b(c, actor, now);
  Appeal& a = b.next().appeals[appeal_id - 1];
  a.answer = Statement{appeal_id, text, actor.subject_id, now};
  b.AddEvent(EventType::kAppealAnswered, a.party_id,
             {{"appeal_id", std::to_string(appeal_id)}, {"text", text}});
  b.AddNotice(a.party_id, NoticeKind::kAppeal,
              CaseMessage("notice.appeal_answered", c).Text("text", text));
  return b.Take();
}

Result<Transition> RuleOnAppeal(const Case& c, Ruling ruling, const std::string& reasons,
                                const std::string& remedy, const Actor& actor, UnixMillis now) {
  BARAZA_RETURN_IF_ERROR(RequireMediator(actor, "rule on an appeal"));
  BARAZA_RETURN_IF_ERROR(RequireEmergency(c, "a ruling"));
  BARAZA_RETURN_IF_ERROR(CheckText("reasons", reasons, kMaxTextBytes, true));
  BARAZA_RETURN_IF_ERROR(CheckText("remedy", remedy, kMaxTextBytes,
                                   ruling == Ruling::kUpheldWithRemedy));
  BARAZA_RETURN_IF_ERROR(RequireState(c, {CaseState::kUnderAppeal}, "a ruling"));
  bool explained = !c.explanations.empty();
  for (const Appeal& a : c.appeals) explained |= a.answer.has_value();
  if (!explained)
    return Status::FailedPrecondition(
        "the commander has not explained " + CaseRef(c) +
        " yet; a ruling needs at least the commander's explanation on record");
  Builder b(c, actor, now);
  b.next().state = CaseState::kRuled;
  b.next().outcome.ruling = ruling;
  b.next().outcome.rationale = reasons;
  b.next().outcome.remedy = remedy;
  std::vector<Id> appellants;
  for (const Appeal& a : c.appeals) appellants.push_back(a.party_id);
  b.AddEvent(EventType::kRuled, 0,
             {{"ruling", Name(ruling)},
              {"reasons", reasons},
              {"remedy", remedy},
              {"appellant_party_ids", IdList(appellants)}});
  b.NotifyOutcome(CaseMessage(remedy.empty() ? "notice.outcome.ruled"
                                             : "notice.outcome.ruled_with_remedy", c)
                      .Text("ruling", Keyword(ruling))
                      .Text("remedy", remedy));
  return b.Take();
}

Transition OnAppealDeadline(const Case& c, UnixMillis now) {
  if (c.kind != CaseKind::kEmergencyAction || c.state != CaseState::kAppealWindow ||
      now < c.appeal_deadline) {
    Transition none;
    none.next = c;
    return none;
  }
  Builder b(c, Actor::System(), now);
  b.next().state = CaseState::kClosed;
  b.next().outcome.unchallenged = true;
  b.AddEvent(EventType::kClosedUnchallenged, 0,
             {{"appeal_deadline", FormatTime(c.appeal_deadline)}});
  b.NotifyOutcome(
      CaseMessage("notice.outcome.unchallenged", c).Time("deadline", c.appeal_deadline));
  return b.Take();
}

std::vector<Deadline> PendingAppealDeadlines(const Case& c) {
  if (c.kind != CaseKind::kEmergencyAction || c.state != CaseState::kAppealWindow) return {};
  return {{c.id, 0, DeadlineKind::kAppealWindowClose, c.appeal_deadline}};
}

}  // namespace baraza::workflow

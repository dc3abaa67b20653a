#include "services/workflow/case_machine.h"

#include <algorithm>
#include <ctime>
#include <set>

#include "services/workflow/emergency_machine.h"
#include "services/workflow/outreach.h"
#include "services/workflow/duration_text.h"
#include "services/workflow/transition_builder.h"

namespace baraza::workflow {
namespace {

using namespace detail;

// The respondent that a time-limited request concerns, still awaited and
// inside its window.
Result<Respondent*> OpenRespondent(Case& c, Id party_id, UnixMillis now, const char* what) {
  Respondent* r = c.FindRespondent(party_id);
  if (!r)
    return Status::InvalidArgument(PartyRef(party_id) + " is not a respondent in " + CaseRef(c));
  if (r->status != RespondentStatus::kAwaiting)
    return Status::FailedPrecondition(PartyRef(party_id) + " is already " + Name(r->status) +
                                      " in " + CaseRef(c) + "; " + what +
                                      " applies only to a party still awaited");
  if (now >= r->deadline)
    return Status::FailedPrecondition("the negotiation window of " + PartyRef(party_id) + " in " +
                                      CaseRef(c) + " closed at " + FormatTime(r->deadline));
  return r;
}

Result<Transition> Extend(const Case& c, Id party_id, Millis extension, const std::string& reason,
                          const Actor& actor, UnixMillis now, EventType type,
                          std::map<std::string, std::string> details) {
  Builder b(c, actor, now);
  auto r = OpenRespondent(b.next(), party_id, now, "an extension");
  if (!r.ok()) return r.status();
  Respondent& resp = **r;
  UnixMillis old_deadline = resp.deadline;
  resp.deadline += extension;
  for (auto& req : b.next().extension_requests)
    if (req.party_id == party_id) req.open = false;
  details["reason"] = reason;
  details["old_deadline"] = FormatTime(old_deadline);
  details["new_deadline"] = FormatTime(resp.deadline);
  if (extension > 0) details["extension_seconds"] = std::to_string(extension / kSecond);
  b.AddEvent(type, party_id, std::move(details));
  if (extension > 0)
    b.AddNotice(party_id, NoticeKind::kDeadlineExtended,
                CaseMessage("notice.deadline_extended", c)
                    .Time("old_deadline", old_deadline)
                    .Time("deadline", resp.deadline)
                    .Text("reason", reason),
                resp.deadline);
  return b.Take();
}

// After a respondent's status changed: moves the case on once no respondent is
// still awaited, so nobody waits out a window that has nothing left to wait for.
void SettleWindow(Case& c) {
  if (c.state != CaseState::kNegotiating) return;
  bool any_awaiting = false, any_referred = false;
  std::vector<Id> defaulted;
  for (const auto& r : c.respondents) {
    any_awaiting |= r.status == RespondentStatus::kAwaiting;
    any_referred |= r.status == RespondentStatus::kReferred;
    if (r.status == RespondentStatus::kDefaulted) defaulted.push_back(r.party_id);
  }
  if (any_awaiting) return;
  if (!defaulted.empty() && !any_referred) {
    c.state = CaseState::kDefaultJudgement;
    c.outcome.defaulted_party_ids = defaulted;
  } else {
    c.state = CaseState::kAwaitingDecision;
  }
}

UnixMillis ReminderDue(const Respondent& r, double fraction) {
  return r.notified_at + static_cast<Millis>(fraction * static_cast<double>(r.deadline - r.notified_at));
}

}  // namespace

Status CheckText(const char* field, const std::string& value, size_t max_bytes, bool required) {
  if (required && value.find_first_not_of(" \t\r\n") == std::string::npos)
    return Status::InvalidArgument(std::string(field) + " is required and must not be blank");
  if (value.size() > max_bytes)
    return Status::InvalidArgument(std::string(field) + " is " + std::to_string(value.size()) +
                                   " bytes; the limit is " + std::to_string(max_bytes));
  // A NUL byte is never text (PostgreSQL refuses to store it): refused here,
  // before anything is written, rather than failing a batch of others' writes.
  if (value.find('\0') != std::string::npos)
    return Status::InvalidArgument(std::string(field) +
                                   " contains a NUL byte (\\0); send the text without it");
  return Status::Ok();
}

Status CheckDuration(const char* field, Millis value) {
  if (value <= 0)
    return Status::InvalidArgument(std::string(field) + " must be longer than zero");
  if (value > kMaxWindow)
    return Status::InvalidArgument(std::string(field) + " is over the limit of " +
                                   std::to_string(kMaxWindow / kDay) + " days");
  return Status::Ok();
}

namespace {

// Opens a negotiation (a dispute or a contemplated action): checks the filing,
// notifies each respondent and starts its window.
Result<Transition> OpenNegotiation(Id case_id, CaseKind kind, const DisputeFiling& f,
                                   const ContactGroup& group, const Actor& actor,
                                   UnixMillis now) {
  const bool contemplated = kind == CaseKind::kContemplatedAction;
  BARAZA_RETURN_IF_ERROR(CheckText("title", f.title, kMaxNameBytes, true));
  BARAZA_RETURN_IF_ERROR(CheckText("description", f.description, kMaxTextBytes, true));
  BARAZA_RETURN_IF_ERROR(CheckDuration("window", f.window));
  if (f.standards.empty())
    return Status::InvalidArgument("name at least one standard the dispute appeals to");
  if (f.filed_by_party_id != 0 && !group.FindParty(f.filed_by_party_id))
    return Status::InvalidArgument("the filing " + PartyRef(f.filed_by_party_id) +
                                   " is not in contact group " + std::to_string(group.id));
  BARAZA_RETURN_IF_ERROR(CheckPartyList(
      f.respondent_party_ids, group, "respondent",
      contemplated ? "name at least one party the action is contemplated against"
                   : "name at least one respondent party",
      f.filed_by_party_id));

  Case c = NewCase(case_id, group, kind, CaseState::kNegotiating, f.title, f.description,
                   f.dimension, now);
  c.standards = f.standards;
  c.filed_by_party_id = f.filed_by_party_id;
  if (actor.role == Role::kCommander) c.filed_by_commander_id = actor.subject_id;
  c.window = f.window;
  Builder b(c, actor, now);
  std::string standards;
  for (Standard s : f.standards) standards += (standards.empty() ? "" : ", ") + std::string(Name(s));
  b.AddEvent(EventType::kFiled, f.filed_by_party_id,
             {{"kind", Name(kind)},
              {"title", f.title},
              {"standards", standards},
              {"dimension", Name(f.dimension)},
              {"window_seconds", std::to_string(f.window / kSecond)}});
  for (Id p : f.respondent_party_ids) {
    Respondent r;
    r.party_id = p;
    r.notified_at = now;
    r.deadline = now + f.window;
    b.next().respondents.push_back(r);
    b.AddEvent(EventType::kNotified, p,
               {{"deadline", FormatTime(r.deadline)},
                {"liaisons", std::to_string(group.FindParty(p)->liaison_count)}});
    b.AddNotice(p, NoticeKind::kCallToNegotiate,
                CaseMessage(contemplated ? "notice.action_contemplated" : "notice.call_to_negotiate",
                            c)
                    .Text("dimension", Keyword(f.dimension))
                    .Time("deadline", r.deadline),
                r.deadline);
  }
  if (f.filed_by_party_id != 0)
    b.AddNotice(f.filed_by_party_id, NoticeKind::kCaseFiled, CaseMessage("notice.case_filed", c));
  return b.Take();
}

}  // namespace

Result<Transition> FileDispute(Id case_id, const DisputeFiling& f, const ContactGroup& group,
                               const Actor& actor, UnixMillis now) {
  BARAZA_RETURN_IF_ERROR(RequireMediator(actor, "file a dispute"));
  return OpenNegotiation(case_id, CaseKind::kDispute, f, group, actor, now);
}

Result<Transition> FileContemplatedAction(Id case_id, const DisputeFiling& f,
                                          const ContactGroup& group, const Actor& actor,
                                          UnixMillis now) {
  if (actor.role != Role::kMediator && actor.role != Role::kCommander)
    return Status::PermissionDenied(
        "only a mediator or a commander may file a notice of contemplated action");
  if (f.filed_by_party_id != 0)
    return Status::InvalidArgument(
        "a contemplated action is filed by the mission; leave filed_by_party_id empty");
  return OpenNegotiation(case_id, CaseKind::kContemplatedAction, f, group, actor, now);
}

Result<Transition> Respond(const Case& c, const std::string& position, Visibility visibility,
                           const Actor& actor, UnixMillis now) {
  if (actor.role != Role::kLiaison)
    return Status::PermissionDenied("only a party's liaison may respond to a notice");
  BARAZA_RETURN_IF_ERROR(CheckText("position", position, kMaxTextBytes, true));
  BARAZA_RETURN_IF_ERROR(RequireState(c, {CaseState::kNegotiating, CaseState::kAwaitingDecision},
                                      "a response"));
  const Respondent* existing = c.FindRespondent(actor.party_id);
  if (!existing)
    return Status::PermissionDenied(PartyRef(actor.party_id) + " is not a respondent in " +
                                    CaseRef(c) + "; only respondents answer its notices");
  Builder b(c, actor, now);
  Respondent& r = *b.next().FindRespondent(actor.party_id);
  std::map<std::string, std::string> details;
  if (r.status == RespondentStatus::kAwaiting) {
    // The participation record counts an answer after the first deadline
    // (possible only after an extension) as late.
    details["answer"] = now < r.notified_at + c.window ? "on time" : "late";
    if (now >= r.deadline)
      return Status::FailedPrecondition("the negotiation window of " + PartyRef(r.party_id) +
                                        " in " + CaseRef(c) + " closed at " +
                                        FormatTime(r.deadline));
    r.status = RespondentStatus::kAnswered;
    r.answered_at = now;
  } else if (r.status != RespondentStatus::kAnswered) {
    return Status::FailedPrecondition(PartyRef(r.party_id) + " is " + Name(r.status) + " in " +
                                      CaseRef(c) + "; its window is closed");
  }
  Position p;
  p.id = static_cast<Id>(b.next().positions.size()) + 1;
  p.party_id = actor.party_id;
  p.text = position;
  p.visibility = visibility;
  p.stated_at = now;
  b.next().positions.push_back(p);
  details["position_id"] = std::to_string(p.id);
  details["visibility"] = Name(visibility);
  b.AddEvent(EventType::kResponded, actor.party_id, std::move(details), visibility);
  SettleWindow(b.next());
  return b.Take();
}

Result<Transition> RequestExtension(const Case& c, Millis extension, const std::string& reason,
                                    const Actor& actor, UnixMillis now) {
  if (actor.role != Role::kLiaison)
    return Status::PermissionDenied("only a party's liaison may request an extension");
  BARAZA_RETURN_IF_ERROR(CheckDuration("extension", extension));
  BARAZA_RETURN_IF_ERROR(CheckText("reason", reason, kMaxTextBytes, true));
  BARAZA_RETURN_IF_ERROR(RequireState(c, {CaseState::kNegotiating}, "an extension request"));
  if (!c.FindRespondent(actor.party_id))
    return Status::PermissionDenied(PartyRef(actor.party_id) + " is not a respondent in " +
                                    CaseRef(c) + "; only respondents have a window to extend");
  Builder b(c, actor, now);
  auto r = OpenRespondent(b.next(), actor.party_id, now, "an extension request");
  if (!r.ok()) return r.status();
  ExtensionRequest req{actor.party_id, extension, reason, now, true};
  b.next().extension_requests.push_back(req);
  b.AddEvent(EventType::kExtensionRequested, actor.party_id,
             {{"reason", reason}, {"extension_seconds", std::to_string(extension / kSecond)}},
             Visibility::kMediatorOnly);
  b.AddNoticeTo(Recipient::Mediators(), NoticeKind::kExtensionRequested,
                CaseMessage("notice.extension_requested", c)
                    .Text("party", std::to_string(actor.party_id))
                    .Duration("extension", extension)
                    .Time("deadline", (*r)->deadline)
                    .Text("reason", reason),
                (*r)->deadline);
  return b.Take();
}

Result<Transition> GrantExtension(const Case& c, Id party_id, Millis extension,
                                  const std::string& reason, const Actor& actor, UnixMillis now) {
  BARAZA_RETURN_IF_ERROR(RequireMediator(actor, "grant an extension"));
  BARAZA_RETURN_IF_ERROR(CheckDuration("extension", extension));
  BARAZA_RETURN_IF_ERROR(CheckText("reason", reason, kMaxTextBytes, true));
  BARAZA_RETURN_IF_ERROR(RequireState(c, {CaseState::kNegotiating}, "an extension"));
  return Extend(c, party_id, extension, reason, actor, now, EventType::kExtended, {});
}

Result<Transition> GrantCapacitySupport(const Case& c, Id party_id, SupportKind kind,
                                        const std::string& description, Millis extension,
                                        const Actor& actor, UnixMillis now) {
  BARAZA_RETURN_IF_ERROR(RequireMediator(actor, "grant capacity support"));
  BARAZA_RETURN_IF_ERROR(CheckText("description", description, kMaxTextBytes, true));
  if (extension != 0 || kind == SupportKind::kTime)
    BARAZA_RETURN_IF_ERROR(CheckDuration(
        kind == SupportKind::kTime ? "extension (required for support of kind time)" : "extension",
        extension));
  BARAZA_RETURN_IF_ERROR(RequireState(c, {CaseState::kNegotiating}, "capacity support"));
  return Extend(c, party_id, extension, description, actor, now, EventType::kSupportGranted,
                {{"kind", Name(kind)}});
}

Result<Transition> RecordSettlement(const Case& c, const std::string& text,
                                    const std::vector<Id>& accepting, const Actor& actor,
                                    UnixMillis now) {
  BARAZA_RETURN_IF_ERROR(RequireMediator(actor, "record a settlement"));
  BARAZA_RETURN_IF_ERROR(CheckText("settlement text", text, kMaxTextBytes, true));
  BARAZA_RETURN_IF_ERROR(RequireState(c, {CaseState::kNegotiating, CaseState::kAwaitingDecision},
                                      "a settlement"));
  if (accepting.empty())
    return Status::InvalidArgument("name at least one party that accepted the settlement");
  std::set<Id> seen;
  std::string names;
  for (Id p : accepting) {
    if (!c.InvolvesParty(p))
      return Status::InvalidArgument(PartyRef(p) + " is not a party to " + CaseRef(c));
    if (!seen.insert(p).second)
      return Status::InvalidArgument(PartyRef(p) + " is named twice as accepting");
    names += (names.empty() ? "" : ",") + std::to_string(p);
  }
  Builder b(c, actor, now);
  b.next().state = CaseState::kSettled;
  b.next().outcome.text = text;
  b.next().outcome.accepting_party_ids = accepting;
  b.AddEvent(EventType::kSettled, 0, {{"accepting_party_ids", names}});
  b.NotifyOutcome(CaseMessage("notice.outcome.settled", c));
  return b.Take();
}

Result<Transition> RecordMissionDecision(const Case& c, const std::string& text,
                                         const std::string& rationale,
                                         std::optional<ActionDecision> action, const Actor& actor,
                                         UnixMillis now) {
  BARAZA_RETURN_IF_ERROR(RequireMediator(actor, "record a mission decision"));
  BARAZA_RETURN_IF_ERROR(CheckText("decision text", text, kMaxTextBytes, true));
  BARAZA_RETURN_IF_ERROR(CheckText("rationale", rationale, kMaxTextBytes, true));
  if (c.kind == CaseKind::kContemplatedAction && !action)
    return Status::InvalidArgument(CaseRef(c) +
                                   " is a contemplated action; say whether the mission will "
                                   "proceed, modify or abandon it");
  if (c.kind != CaseKind::kContemplatedAction && action)
    return Status::InvalidArgument("proceed, modify or abandon applies only to contemplated "
                                   "actions; " + CaseRef(c) + " is a " + Name(c.kind));
  BARAZA_RETURN_IF_ERROR(RequireState(c, {CaseState::kAwaitingDecision}, "a mission decision"));
  Builder b(c, actor, now);
  b.next().state = CaseState::kMissionDecision;
  b.next().outcome.text = text;
  b.next().outcome.rationale = rationale;
  b.next().outcome.action_decision = action;
  std::map<std::string, std::string> details{{"rationale", rationale}};
  if (action) details["action"] = Name(*action);
  b.AddEvent(EventType::kDecided, 0, std::move(details));
  b.NotifyOutcome(CaseMessage("notice.outcome.decided", c)
                      .Text("decision", action ? Name(*action) : "none"));
  return b.Take();
}

Result<Transition> Withdraw(const Case& c, const std::string& reason, const Actor& actor,
                            UnixMillis now) {
  BARAZA_RETURN_IF_ERROR(RequireMediator(actor, "withdraw a case"));
  BARAZA_RETURN_IF_ERROR(CheckText("reason", reason, kMaxTextBytes, true));
  BARAZA_RETURN_IF_ERROR(RequireState(c, {CaseState::kNegotiating, CaseState::kAwaitingDecision},
                                      "withdrawal"));
  Builder b(c, actor, now);
  b.next().state = CaseState::kWithdrawn;
  b.next().outcome.rationale = reason;
  b.AddEvent(EventType::kWithdrawn, 0, {{"reason", reason}});
  b.NotifyOutcome(CaseMessage("notice.outcome.withdrawn", c));
  return b.Take();
}

Result<Transition> Close(const Case& c, const Actor& actor, UnixMillis now) {
  BARAZA_RETURN_IF_ERROR(RequireMediator(actor, "close a case"));
  BARAZA_RETURN_IF_ERROR(RequireState(c,
                                      {CaseState::kSettled, CaseState::kDefaultJudgement,
                                       CaseState::kMissionDecision, CaseState::kWithdrawn,
                                       CaseState::kRuled},
                                      "closing"));
  Builder b(c, actor, now);
  std::string outcome = Name(c.state);
  b.next().state = CaseState::kClosed;
  b.AddEvent(EventType::kClosed, 0, {{"outcome", outcome}});
  return b.Take();
}

Transition OnDeadlines(const Case& c, const ContactGroup& group, UnixMillis now,
                       const Policy& policy) {
  if (c.kind == CaseKind::kEmergencyAction) return OnAppealDeadline(c, now);
  Builder b(c, Actor::System(), now);
  if (c.state != CaseState::kNegotiating) {
    Transition none;
    none.next = c;
    return none;
  }
  for (Respondent& r : b.next().respondents) {
    if (r.status != RespondentStatus::kAwaiting) continue;
    const Party* party = group.FindParty(r.party_id);
    int liaisons = party ? party->liaison_count : 0;
    if (now < r.deadline) {
      // Several reminder points may have passed while the server was down:
      // one reminder covers them all.
      int due = 0;
      for (size_t k = 0; k < policy.reminder_fractions.size(); ++k)
        if (now >= ReminderDue(r, policy.reminder_fractions[k])) due = static_cast<int>(k) + 1;
      if (due > r.reminders_sent) {
        r.reminders_sent = due;
        b.AddEvent(EventType::kReminded, r.party_id,
                   {{"reminder", std::to_string(due)},
                    {"deadline", FormatTime(r.deadline)},
                    {"liaisons", std::to_string(liaisons)}});
        b.AddNotice(r.party_id, NoticeKind::kReminder,
                    CaseMessage("notice.reminder", c)
                        .Number("reminder", due)
                        .Time("deadline", r.deadline),
                    r.deadline);
      }
      continue;
    }
    // The deadline has passed with no answer. The record must show outreach
    // before the server may judge by default.
    std::string why_not;
    const char* why = "outreach";  // the catalogue's keyword for the reason
    if (liaisons == 0) {
      why_not = "the party has no registered liaison, so no notice reached anyone";
      why = "no_liaison";
    } else if (r.reminders_sent == 0) {
      why_not = "no reminder was sent before the deadline (the server was not running at the "
                "reminder points)";
      why = "no_reminder";
    } else {
      why_not = OutreachShortfall(r, party ? party->name : PartyRef(r.party_id));
    }
    if (why_not.empty()) {
      r.status = RespondentStatus::kDefaulted;
      // The receipts the judgement rests on.
      b.AddEvent(EventType::kDefaultJudgementEntered, r.party_id,
                 {{"deadline", FormatTime(r.deadline)},
                  {"reminders_sent", std::to_string(r.reminders_sent)},
                  {"call_delivered_at", r.call_delivered_at ? FormatTime(r.call_delivered_at) : "-"},
                  {"reminder_delivered_at", FormatTime(r.reminder_delivered_at)}});
      b.AddNotice(r.party_id, NoticeKind::kDefaultJudgement,
                  CaseMessage("notice.default_judgement", c).Time("deadline", r.deadline));
    } else {
      r.status = RespondentStatus::kReferred;
      b.AddEvent(EventType::kReferredToMediator, r.party_id,
                 {{"deadline", FormatTime(r.deadline)},
                  {"reason", why_not},
                  // The reason's meaning, for the event's sentence in each language
                  // (event.referred_to_mediator); "reason" stays as before.
                  {"why", why},
                  {"failed", std::to_string(r.deliveries_failed)},
                  {"last", r.last_failure}});
      b.AddNoticeTo(Recipient::Mediators(), NoticeKind::kReferred,
                    CaseMessage("notice.referred", c)
                        .Text("party", party ? party->name : PartyRef(r.party_id))
                        .Text("why", why)
                        .Number("failed", r.deliveries_failed)
                        .Text("last", r.last_failure));
    }
  }
  SettleWindow(b.next());
  Transition t = b.Take();
  if (t.events.empty()) {
    t.next = c;  // nothing was due: no new version
  } else if (t.next.state == CaseState::kDefaultJudgement) {
    for (Id p : t.next.PartyIds())
      t.notices.push_back(Notice{0, c.id, Recipient::Party(p), NoticeKind::kOutcome, "", now, 0,
                                 {}, CaseMessage("notice.outcome.default_judgement", c)});
  }
  return t;
}

std::vector<Deadline> PendingDeadlines(const Case& c, const Policy& policy) {
  if (c.kind == CaseKind::kEmergencyAction) return PendingAppealDeadlines(c);
  std::vector<Deadline> out;
  if (c.state != CaseState::kNegotiating) return out;
  for (const Respondent& r : c.respondents) {
    if (r.status != RespondentStatus::kAwaiting) continue;
    size_t k = static_cast<size_t>(r.reminders_sent);
    if (k < policy.reminder_fractions.size()) {
      UnixMillis due = ReminderDue(r, policy.reminder_fractions[k]);
      if (due < r.deadline) out.push_back({c.id, r.party_id, DeadlineKind::kReminder, due});
    }
    out.push_back({c.id, r.party_id, DeadlineKind::kWindowClose, r.deadline});
  }
  return out;
}

std::string FormatTime(UnixMillis t) {
  std::time_t secs = static_cast<std::time_t>(t / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

}  // namespace baraza::workflow

// Shared by the workflow core's state machines (disputes and contemplated
// actions in case_machine.cc, emergency actions in emergency_machine.cc). Internal.
#pragma once

#include <initializer_list>
#include <map>
#include <set>
#include <vector>
#include <string>

#include "services/workflow/case_machine.h"

namespace baraza::workflow::detail {

inline std::string CaseRef(const Case& c) {
  return "case " + std::to_string(c.id) + " \"" + c.title + "\"";
}

inline std::string PartyRef(Id party_id) { return "party " + std::to_string(party_id); }

// A notice's message about case `c`: its id, and the case's number and title
// ("case" and "title"), which every notice message names.
inline Message CaseMessage(const char* id, const Case& c) {
  Message m;
  m.id = id;
  m.Text("case", std::to_string(c.id)).Text("title", c.title);
  return m;
}

// Keywords a catalogue selects on ({dimension, select, use_of_force {...} ...}):
// stable identifiers, never shown as they are.
inline const char* Keyword(Dimension d) {
  switch (d) {
    case Dimension::kUseOfForce: return "use_of_force";
    case Dimension::kHumanitarianAid: return "humanitarian_aid";
    case Dimension::kInfrastructure: return "infrastructure";
    case Dimension::kDdr: return "ddr";
    case Dimension::kElectionSupport: return "election_support";
    case Dimension::kGovernanceAssistance: return "governance_assistance";
    case Dimension::kEducationTraining: return "education_training";
    case Dimension::kGoodOffices: return "good_offices";
  }
  return "other";
}
inline const char* Keyword(Ruling r) {
  switch (r) {
    case Ruling::kUpheld: return "upheld";
    case Ruling::kUpheldWithRemedy: return "upheld_with_remedy";
    case Ruling::kOverturned: return "overturned";
  }
  return "other";
}

// Builds the transition of one command: a copy of the case whose version moves
// on, and helpers that number events as they are added.
class Builder {
 public:
  Builder(const Case& c, const Actor& actor, UnixMillis now)
      : actor_(actor), now_(now), from_(c.state) {
    t_.next = c;
    t_.next.version += 1;
    t_.next.updated_at = now;
  }

  Case& next() { return t_.next; }

  Event& AddEvent(EventType type, Id party_id = 0,
                  std::map<std::string, std::string> details = {},
                  Visibility visibility = Visibility::kGroup) {
    Event e;
    e.case_id = t_.next.id;
    e.seq = ++t_.next.event_count;
    e.at = now_;
    e.actor = actor_.Label();
    e.type = type;
    e.party_id = party_id;
    e.visibility = visibility;
    e.details = std::move(details);
    t_.events.push_back(std::move(e));
    return t_.events.back();
  }

  void AddNotice(Id party_id, NoticeKind kind, Message message, UnixMillis deadline = 0) {
    AddNoticeTo(Recipient::Party(party_id), kind, std::move(message), deadline);
  }

  void AddNoticeTo(Recipient to, NoticeKind kind, Message message, UnixMillis deadline = 0) {
    Notice n;
    n.case_id = t_.next.id;
    n.to = to;
    n.kind = kind;
    n.message = std::move(message);
    n.created_at = now_;
    n.deadline = deadline;
    t_.notices.push_back(std::move(n));
  }

  // Tells every party of the case how it ended (a "notice.outcome.*" message).
  void NotifyOutcome(const Message& what) {
    for (Id p : t_.next.PartyIds()) AddNotice(p, NoticeKind::kOutcome, what);
  }

  // The transition. A case that has just come to wait on the mediators (every
  // respondent answered, or some were referred) tells them so.
  Transition Take() {
    if (from_ != CaseState::kAwaitingDecision &&
        t_.next.state == CaseState::kAwaitingDecision)
      AddNoticeTo(Recipient::Mediators(), NoticeKind::kAwaitingDecision,
                  CaseMessage("notice.awaiting_decision", t_.next)
                      .Number("respondents", static_cast<int64_t>(t_.next.respondents.size())));
    return std::move(t_);
  }

 private:
  Transition t_;
  Actor actor_;
  UnixMillis now_;
  CaseState from_;
};

inline Status RequireMediator(const Actor& actor, const char* what) {
  if (actor.role == Role::kMediator) return Status::Ok();
  return Status::PermissionDenied(std::string("only a mediator may ") + what);
}

inline Status RequireState(const Case& c, std::initializer_list<CaseState> allowed, const char* what) {
  for (CaseState s : allowed)
    if (c.state == s) return Status::Ok();
  std::string names;
  for (CaseState s : allowed) names += (names.empty() ? "" : " or ") + std::string(Name(s));
  return Status::FailedPrecondition(CaseRef(c) + " is " + Name(c.state) + "; " + what +
                                    " is allowed only when it is " + names);
}

// Checks a list of parties a case names (respondents, affected parties): at
// least one, at most kMaxRespondents, each in the group once, none `excluded`.
inline Status CheckPartyList(const std::vector<Id>& ids, const ContactGroup& group,
                             const std::string& what, const std::string& none_message,
                             Id excluded = 0) {
  if (ids.empty()) return Status::InvalidArgument(none_message);
  if (ids.size() > kMaxRespondents)
    return Status::InvalidArgument("at most " + std::to_string(kMaxRespondents) + " " + what +
                                   " parties per case");
  std::set<Id> seen;
  for (Id p : ids) {
    if (!group.FindParty(p))
      return Status::InvalidArgument(what + " " + PartyRef(p) + " is not in contact group " +
                                     std::to_string(group.id) + " \"" + group.name + "\"");
    if (p == excluded && excluded != 0)
      return Status::InvalidArgument(PartyRef(p) + " cannot be both the filer and " + what);
    if (!seen.insert(p).second)
      return Status::InvalidArgument(what + " " + PartyRef(p) + " is named twice");
  }
  return Status::Ok();
}

// A new case's common fields; the version is 0 until its first transition.
inline Case NewCase(Id case_id, const ContactGroup& group, CaseKind kind, CaseState state,
                    const std::string& title, const std::string& description,
                    Dimension dimension, UnixMillis now) {
  Case c;
  c.id = case_id;
  c.group_id = group.id;
  c.kind = kind;
  c.state = state;
  c.title = title;
  c.description = description;
  c.dimension = dimension;
  c.filed_at = now;
  return c;
}

}  // namespace baraza::workflow::detail

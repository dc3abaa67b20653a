#include "services/workflow/report.h"

#include <algorithm>

#include "services/workflow/outreach.h"
#include "services/workflow/transition_builder.h"

namespace baraza::workflow {
namespace {

using detail::Builder;
using detail::RequireMediator;

std::string Detail(const Event& e, const char* key) {
  auto it = e.details.find(key);
  return it == e.details.end() ? std::string() : it->second;
}

std::string PartyName(const ContactGroup& g, Id party_id) {
  if (party_id == 0) return "the mission";
  const Party* p = g.FindParty(party_id);
  if (!p) return "party " + std::to_string(party_id);
  return p->name + " (" + Name(p->category) + ")";
}

std::string PartyNames(const ContactGroup& g, const std::vector<Id>& ids) {
  if (ids.empty()) return "none";
  std::string out;
  for (Id id : ids) out += (out.empty() ? "" : "; ") + PartyName(g, id);
  return out;
}

// The state in words a reader outside the mission understands.
std::string StateWords(CaseState s) {
  switch (s) {
    case CaseState::kNegotiating: return "open: the negotiation window is running";
    case CaseState::kAwaitingDecision: return "open: every party took part; the mission's decision is awaited";
    case CaseState::kAppealWindow: return "open: the appeal window is running";
    case CaseState::kUnderAppeal: return "open: an appeal is under review";
    case CaseState::kSettled: return "concluded by a settlement";
    case CaseState::kDefaultJudgement: return "concluded by default judgement";
    case CaseState::kMissionDecision: return "concluded by a decision of the mission";
    case CaseState::kWithdrawn: return "withdrawn";
    case CaseState::kRuled: return "concluded by a ruling on the appeal";
    case CaseState::kClosed: return "closed";
  }
  return "?";
}

// How the case ended, read from the outcome and the last concluding event.
std::string OutcomeWords(const Case& c, const std::vector<Event>& events) {
  if (IsOpen(c.state)) return "none yet: the case is still open";
  EventType last = EventType::kFiled;
  for (const Event& e : events)
    switch (e.type) {
      case EventType::kSettled:
      case EventType::kDecided:
      case EventType::kWithdrawn:
      case EventType::kRuled:
      case EventType::kClosedUnchallenged:
      case EventType::kDefaultJudgementEntered: last = e.type; break;
      default: break;
    }
  const Outcome& o = c.outcome;
  switch (last) {
    case EventType::kSettled: return "settlement";
    case EventType::kWithdrawn: return "withdrawn";
    case EventType::kClosedUnchallenged: return "closed unchallenged: nobody appealed within the window";
    case EventType::kRuled: return std::string("ruling on appeal: ") + (o.ruling ? Name(*o.ruling) : "?");
    case EventType::kDecided:
      return o.action_decision ? std::string("decision of the mission: ") + Name(*o.action_decision)
                               : "decision of the mission";
    case EventType::kDefaultJudgementEntered: return "default judgement";
    default: return StateWords(c.state);
  }
}

std::string RoleInCase(const Case& c, Id party_id) {
  if (party_id == c.filed_by_party_id) return "raised the case";
  if (c.IsAffected(party_id)) return "affected by the action";
  if (c.kind == CaseKind::kContemplatedAction) return "the action is contemplated against it";
  return "respondent";
}

std::string AnswerWords(const Respondent& r, const std::vector<Event>& events) {
  switch (r.status) {
    case RespondentStatus::kAnswered:
      for (const Event& e : events)
        if (e.type == EventType::kResponded && e.party_id == r.party_id)
          return Detail(e, "answer") == "late"
                     ? "answered after its first deadline, within an extension"
                     : "answered on time";
      return "answered";
    case RespondentStatus::kDefaulted: return "never answered: default judgement entered";
    case RespondentStatus::kReferred:
      return "did not answer; referred to the mediator, as the record did not show it was reached";
    case RespondentStatus::kAwaiting: return "not yet answered";
  }
  return "?";
}

class Template {
 public:
  Template(const Case& c, const ReportContext& ctx) : c_(c), ctx_(ctx) {
    // Only what the whole group may read: never a MEDIATOR_ONLY event.
    for (const Event& e : ctx.events)
      if (e.visibility == Visibility::kGroup) events_.push_back(e);
  }

  std::vector<ReportSection> Render(UnixMillis now) {
    CaseSection(now);
    Raised();
    Section("Standard invoked");
    for (Standard s : c_.standards) Line("Standard", Name(s));
    Section("Operational dimension");
    Line("Dimension", Name(c_.dimension));
    Participation();
    OutcomeSection();
    Record(now);
    return std::move(sections_);
  }

 private:
  void Section(std::string heading) { sections_.push_back({std::move(heading), {}}); }
  void Line(std::string label, std::string value) {
    sections_.back().lines.push_back({std::move(label), std::move(value)});
  }

  void CaseSection(UnixMillis now) {
    Section("The case");
    Line("Case", "#" + std::to_string(c_.id) + " " + c_.title);
    Line("Kind", Name(c_.kind));
    Line("Contact group", ctx_.group->name);
    Line("Raised by", c_.filed_by_party_id == 0 ? "the mission" : PartyName(*ctx_.group, c_.filed_by_party_id));
    Line("Raised on", FormatTime(c_.filed_at));
    Line("Status", StateWords(c_.state));
    if (IsOpen(c_.state))
      Line("Note", "This case is still open. This report records it as it stood on " +
                       FormatTime(now) + "; it is not the outcome.");
    if (ctx_.corrected)
      Line("Corrects", "report #" + std::to_string(ctx_.corrected->id) + " of " +
                           FormatTime(ctx_.corrected->published_at) +
                           ", which stands unchanged beside this one");
  }

  void Raised() {
    Section("What was raised");
    Line("Description", c_.description);
    if (c_.kind != CaseKind::kEmergencyAction) return;
    Line("When", FormatTime(c_.action.occurred_at));
    Line("Where", c_.action.location);
    Line("Threat to civilians", c_.action.threat);
    Line("How it was kept narrow", c_.action.narrowness);
    for (const Statement& s : c_.explanations)
      Line("Commander's explanation", FormatTime(s.at) + ": " + s.text);
  }

  void Participation() {
    Section("Participation");
    for (Id p : c_.PartyIds()) {
      Line("Party", PartyName(*ctx_.group, p));
      Line("Role in the case", RoleInCase(c_, p));
      if (const baraza::Respondent* r = c_.FindRespondent(p)) RespondentLines(*r);
      // Counts only, for every party alike, from the delivery events (mediator-only:
      // they name channels and replies, which stay the mediators').
      Line("Outreach", TallyOutreach(p, ctx_.events).Words());
      if (c_.IsAffected(p)) Appeals(p);
      std::vector<std::string> positions;
      for (const Position& pos : c_.positions)
        if (pos.party_id == p && pos.visibility == Visibility::kGroup)
          positions.push_back(FormatTime(pos.stated_at) + ": " + pos.text);
      if (positions.empty()) Line("Position shared with the group", "none");
      for (auto& text : positions) Line("Position shared with the group", std::move(text));
    }
  }

  void RespondentLines(const baraza::Respondent& r) {
    // The `notified` event records how many liaisons the party had to receive it.
    bool reached = true;
    for (const Event& e : events_)
      if (e.type == EventType::kNotified && e.party_id == r.party_id) reached = Detail(e, "liaisons") != "0";
    Line("Notified", FormatTime(r.notified_at) +
                         (reached ? "" : " (no liaison was registered to receive it)"));
    Line("Reminders sent", std::to_string(r.reminders_sent));
    Line("Deadline", FormatTime(r.deadline));
    Line("Answer", AnswerWords(r, events_));
    int extensions = 0;
    std::vector<std::string> support;
    for (const Event& e : events_) {
      if (e.party_id != r.party_id) continue;
      if (e.type == EventType::kExtended) ++extensions;
      if (e.type == EventType::kSupportGranted)
        support.push_back(Detail(e, "kind") + ": " + Detail(e, "reason"));
    }
    Line("Extensions granted", std::to_string(extensions));
    if (support.empty()) Line("Capacity support received", "none");
    for (auto& s : support) Line("Capacity support received", std::move(s));
  }

  void Appeals(Id p) {
    bool any = false;
    for (const Appeal& a : c_.appeals) {
      if (a.party_id != p) continue;
      any = true;
      Line("Appeal", FormatTime(a.filed_at) + ": " + a.grounds);
      if (!a.requested_remedy.empty()) Line("Remedy requested", a.requested_remedy);
      Line("Commander's answer", a.answer ? FormatTime(a.answer->at) + ": " + a.answer->text
                                          : "none");
    }
    if (!any) Line("Appeal", "none");
  }

  void OutcomeSection() {
    Section("Outcome");
    const Outcome& o = c_.outcome;
    Line("Outcome", OutcomeWords(c_, events_));
    if (IsOpen(c_.state)) return;
    if (!o.text.empty()) Line("Text", o.text);
    if (!o.accepting_party_ids.empty())
      Line("Accepted by", PartyNames(*ctx_.group, o.accepting_party_ids));
    if (!o.defaulted_party_ids.empty())
      Line("Default judgement entered against", PartyNames(*ctx_.group, o.defaulted_party_ids));
    if (!o.rationale.empty()) Line("Reasons", o.rationale);
    if (!o.remedy.empty()) Line("Remedy", o.remedy);
  }

  void Record(UnixMillis now) {
    Section("The record");
    Line("Published", FormatTime(now));
    Line("Events in the case's history", std::to_string(c_.event_count));
    Line("History head", ctx_.history_head);
    Line("Last event of this case", ctx_.case_head.empty() ? "none" : ctx_.case_head);
    Line("How to check",
         "Every change to a case is an event in a hash-chained history. Keep the history head "
         "above: the mission's `barazad audit verify --head " + ctx_.history_head +
             "` fails if any event written before this report was later edited, deleted, "
             "moved or cut off.");
  }

  const Case& c_;
  const ReportContext& ctx_;
  std::vector<Event> events_;
  std::vector<ReportSection> sections_;
};

}  // namespace

bool IsOpen(CaseState s) {
  return s == CaseState::kNegotiating || s == CaseState::kAwaitingDecision ||
         s == CaseState::kAppealWindow || s == CaseState::kUnderAppeal;
}

Report RenderReport(const Case& c, const ReportContext& ctx, const std::string& published_by,
                    UnixMillis now) {
  Report r;
  r.id = ctx.report_id;
  r.case_id = c.id;
  r.group_id = c.group_id;
  r.corrects_report_id = ctx.corrected ? ctx.corrected->id : 0;
  r.published_at = now;
  r.published_by = published_by;
  r.title = "Report on case #" + std::to_string(c.id) + ": " + c.title;
  r.history_head = ctx.history_head;
  r.case_head = ctx.case_head;
  r.sections = Template(c, ctx).Render(now);
  return r;
}

Result<Publication> PublishReport(const Case& c, const ReportContext& ctx, const Actor& actor,
                                  UnixMillis now) {
  BARAZA_RETURN_IF_ERROR(RequireMediator(actor, "publish a report"));
  if (!ctx.group || ctx.group->id != c.group_id)
    return Status::Internal("publishing a report needs the case's contact group");
  if (ctx.corrected && ctx.corrected->case_id != c.id)
    return Status::InvalidArgument("report " + std::to_string(ctx.corrected->id) +
                                   " is about case " + std::to_string(ctx.corrected->case_id) +
                                   ", not case " + std::to_string(c.id) +
                                   "; a correction names a report of the same case");
  Publication out;
  out.report = RenderReport(c, ctx, actor.Label(), now);
  Builder b(c, actor, now);
  std::map<std::string, std::string> details = {{"report_id", std::to_string(ctx.report_id)},
                                                {"history_head", ctx.history_head}};
  if (ctx.corrected) details["corrects_report_id"] = std::to_string(ctx.corrected->id);
  b.AddEvent(EventType::kReportPublished, 0, std::move(details));
  out.transition = b.Take();
  return out;
}

std::vector<std::string> Skeleton(const Report& r) {
  std::vector<std::string> out;
  for (const auto& s : r.sections) {
    out.push_back("# " + s.heading);
    for (const auto& l : s.lines) out.push_back(l.label);
  }
  return out;
}

}  // namespace baraza::workflow

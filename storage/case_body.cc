// The case body as storage keeps it: baraza.record.StoredCase
// (proto/baraza/record/case.proto); the JSON of older schemas is read by case_codec.cc.
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <string>

#include "baraza/record/case.pb.h"
#include "storage/case_codec.h"

namespace baraza::codec {
namespace {

using record::StoredCase;
using record::StoredStatement;

void Put(const Statement& s, StoredStatement* out) {
  out->set_id(s.id);
  out->set_text(s.text);
  out->set_commander_id(s.commander_id);
  out->set_at(s.at);
}

Statement Get(const StoredStatement& s) { return Statement{s.id(), s.text(), s.commander_id(), s.at()}; }

}  // namespace

std::string EncodeCase(const Case& c, Positions positions) {
  StoredCase m;
  m.set_id(c.id);
  m.set_group_id(c.group_id);
  m.set_kind(static_cast<int32_t>(c.kind));
  m.set_state(static_cast<int32_t>(c.state));
  m.set_title(c.title);
  m.set_description(c.description);
  for (Standard s : c.standards) m.add_standards(static_cast<int32_t>(s));
  m.set_dimension(static_cast<int32_t>(c.dimension));
  m.set_filed_by_party_id(c.filed_by_party_id);
  m.set_window(c.window);
  m.set_filed_at(c.filed_at);
  m.set_updated_at(c.updated_at);
  for (const Respondent& r : c.respondents) {
    auto* x = m.add_respondents();
    x->set_party_id(r.party_id);
    x->set_status(static_cast<int32_t>(r.status));
    x->set_notified_at(r.notified_at);
    x->set_deadline(r.deadline);
    x->set_answered_at(r.answered_at);
    x->set_reminders_sent(r.reminders_sent);
    x->set_call_delivered_at(r.call_delivered_at);
    x->set_reminder_delivered_at(r.reminder_delivered_at);
    x->set_deliveries_failed(r.deliveries_failed);
    x->set_last_failure(r.last_failure);
  }
  if (positions == Positions::kIncluded)
    for (const Position& p : c.positions) {
      auto* x = m.add_positions();
      x->set_id(p.id);
      x->set_party_id(p.party_id);
      x->set_text(p.text);
      x->set_visibility(static_cast<int32_t>(p.visibility));
      x->set_stated_at(p.stated_at);
    }
  for (const ExtensionRequest& r : c.extension_requests) {
    auto* x = m.add_extension_requests();
    x->set_party_id(r.party_id);
    x->set_requested(r.requested);
    x->set_reason(r.reason);
    x->set_requested_at(r.requested_at);
    x->set_open(r.open);
  }
  const Outcome& o = c.outcome;
  auto* out = m.mutable_outcome();
  out->set_text(o.text);
  out->set_rationale(o.rationale);
  for (Id id : o.accepting_party_ids) out->add_accepting(id);
  for (Id id : o.defaulted_party_ids) out->add_defaulted(id);
  out->set_action_decision(o.action_decision ? static_cast<int32_t>(*o.action_decision) : 0);
  out->set_ruling(o.ruling ? static_cast<int32_t>(*o.ruling) : 0);
  out->set_remedy(o.remedy);
  out->set_unchallenged(o.unchallenged);
  if (out->ByteSizeLong() == 0) m.clear_outcome();  // nothing decided yet: absent
  m.set_filed_by_commander_id(c.filed_by_commander_id);
  auto* a = m.mutable_action();
  a->set_occurred_at(c.action.occurred_at);
  a->set_location(c.action.location);
  a->set_threat(c.action.threat);
  a->set_narrowness(c.action.narrowness);
  if (a->ByteSizeLong() == 0) m.clear_action();  // a dispute has none
  for (Id id : c.affected_party_ids) m.add_affected_party_ids(id);
  m.set_appeal_deadline(c.appeal_deadline);
  for (const Statement& s : c.explanations) Put(s, m.add_explanations());
  for (const Appeal& ap : c.appeals) {
    auto* x = m.add_appeals();
    x->set_id(ap.id);
    x->set_party_id(ap.party_id);
    x->set_grounds(ap.grounds);
    x->set_requested_remedy(ap.requested_remedy);
    x->set_filed_at(ap.filed_at);
    if (ap.answer) Put(*ap.answer, x->mutable_answer());
  }
  m.set_version(c.version);
  m.set_event_count(c.event_count);
  std::string bytes;
  // Deterministic: the same case is always the same bytes (the history's
  // record and the state sum digest them).
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    m.SerializeToCodedStream(&coded);
  }
  return bytes;
}

Result<Case> DecodeCase(const std::string& body) {
  // Schema 8 and before stored JSON; a StoredCase never starts with '{' (it
  // would be field 15 as a group, which the encoder never writes).
  if (!body.empty() && body.front() == '{') return DecodeCaseJson(body);
  StoredCase m;
  if (!m.ParseFromString(body))
    return Status::Internal("a stored case could not be read: it is not a StoredCase message");
  Case c;
  c.id = m.id();
  c.group_id = m.group_id();
  c.kind = static_cast<CaseKind>(m.kind());
  c.state = static_cast<CaseState>(m.state());
  c.title = m.title();
  c.description = m.description();
  for (int32_t s : m.standards()) c.standards.push_back(static_cast<Standard>(s));
  c.dimension = static_cast<Dimension>(m.dimension());
  c.filed_by_party_id = m.filed_by_party_id();
  c.window = m.window();
  c.filed_at = m.filed_at();
  c.updated_at = m.updated_at();
  for (const auto& r : m.respondents()) {
    Respondent x;
    x.party_id = r.party_id();
    x.status = static_cast<RespondentStatus>(r.status());
    x.notified_at = r.notified_at();
    x.deadline = r.deadline();
    x.answered_at = r.answered_at();
    x.reminders_sent = r.reminders_sent();
    x.call_delivered_at = r.call_delivered_at();
    x.reminder_delivered_at = r.reminder_delivered_at();
    x.deliveries_failed = r.deliveries_failed();
    x.last_failure = r.last_failure();
    c.respondents.push_back(std::move(x));
  }
  for (const auto& p : m.positions())
    c.positions.push_back(Position{p.id(), p.party_id(), p.text(),
                                   static_cast<Visibility>(p.visibility()), p.stated_at()});
  for (const auto& r : m.extension_requests())
    c.extension_requests.push_back(
        ExtensionRequest{r.party_id(), r.requested(), r.reason(), r.requested_at(), r.open()});
  const auto& o = m.outcome();
  c.outcome.text = o.text();
  c.outcome.rationale = o.rationale();
  c.outcome.accepting_party_ids.assign(o.accepting().begin(), o.accepting().end());
  c.outcome.defaulted_party_ids.assign(o.defaulted().begin(), o.defaulted().end());
  if (o.action_decision()) c.outcome.action_decision = static_cast<ActionDecision>(o.action_decision());
  if (o.ruling()) c.outcome.ruling = static_cast<Ruling>(o.ruling());
  c.outcome.remedy = o.remedy();
  c.outcome.unchallenged = o.unchallenged();
  c.filed_by_commander_id = m.filed_by_commander_id();
  c.action.occurred_at = m.action().occurred_at();
  c.action.location = m.action().location();
  c.action.threat = m.action().threat();
  c.action.narrowness = m.action().narrowness();
  c.affected_party_ids.assign(m.affected_party_ids().begin(), m.affected_party_ids().end());
  c.appeal_deadline = m.appeal_deadline();
  for (const auto& s : m.explanations()) c.explanations.push_back(Get(s));
  for (const auto& a : m.appeals()) {
    Appeal x;
    x.id = a.id();
    x.party_id = a.party_id();
    x.grounds = a.grounds();
    x.requested_remedy = a.requested_remedy();
    x.filed_at = a.filed_at();
    if (a.has_answer()) x.answer = Get(a.answer());
    c.appeals.push_back(std::move(x));
  }
  c.version = m.version();
  c.event_count = m.event_count();
  return c;
}

}  // namespace baraza::codec

#include "services/api/convert.h"

namespace baraza::api {

// Both set the fields in place, as protobuf's TimeUtil would compute them:
// those return a message that is then copied into `out`, which costs more than
// the conversion for every time a case's answer carries (one per position).
void ToTimestamp(UnixMillis t, google::protobuf::Timestamp* out) {
  if (t == 0) return;
  int64_t seconds = t / 1000, millis = t % 1000;
  if (millis < 0) {  // a Timestamp's nanos are never negative
    seconds -= 1;
    millis += 1000;
  }
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(millis * 1000000));
}

void ToProto(const TokenRecord& t, v1::TokenInfo* out) {
  out->set_id(t.PublicId());
  out->set_role(static_cast<v1::Role>(t.role));
  out->set_label(t.label);
  out->set_party_id(t.party_id);
  ToTimestamp(t.created_at, out->mutable_created_at());
  if (t.expires_at != 0) ToTimestamp(t.expires_at, out->mutable_expires_at());
  if (t.revoked_at != 0) ToTimestamp(t.revoked_at, out->mutable_revoked_at());
}

void ToProto(const Report& in, v1::Report* out) {
  out->set_id(in.id);
  out->set_case_id(in.case_id);
  out->set_group_id(in.group_id);
  out->set_title(in.title);
  ToTimestamp(in.published_at, out->mutable_published_at());
  out->set_corrects_report_id(in.corrects_report_id);
  out->set_history_head(in.history_head);
  out->set_case_head(in.case_head);
  for (const auto& s : in.sections) {
    auto* section = out->add_sections();
    section->set_heading(s.heading);
    for (const auto& l : s.lines) {
      auto* line = section->add_lines();
      line->set_label(l.label);
      line->set_value(l.value);
    }
  }
}

void ToDuration(Millis d, google::protobuf::Duration* out) {
  // A Duration's nanos have the sign of its seconds, as C++ division gives them.
  out->set_seconds(d / 1000);
  out->set_nanos(static_cast<int32_t>(d % 1000 * 1000000));
}

Millis FromDuration(const google::protobuf::Duration& d) {
  // Out-of-range durations (over ~10,000 years) are clamped, then refused by
  // the core's limits.
  if (d.seconds() > 315576000000LL) return INT64_MAX / 2;
  if (d.seconds() < -315576000000LL) return INT64_MIN / 2;
  return d.seconds() * 1000 + d.nanos() / 1000000;
}

void ToProto(const Party& in, v1::Party* out) {
  out->set_id(in.id);
  out->set_group_id(in.group_id);
  out->set_name(in.name);
  out->set_category(static_cast<v1::PartyCategory>(in.category));
  out->set_liaison_count(in.liaison_count);
  ToTimestamp(in.created_at, out->mutable_created_at());
}

void ToProto(const ContactGroup& in, v1::ContactGroup* out) {
  out->set_id(in.id);
  out->set_name(in.name);
  out->set_purpose(in.purpose);
  out->set_kind(static_cast<v1::GroupKind>(in.kind));
  for (const auto& p : in.parties) ToProto(p, out->add_parties());
  out->set_has_unarmed_stakeholders(in.HasUnarmedStakeholders());
  ToTimestamp(in.created_at, out->mutable_created_at());
  ToDuration(in.appeal_window, out->mutable_appeal_window());
  out->set_time_zone(in.time_zone);
}

void ToProto(const Liaison& in, v1::Liaison* out) {
  out->set_id(in.id);
  out->set_party_id(in.party_id);
  out->set_name(in.name);
  ToTimestamp(in.created_at, out->mutable_created_at());
  out->set_language(in.language);
}

void ToProto(const Commander& in, v1::Commander* out) {
  out->set_id(in.id);
  out->set_name(in.name);
  ToTimestamp(in.created_at, out->mutable_created_at());
  out->set_language(in.language);
}

void ToProto(const Case& in, v1::Case* out, v1::CaseView view) {
  const bool full = view == v1::CASE_VIEW_FULL;
  out->set_id(in.id);
  out->set_group_id(in.group_id);
  out->set_kind(static_cast<v1::CaseKind>(in.kind));
  out->set_state(static_cast<v1::CaseState>(in.state));
  out->set_title(in.title);
  if (full) out->set_description(in.description);
  for (Standard s : in.standards) out->add_standards(static_cast<v1::Standard>(s));
  out->set_dimension(static_cast<v1::OperationalDimension>(in.dimension));
  out->set_filed_by_party_id(in.filed_by_party_id);
  ToDuration(in.window, out->mutable_window());
  ToTimestamp(in.filed_at, out->mutable_filed_at());
  ToTimestamp(in.updated_at, out->mutable_updated_at());
  for (const auto& r : in.respondents) {
    auto* o = out->add_respondents();
    o->set_party_id(r.party_id);
    o->set_status(static_cast<v1::RespondentStatus>(r.status));
    ToTimestamp(r.notified_at, o->mutable_notified_at());
    ToTimestamp(r.deadline, o->mutable_deadline());
    if (r.answered_at) ToTimestamp(r.answered_at, o->mutable_answered_at());
    o->set_reminders_sent(r.reminders_sent);
  }
  if (full) {
    for (const auto& p : in.positions) {
      auto* o = out->add_positions();
      o->set_id(p.id);
      o->set_party_id(p.party_id);
      o->set_text(p.text);
      o->set_visibility(static_cast<v1::Visibility>(p.visibility));
      ToTimestamp(p.stated_at, o->mutable_stated_at());
    }
    for (const auto& r : in.extension_requests) {
      auto* o = out->add_extension_requests();
      o->set_party_id(r.party_id);
      ToDuration(r.requested, o->mutable_requested());
      o->set_reason(r.reason);
      ToTimestamp(r.requested_at, o->mutable_requested_at());
      o->set_open(r.open);
    }
  }
  auto* oc = out->mutable_outcome();
  oc->set_text(in.outcome.text);
  oc->set_rationale(in.outcome.rationale);
  for (Id id : in.outcome.accepting_party_ids) oc->add_accepting_party_ids(id);
  for (Id id : in.outcome.defaulted_party_ids) oc->add_defaulted_party_ids(id);
  if (in.outcome.action_decision)
    oc->set_action_decision(static_cast<v1::ActionDecision>(*in.outcome.action_decision));
  if (in.outcome.ruling) oc->set_ruling(static_cast<v1::Ruling>(*in.outcome.ruling));
  oc->set_remedy(in.outcome.remedy);
  oc->set_unchallenged(in.outcome.unchallenged);
  out->set_version(in.version);
  out->set_etag(in.Etag());
  out->set_filed_by_commander_id(in.filed_by_commander_id);
  if (in.kind != CaseKind::kEmergencyAction) return;
  auto* a = out->mutable_action();
  ToTimestamp(in.action.occurred_at, a->mutable_occurred_at());
  a->set_location(in.action.location);
  a->set_threat(in.action.threat);
  a->set_narrowness(in.action.narrowness);
  for (Id id : in.affected_party_ids) out->add_affected_party_ids(id);
  ToTimestamp(in.appeal_deadline, out->mutable_appeal_deadline());
  if (!full) return;
  for (const Statement& s : in.explanations) ToProto(s, out->add_explanations());
  for (const Appeal& ap : in.appeals) {
    auto* o = out->add_appeals();
    o->set_id(ap.id);
    o->set_party_id(ap.party_id);
    o->set_grounds(ap.grounds);
    o->set_requested_remedy(ap.requested_remedy);
    ToTimestamp(ap.filed_at, o->mutable_filed_at());
    if (ap.answer) ToProto(*ap.answer, o->mutable_answer());
  }
}

void ToProto(const Statement& in, v1::Statement* out) {
  out->set_id(in.id);
  out->set_text(in.text);
  out->set_commander_id(in.commander_id);
  ToTimestamp(in.at, out->mutable_at());
}

void ToProto(const workflow::ParticipationRecord& in, v1::ParticipationRecord* out) {
  out->set_party_id(in.party_id);
  out->set_cases(in.cases);
  out->set_notices_received(in.notices_received);
  out->set_answered_on_time(in.answered_on_time);
  out->set_answered_late(in.answered_late);
  out->set_never_answered(in.never_answered);
  out->set_referred(in.referred);
  out->set_extensions_requested(in.extensions_requested);
  out->set_extensions_granted(in.extensions_granted);
  out->set_support_granted(in.support_granted);
  out->set_emergency_actions_affecting(in.emergency_actions_affecting);
  out->set_appeals_filed(in.appeals_filed);
  out->set_appeals_upheld(in.appeals_upheld);
  out->set_appeals_upheld_with_remedy(in.appeals_upheld_with_remedy);
  out->set_appeals_overturned(in.appeals_overturned);
  out->set_appeals_pending(in.appeals_pending);
  out->set_notices_sent(in.notices_sent);
  out->set_notices_delivered(in.notices_delivered);
  out->set_notices_read(in.notices_read);
}

void ToProto(const Event& in, v1::Event* out) {
  out->set_case_id(in.case_id);
  out->set_seq(in.seq);
  ToTimestamp(in.at, out->mutable_at());
  out->set_actor(in.actor);
  out->set_type(static_cast<v1::EventType>(in.type));
  out->set_party_id(in.party_id);
  for (const auto& [k, v] : in.details) (*out->mutable_details())[k] = v;
}

void ToProto(const Notice& in, v1::Notice* out) {
  out->set_id(in.id);
  out->set_case_id(in.case_id);
  out->set_party_id(in.PartyId());
  out->set_recipient_role(static_cast<v1::Role>(in.to.role));
  if (in.to.role == Role::kCommander) out->set_commander_id(in.to.id);
  out->set_kind(static_cast<v1::NoticeKind>(in.kind));
  out->set_text(in.text);
  ToTimestamp(in.created_at, out->mutable_created_at());
  if (in.deadline) ToTimestamp(in.deadline, out->mutable_deadline());
  out->set_language(in.language);
  out->set_message_id(in.message.id);
}

// The model's enums are stored and sent by number: these tie them to the proto's.
static_assert(static_cast<int>(ContactKind::kEmail) == v1::CONTACT_KIND_EMAIL);
static_assert(static_cast<int>(ContactKind::kStream) == v1::CONTACT_KIND_STREAM);
static_assert(static_cast<int>(DeliveryState::kQueued) == v1::DELIVERY_STATE_QUEUED);
static_assert(static_cast<int>(DeliveryState::kUndeliverable) == v1::DELIVERY_STATE_UNDELIVERABLE);
static_assert(static_cast<int>(EventType::kDeliveryUpdated) == v1::EVENT_TYPE_DELIVERY_UPDATED);
static_assert(static_cast<int>(NoticeKind::kAwaitingRuling) == v1::NOTICE_KIND_AWAITING_RULING);
static_assert(static_cast<int>(Role::kCommander) == v1::ROLE_COMMANDER);

void ToProto(const ContactPoint& in, v1::ContactPoint* out) {
  out->set_id(in.id);
  out->set_liaison_id(in.liaison_id);
  out->set_party_id(in.party_id);
  out->set_role(static_cast<v1::Role>(in.role));
  out->set_commander_id(in.commander_id);
  out->set_kind(static_cast<v1::ContactKind>(in.kind));
  out->set_address(in.address);
  ToTimestamp(in.created_at, out->mutable_created_at());
  if (in.removed_at) ToTimestamp(in.removed_at, out->mutable_removed_at());
}

void ToProto(const Delivery& in, v1::Delivery* out) {
  out->set_id(in.id);
  out->set_notice_id(in.notice_id);
  out->set_case_id(in.case_id);
  out->set_party_id(in.party_id);
  out->set_contact_point_id(in.contact_point_id);
  out->set_kind(static_cast<v1::ContactKind>(in.kind));
  out->set_notice_kind(static_cast<v1::NoticeKind>(in.notice_kind));
  out->set_state(static_cast<v1::DeliveryState>(in.state));
  out->set_attempts(in.attempts);
  out->set_detail(in.detail);
  ToTimestamp(in.updated_at, out->mutable_updated_at());
  if (in.contact_point_id) out->set_idempotency_key(in.IdempotencyKey());
}

namespace {

template <typename Descriptor>
std::string Names(const Descriptor* d) {
  std::string out;
  for (int i = 1; i < d->value_count(); ++i)
    out += (out.empty() ? "" : ", ") + d->value(i)->name();
  return out;
}

// The model's value of a proto enum that must be set and known; the message
// names the values to use (built only then: this runs on every request).
template <typename Model, typename ProtoEnum, typename IsValid, typename Descriptor>
Result<Model> Enum(ProtoEnum v, const char* field, IsValid is_valid, const Descriptor* d) {
  if (static_cast<int>(v) == 0 || !is_valid(static_cast<int>(v)))
    return Status::InvalidArgument(std::string(field) + " is " +
                                   (static_cast<int>(v) == 0 ? "missing" : "not a known value (" +
                                                                               std::to_string(v) + ")") +
                                   "; use one of: " + Names(d));
  return static_cast<Model>(static_cast<int>(v));
}

}  // namespace

Result<GroupKind> FromProto(v1::GroupKind v, const char* field) {
  return Enum<GroupKind>(v, field, v1::GroupKind_IsValid, v1::GroupKind_descriptor());
}
Result<PartyCategory> FromProto(v1::PartyCategory v, const char* field) {
  return Enum<PartyCategory>(v, field, v1::PartyCategory_IsValid,
                             v1::PartyCategory_descriptor());
}
Result<Standard> FromProto(v1::Standard v, const char* field) {
  return Enum<Standard>(v, field, v1::Standard_IsValid, v1::Standard_descriptor());
}
Result<Dimension> FromProto(v1::OperationalDimension v, const char* field) {
  return Enum<Dimension>(v, field, v1::OperationalDimension_IsValid,
                         v1::OperationalDimension_descriptor());
}
Result<CaseState> FromProto(v1::CaseState v, const char* field) {
  return Enum<CaseState>(v, field, v1::CaseState_IsValid, v1::CaseState_descriptor());
}
Result<Visibility> FromProto(v1::Visibility v, const char* field) {
  return Enum<Visibility>(v, field, v1::Visibility_IsValid, v1::Visibility_descriptor());
}
Result<SupportKind> FromProto(v1::SupportKind v, const char* field) {
  return Enum<SupportKind>(v, field, v1::SupportKind_IsValid, v1::SupportKind_descriptor());
}
Result<ActionDecision> FromProto(v1::ActionDecision v, const char* field) {
  return Enum<ActionDecision>(v, field, v1::ActionDecision_IsValid,
                              v1::ActionDecision_descriptor());
}
Result<Ruling> FromProto(v1::Ruling v, const char* field) {
  return Enum<Ruling>(v, field, v1::Ruling_IsValid, v1::Ruling_descriptor());
}
Result<ContactKind> FromProto(v1::ContactKind v, const char* field) {
  if (v == v1::CONTACT_KIND_STREAM)
    return Status::InvalidArgument(std::string(field) + ": a stream is not an address; choose "
                                   "CONTACT_KIND_EMAIL, CONTACT_KIND_SMS or CONTACT_KIND_WEBHOOK");
  return Enum<ContactKind>(v, field, v1::ContactKind_IsValid, v1::ContactKind_descriptor());
}

}  // namespace baraza::api

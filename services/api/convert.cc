#include "services/api/convert.h"

#include <google/protobuf/util/time_util.h>

namespace baraza::api {

using google::protobuf::util::TimeUtil;

void ToTimestamp(UnixMillis t, google::protobuf::Timestamp* out) {
  if (t != 0) *out = TimeUtil::MillisecondsToTimestamp(t);
}

void ToDuration(Millis d, google::protobuf::Duration* out) {
  *out = TimeUtil::MillisecondsToDuration(d);
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
}

void ToProto(const Liaison& in, v1::Liaison* out) {
  out->set_id(in.id);
  out->set_party_id(in.party_id);
  out->set_name(in.name);
  ToTimestamp(in.created_at, out->mutable_created_at());
}

void ToProto(const Commander& in, v1::Commander* out) {
  out->set_id(in.id);
  out->set_name(in.name);
  ToTimestamp(in.created_at, out->mutable_created_at());
}

void ToProto(const Case& in, v1::Case* out) {
  out->set_id(in.id);
  out->set_group_id(in.group_id);
  out->set_kind(static_cast<v1::CaseKind>(in.kind));
  out->set_state(static_cast<v1::CaseState>(in.state));
  out->set_title(in.title);
  out->set_description(in.description);
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
  auto* oc = out->mutable_outcome();
  oc->set_text(in.outcome.text);
  oc->set_rationale(in.outcome.rationale);
  for (Id id : in.outcome.accepting_party_ids) oc->add_accepting_party_ids(id);
  for (Id id : in.outcome.defaulted_party_ids) oc->add_defaulted_party_ids(id);
  out->set_version(in.version);
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
  out->set_party_id(in.party_id);
  out->set_kind(static_cast<v1::NoticeKind>(in.kind));
  out->set_text(in.text);
  ToTimestamp(in.created_at, out->mutable_created_at());
  if (in.deadline) ToTimestamp(in.deadline, out->mutable_deadline());
}

namespace {

template <typename Model, typename ProtoEnum, typename IsValid>
Result<Model> Enum(ProtoEnum v, const char* field, IsValid is_valid, const std::string& names) {
  if (static_cast<int>(v) == 0 || !is_valid(static_cast<int>(v)))
    return Status::InvalidArgument(std::string(field) + " is " +
                                   (static_cast<int>(v) == 0 ? "missing" : "not a known value (" +
                                                                               std::to_string(v) + ")") +
                                   "; use one of: " + names);
  return static_cast<Model>(static_cast<int>(v));
}

template <typename Descriptor>
std::string Names(const Descriptor* d) {
  std::string out;
  for (int i = 1; i < d->value_count(); ++i)
    out += (out.empty() ? "" : ", ") + d->value(i)->name();
  return out;
}

}  // namespace

Result<GroupKind> FromProto(v1::GroupKind v, const char* field) {
  return Enum<GroupKind>(v, field, v1::GroupKind_IsValid, Names(v1::GroupKind_descriptor()));
}
Result<PartyCategory> FromProto(v1::PartyCategory v, const char* field) {
  return Enum<PartyCategory>(v, field, v1::PartyCategory_IsValid,
                             Names(v1::PartyCategory_descriptor()));
}
Result<Standard> FromProto(v1::Standard v, const char* field) {
  return Enum<Standard>(v, field, v1::Standard_IsValid, Names(v1::Standard_descriptor()));
}
Result<Dimension> FromProto(v1::OperationalDimension v, const char* field) {
  return Enum<Dimension>(v, field, v1::OperationalDimension_IsValid,
                         Names(v1::OperationalDimension_descriptor()));
}
Result<CaseState> FromProto(v1::CaseState v, const char* field) {
  return Enum<CaseState>(v, field, v1::CaseState_IsValid, Names(v1::CaseState_descriptor()));
}
Result<Visibility> FromProto(v1::Visibility v, const char* field) {
  return Enum<Visibility>(v, field, v1::Visibility_IsValid, Names(v1::Visibility_descriptor()));
}
Result<SupportKind> FromProto(v1::SupportKind v, const char* field) {
  return Enum<SupportKind>(v, field, v1::SupportKind_IsValid, Names(v1::SupportKind_descriptor()));
}

}  // namespace baraza::api

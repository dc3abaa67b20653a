// Conversions between the API's protobuf messages and the core's model values,
// including the checks that a field's enum value is one the API defines.
// Thread-safe (pure).
#pragma once

#include <google/protobuf/duration.pb.h>
#include <google/protobuf/timestamp.pb.h>

#include "baraza/v1/baraza.pb.h"
#include "baraza/v1/types.pb.h"
#include "services/workflow/model.h"
#include "services/workflow/participation.h"
#include "services/workflow/status.h"
#include "storage/case_store.h"

namespace baraza::api {

void ToProto(const Party& in, v1::Party* out);
void ToProto(const ContactGroup& in, v1::ContactGroup* out);
void ToProto(const Liaison& in, v1::Liaison* out);
void ToProto(const Commander& in, v1::Commander* out);
// The whole case, or with `view` other than FULL (BASIC, or UNSPECIFIED as lists
// send it) the case without its growing texts (see CaseView in types.proto).
void ToProto(const Case& in, v1::Case* out, v1::CaseView view = v1::CASE_VIEW_FULL);
void ToProto(const Event& in, v1::Event* out);
void ToProto(const Notice& in, v1::Notice* out);
void ToProto(const ContactPoint& in, v1::ContactPoint* out);
void ToProto(const Delivery& in, v1::Delivery* out);
void ToProto(const Statement& in, v1::Statement* out);
void ToProto(const workflow::ParticipationRecord& in, v1::ParticipationRecord* out);
void ToProto(const Report& in, v1::Report* out);
void ToTimestamp(UnixMillis t, google::protobuf::Timestamp* out);
void ToDuration(Millis d, google::protobuf::Duration* out);
// A token as mediators may see it: its public id, never the hash.
void ToProto(const TokenRecord& t, v1::TokenInfo* out);

Millis FromDuration(const google::protobuf::Duration& d);

// Each returns INVALID_ARGUMENT naming `field` when the value is unset or unknown.
Result<GroupKind> FromProto(v1::GroupKind v, const char* field);
Result<PartyCategory> FromProto(v1::PartyCategory v, const char* field);
Result<Standard> FromProto(v1::Standard v, const char* field);
Result<Dimension> FromProto(v1::OperationalDimension v, const char* field);
Result<CaseState> FromProto(v1::CaseState v, const char* field);
Result<Visibility> FromProto(v1::Visibility v, const char* field);
Result<SupportKind> FromProto(v1::SupportKind v, const char* field);
Result<ActionDecision> FromProto(v1::ActionDecision v, const char* field);
Result<Ruling> FromProto(v1::Ruling v, const char* field);
// E-mail, SMS or webhook; a stream is no contact point one can add.
Result<ContactKind> FromProto(v1::ContactKind v, const char* field);

}  // namespace baraza::api

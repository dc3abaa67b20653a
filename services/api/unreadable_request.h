// What barazad answers when a request's bytes do not parse as its message: a
// text field that is not UTF-8 (proto3 refuses those while parsing), or a
// message cut short. Used by CheckedUnaryHandler (checked_unary.h). Thread-safe.
#pragma once

#include <string_view>

#include <google/protobuf/message.h>
#include <grpcpp/grpcpp.h>

#include "services/app/application.h"
#include "services/workflow/status.h"

namespace baraza::api {

// INVALID_ARGUMENT saying why `partial` (what the parser read before it
// stopped) could not be read: naming the text field, by its path such as
// "action.location", whose value is not UTF-8, else saying that the bytes are
// not a whole message of its type.
Status UnreadableRequest(const google::protobuf::Message& partial);

// Answers a call to `method` whose request did not parse, as every handler
// answers: UNAUTHENTICATED without a valid token, PERMISSION_DENIED for a role
// the RPC is not for, and only then UnreadableRequest.
grpc::ServerUnaryReactor* RefuseUnreadable(Application& app, std::string_view method,
                                           grpc::CallbackServerContext* ctx,
                                           const google::protobuf::Message& partial);

}  // namespace baraza::api

// The idempotency key of a change request: its request_id, and a fingerprint of
// the method and of everything else the request asks (request_id and etag aside).
#pragma once

#include <google/protobuf/message.h>

#include "services/app/application.h"
#include "services/workflow/status.h"

namespace baraza::api {

// An empty key when the request has no request_id; INVALID_ARGUMENT when the id
// is too long or not printable ASCII. The fingerprint is the SHA-256 of the
// request's deterministic wire form without its request_id and etag fields:
// the same bytes as serialising a copy with those two cleared, so keys stored
// by earlier versions still match.
Result<RequestKey> KeyOf(const google::protobuf::Message& req);

}  // namespace baraza::api

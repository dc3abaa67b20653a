// The one place where an internal Status becomes a grpc::Status on the wire.
// Thread-safe (pure).
#pragma once

#include <grpcpp/support/status.h>

#include "services/workflow/status.h"

namespace baraza::api {

grpc::Status ToGrpcStatus(const Status& status);

}  // namespace baraza::api

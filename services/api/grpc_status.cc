#include "services/api/grpc_status.h"

namespace baraza::api {

grpc::Status ToGrpcStatus(const Status& s) {
  switch (s.code()) {
    case Code::kOk: return grpc::Status::OK;
    case Code::kInvalidArgument: return {grpc::StatusCode::INVALID_ARGUMENT, s.message()};
    case Code::kNotFound: return {grpc::StatusCode::NOT_FOUND, s.message()};
    case Code::kAlreadyExists: return {grpc::StatusCode::ALREADY_EXISTS, s.message()};
    case Code::kFailedPrecondition: return {grpc::StatusCode::FAILED_PRECONDITION, s.message()};
    case Code::kPermissionDenied: return {grpc::StatusCode::PERMISSION_DENIED, s.message()};
    case Code::kUnauthenticated: return {grpc::StatusCode::UNAUTHENTICATED, s.message()};
    case Code::kAborted: return {grpc::StatusCode::ABORTED, s.message()};
    case Code::kResourceExhausted: return {grpc::StatusCode::RESOURCE_EXHAUSTED, s.message()};
    case Code::kUnavailable: return {grpc::StatusCode::UNAVAILABLE, s.message()};
    case Code::kInternal:
      return {grpc::StatusCode::INTERNAL,
              "barazad hit an internal error (" + s.message() + "); the change was not applied"};
    case Code::kDataLoss:
      return {grpc::StatusCode::DATA_LOSS,
              s.message() + "; the operator must check the record (`barazad audit verify`)"};
  }
  return {grpc::StatusCode::UNKNOWN, s.message()};
}

}  // namespace baraza::api

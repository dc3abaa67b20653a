// Status and Result<T>: how errors travel through the core, storage and the
// application as values (no exceptions across module boundaries). Immutable; thread-safe.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace baraza {

// The kinds of failure a caller can act on; api/grpc_status.cc maps them to
// gRPC codes in one place.
enum class Code {
  kOk,
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kFailedPrecondition,
  kPermissionDenied,
  kUnauthenticated,
  kAborted,
  kResourceExhausted,
  kUnavailable,
  kInternal,
  kDataLoss,  // the stored record does not match its history (edited behind the server's back)
};

const char* CodeName(Code code);

class Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  static Status InvalidArgument(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {Code::kAlreadyExists, std::move(m)}; }
  static Status FailedPrecondition(std::string m) { return {Code::kFailedPrecondition, std::move(m)}; }
  static Status PermissionDenied(std::string m) { return {Code::kPermissionDenied, std::move(m)}; }
  static Status Unauthenticated(std::string m) { return {Code::kUnauthenticated, std::move(m)}; }
  static Status Aborted(std::string m) { return {Code::kAborted, std::move(m)}; }
  static Status ResourceExhausted(std::string m) { return {Code::kResourceExhausted, std::move(m)}; }
  static Status Unavailable(std::string m) { return {Code::kUnavailable, std::move(m)}; }
  static Status Internal(std::string m) { return {Code::kInternal, std::move(m)}; }
  static Status DataLoss(std::string m) { return {Code::kDataLoss, std::move(m)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

// Either a value or a non-OK Status.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(v_).ok() && "Result needs a value or an error");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace baraza

// Returns early from the enclosing function when `expr` (a Status) is not OK.
#define BARAZA_RETURN_IF_ERROR(expr)         \
  do {                                       \
    ::baraza::Status _st = (expr);           \
    if (!_st.ok()) return _st;               \
  } while (0)

// Assigns the value of `expr` (a Result) to `lhs`, or returns its status early.
#define BARAZA_CONCAT_INNER(a, b) a##b
#define BARAZA_CONCAT(a, b) BARAZA_CONCAT_INNER(a, b)
#define BARAZA_ASSIGN_OR_RETURN(lhs, expr)                         \
  auto BARAZA_CONCAT(_result_, __LINE__) = (expr);                 \
  if (!BARAZA_CONCAT(_result_, __LINE__).ok())                     \
    return BARAZA_CONCAT(_result_, __LINE__).status();             \
  lhs = std::move(BARAZA_CONCAT(_result_, __LINE__)).value()

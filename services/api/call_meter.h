// How barazad's unary calls are metered without a cost per call beyond two
// clock reads: each call's message holder (arena_allocator.h) is also its
// CallMeter, which keeps when the call began and the code it was answered
// with, and tells the RpcObserver (barazad's metrics) when gRPC releases it.
// No allocation of its own; nothing at all while no observer is set.
// SetRpcObserver before the services are built; the rest is thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

#include <grpcpp/grpcpp.h>

namespace baraza::api {

class RpcObserver {
 public:
  virtual ~RpcObserver() = default;
  // Once per RPC while the services are built: the number CallDone will
  // give for it. `service` is the full name ("baraza.v1.CaseService").
  virtual int AddMethod(std::string_view service, std::string_view method) = 0;
  // A call of method `method` ended with `code` after `seconds` (from its
  // request's arrival to the release of its messages). Must be cheap.
  virtual void CallDone(int method, grpc::StatusCode code, double seconds) = 0;
};

// The process's observer; null (the default) meters nothing.
RpcObserver* CurrentRpcObserver();
void SetRpcObserver(RpcObserver* observer);

class CallMeter {
 public:
  // Notes the code the call is answered with (the last one noted counts).
  void NoteCode(grpc::StatusCode code) { code_ = code; }
  // For a call answered later (after a write commits): the reactor it is
  // answered on, kept here so that the callback need hold only this meter.
  void set_reactor(grpc::ServerUnaryReactor* reactor) { reactor_ = reactor; }
  // Notes the code and answers the call on the reactor set.
  void Finish(grpc::Status status) {
    code_ = status.error_code();
    reactor_->Finish(std::move(status));
  }

 protected:
  CallMeter(RpcObserver* observer, int method) : observer_(observer), method_(method) {
    if (observer_) began_ = std::chrono::steady_clock::now();
  }
  // Called as gRPC releases the call's messages: the call is over.
  void CallOver() {
    if (!observer_) return;
    observer_->CallDone(method_, code_,
                        std::chrono::duration<double>(std::chrono::steady_clock::now() - began_)
                            .count());
  }

 private:
  RpcObserver* observer_;
  int method_;
  // A call that ends without a noted code (none should) shows as UNKNOWN.
  grpc::StatusCode code_ = grpc::StatusCode::UNKNOWN;
  std::chrono::steady_clock::time_point began_;
  grpc::ServerUnaryReactor* reactor_ = nullptr;
};

// The call's meter while metrics are on; null when they are off (then nothing
// is looked up) or the call has none.
inline CallMeter* MeterOf(grpc::CallbackServerContext* ctx) {
  if (CurrentRpcObserver() == nullptr) return nullptr;
  return dynamic_cast<CallMeter*>(ctx->GetRpcAllocatorState());
}

// Notes `code` on the call's meter, if the call has one and metrics are on.
inline void NoteCode(grpc::CallbackServerContext* ctx, grpc::StatusCode code) {
  if (auto* meter = MeterOf(ctx)) meter->NoteCode(code);
}

}  // namespace baraza::api

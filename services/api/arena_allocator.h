// ArenaAllocator: gives each unary call its request and response on one
// protobuf Arena, so that packing a case or a page of cases costs a few large
// allocations instead of hundreds of small ones, freed at once when the call
// ends. The holder is also the call's CallMeter (call_meter.h). Every unary RPC
// has one (CheckedUnaryHandler, checked_unary.h). Thread-safe.
#pragma once

#include <google/protobuf/arena.h>
#include <grpcpp/support/message_allocator.h>

#include "services/api/call_meter.h"

namespace baraza::api {

template <typename Req, typename Resp>
class ArenaAllocator final : public grpc::MessageAllocator<Req, Resp> {
 public:
  // Calls are metered for `observer` (null: not metered) as its method `method`.
  ArenaAllocator(RpcObserver* observer, int method) : observer_(observer), method_(method) {}

  grpc::MessageHolder<Req, Resp>* AllocateMessages() override {
    return new Holder(observer_, method_);
  }

 private:
  class Holder final : public grpc::MessageHolder<Req, Resp>, public CallMeter {
   public:
    Holder(RpcObserver* observer, int method) : CallMeter(observer, method), arena_(Options()) {
      this->set_request(google::protobuf::Arena::CreateMessage<Req>(&arena_));
      this->set_response(google::protobuf::Arena::CreateMessage<Resp>(&arena_));
    }
    void Release() override {
      CallOver();
      delete this;
    }

   private:
    static google::protobuf::ArenaOptions Options() {
      google::protobuf::ArenaOptions o;
      o.start_block_size = 4096;  // a case; a page of cases grows it a few times
      o.max_block_size = 64 * 1024;
      return o;
    }
    google::protobuf::Arena arena_;
  };
  RpcObserver* const observer_;
  const int method_;
};

}  // namespace baraza::api

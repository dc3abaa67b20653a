// How barazad's unary RPCs are served: each through a CheckedUnaryHandler, which
// gives the call its messages on one arena and answers a request that does not
// parse itself, after the token and the role are checked. Used by every
// service's constructor (service_setup.cc). Thread-safe once the server runs.
//
// Why a handler of our own: gRPC 1.51 parses the request before any of our code
// runs, and when the parse fails (proto3 refuses a text field that is not UTF-8;
// bytes cut short) its callback handler finishes the call itself with
// UNIMPLEMENTED and no message, before the token is looked at. The parse cannot
// be changed for one service only (a SerializationTraits specialisation applies
// to the message type in every translation unit and every client, and must be
// seen before gRPC's own generated code), and interceptors see the parsed
// message, not the bytes. A MethodHandler sits exactly where the failure is
// known: it lets gRPC's CallbackUnaryHandler parse as usual and, when the parse
// failed, runs a second CallbackUnaryHandler whose reactor authenticates and
// names the field from what the parser kept (unreadable_request.h).
#pragma once

#include <cstdlib>
#include <functional>
#include <iostream>
#include <type_traits>

#include <google/protobuf/descriptor.h>
#include <grpcpp/grpcpp.h>

#include "services/api/arena_allocator.h"
#include "services/api/unreadable_request.h"
#include "services/app/application.h"
#include "services/log/log_fields.h"

namespace baraza::api {

template <typename Req, typename Resp>
class CheckedUnaryHandler final : public grpc::internal::MethodHandler {
 public:
  using Reactor = std::function<grpc::ServerUnaryReactor*(grpc::CallbackServerContext*,
                                                          const Req*, Resp*)>;
  // `serve` answers a request that parsed; `refuse` one that did not, given
  // what the parser read before it stopped.
  // Calls are metered for `observer` (may be null) as its method `method`.
  // `name` (the RPC's, static) goes on the log lines written while it is served.
  CheckedUnaryHandler(const char* name, Reactor serve, Reactor refuse, RpcObserver* observer,
                      int method)
      : name_(name), arenas_(observer, method), serve_(std::move(serve)),
        refuse_(std::move(refuse)) {
    serve_.SetMessageAllocator(&arenas_);
  }

  void* Deserialize(grpc_call* call, grpc_byte_buffer* req, grpc::Status* status,
                    void** handler_data) override {
    return serve_.Deserialize(call, req, status, handler_data);
  }

  void RunHandler(const HandlerParameter& param) override {
    log::ScopedLogFields fields(log::WithRpc(name_));
    // The messages are allocated before the parse, so they exist when it failed.
    if (param.status.ok() || param.internal_data == nullptr) return serve_.RunHandler(param);
    refuse_.RunHandler(HandlerParameter(param.call, param.server_context, param.request,
                                        grpc::Status::OK, param.internal_data,
                                        param.call_requester));
  }

 private:
  const char* name_;
  ArenaAllocator<Req, Resp> arenas_;
  grpc::internal::CallbackUnaryHandler<Req, Resp> serve_;
  grpc::internal::CallbackUnaryHandler<Req, Resp> refuse_;
};

// A generated CallbackService (of the RPC service `Rpc`, e.g. v1::CaseService)
// whose unary RPCs the subclass serves with Serve(), each named once.
template <typename Rpc>
class CheckedService : public Rpc::CallbackService {
 protected:
  // Serves the RPC `name` with `method` through a CheckedUnaryHandler.
  template <typename Self, typename Req, typename Resp>
  void Serve(Application& app, const char* name,
             grpc::ServerUnaryReactor* (Self::*method)(grpc::CallbackServerContext*, const Req*,
                                                       Resp*)) {
    Self* self = static_cast<Self*>(this);
    RpcObserver* observer = CurrentRpcObserver();
    const int metered = observer ? observer->AddMethod(Rpc::service_full_name(), name) : 0;
    this->MarkMethodCallback(
        IndexOf(name, Req::descriptor(), Resp::descriptor()),
        new CheckedUnaryHandler<Req, Resp>(
            name,
            [self, method](grpc::CallbackServerContext* ctx, const Req* req, Resp* resp) {
              return (self->*method)(ctx, req, resp);
            },
            [&app, name](grpc::CallbackServerContext* ctx, const Req* partial, Resp*) {
              return RefuseUnreadable(app, name, ctx, *partial);
            },
            observer, metered));
  }

 private:
  // The generated code numbers a service's methods in the order of the proto,
  // as its descriptor does. A name or types that do not match are a mistake in
  // the code, found when barazad builds its services, before it serves.
  static int IndexOf(const char* name, const google::protobuf::Descriptor* req,
                     const google::protobuf::Descriptor* resp) {
    const auto* service = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
        Rpc::service_full_name());
    const auto* m = service ? service->FindMethodByName(name) : nullptr;
    if (!m || m->input_type() != req || m->output_type() != resp || m->client_streaming() ||
        m->server_streaming()) {
      std::cerr << "barazad: " << Rpc::service_full_name() << " has no unary RPC " << name
                << " taking " << req->full_name() << " and returning " << resp->full_name()
                << std::endl;
      std::abort();
    }
    return m->index();
  }
};

}  // namespace baraza::api

// Serves the RPC named as this class's method `Method` (in a service constructor).
#define BARAZA_SERVE(Method) \
  Serve(app_, #Method, &std::remove_cvref_t<decltype(*this)>::Method)

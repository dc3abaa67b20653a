// What every gRPC handler of barazad shares: authentication with logged
// refusals, the access check, finishing a call with a Status or a result. Thread-safe.
#pragma once

#include <charconv>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "services/api/access_policy.h"
#include "services/api/call_meter.h"
#include "services/log/log_fields.h"
#include "services/api/convert.h"
#include "services/api/grpc_status.h"
#include "services/net/auth_throttle.h"
#include "services/net/refusal_log.h"
#include "services/app/application.h"
#include "services/auth/tokens.h"

namespace baraza::api {

using grpc::CallbackServerContext;
using grpc::ServerUnaryReactor;

// The bearer token of the call, or UNAUTHENTICATED saying what is wrong with it.
inline Result<std::string> BearerOf(CallbackServerContext* ctx) {
  const auto& md = ctx->client_metadata();
  auto it = md.find("authorization");
  std::string header = it == md.end() ? std::string() : std::string(it->second.data(), it->second.size());
  return auth::ParseBearer(header);
}

// The language a call asks to read in: its `baraza-language` metadata ("" if none;
// at most 64 bytes are looked at). See NoticeService in proto/baraza/v1/baraza.proto.
inline std::string RequestedLanguage(CallbackServerContext* ctx) {
  const auto& md = ctx->client_metadata();
  auto it = md.find("baraza-language");
  if (it == md.end()) return {};
  return std::string(it->second.data(), std::min<size_t>(it->second.size(), 64));
}

// One for the process: refusals are counted per peer address across all services.
inline net::RefusalLog& Refusals() {
  static net::RefusalLog log;
  return log;
}

// One for the process: addresses that keep failing authentication are slowed.
inline net::AuthThrottle& Throttle() {
  static net::AuthThrottle throttle;
  return throttle;
}

// Who is calling. Each refusal is logged (rate-limited) with the peer and the
// token's public id when the server knows the token; never the token itself.
//
// An address that keeps failing is barred for a while (net::AuthThrottle): its
// bad tokens are answered at once with RESOURCE_EXHAUSTED and a
// grpc-retry-pushback-ms trailer (and not counted again), but a valid token
// from it is still served. An address is not a person: behind one uplink,
// proxy or tunnel, a party that fed bad tokens must not lock its opponent out
// until a deadline passes. The check costs a hash and a token lookup, as any
// call does; a 256-bit token cannot be guessed, so the bar is about load and
// noise, not secrecy. Answering at once, rather than holding the refusal on a
// timer (grpc::Alarm), keeps no call, memory or timer per attempt: a held
// refusal would let a guesser's concurrency pile up open calls instead of
// slowing it. No callback thread ever sleeps.
inline Result<Actor> Authenticate(Application& app, CallbackServerContext* ctx) {
  const auto now = net::AuthThrottle::Clock::now();
  const std::string peer = ctx->peer();
  log::ScopedLogFields fields(log::WithPeer(peer));
  const auto barred = Throttle().Barred(peer, now);
  auto refuse = [&](const Status& s, const std::string& what) -> Status {
    if (barred.count() > 0) {
      ctx->AddTrailingMetadata("grpc-retry-pushback-ms", std::to_string(barred.count()));
      Refusals().Refused(peer, "barred after repeated failed authentication (" +
                                   std::to_string(barred.count()) + " ms more): " + what);
      char text[32];
      std::snprintf(text, sizeof text, "%.1f", static_cast<double>(barred.count()) / 1000.0);
      return Status::ResourceExhausted(
          std::string("too many failed authentications from your address; try again in ") +
          text + " s with a valid token");
    }
    Refusals().Refused(peer, what);
    Throttle().Failed(peer, now);
    return s;
  };
  auto token = BearerOf(ctx);
  if (!token.ok()) {
    bool none = ctx->client_metadata().count("authorization") == 0;
    return refuse(token.status(), none ? "no token" : "malformed authorization header");
  }
  auto identity = app.Identify(auth::HashToken(*token));
  const Status& s = identity.actor.status();
  if (s.code() == Code::kUnauthenticated)
    return refuse(s, identity.token_id.empty()
                         ? std::string("unknown token")
                         : "token " + identity.token_id + " (" + s.message() + ")");
  return identity.actor;
}

// Answers a unary call now with `s`, its code noted for the metrics
// (call_meter.h). Every unary answer goes through here or ReplyWith.
inline ServerUnaryReactor* Finish(CallbackServerContext* ctx, const Status& s) {
  auto* reactor = ctx->DefaultReactor();
  grpc::Status status = ToGrpcStatus(s);
  NoteCode(ctx, status.error_code());
  reactor->Finish(std::move(status));
  return reactor;
}

// A callback that packs a result with `pack` (a lambda holding the response
// pointer) and answers the call on `reactor`, its code noted for the metrics.
// Either callback it returns holds two pointers, within std::function's inline
// storage: answering later allocates nothing, metrics on or off.
template <typename Model, typename Pack>
Callback<Model> ReplyWith(CallbackServerContext* ctx, ServerUnaryReactor* reactor, Pack pack) {
  if (CallMeter* meter = MeterOf(ctx)) {
    meter->set_reactor(reactor);
    return [meter, pack](Result<Model> r) {
      if (r.ok()) pack(*r);
      meter->Finish(ToGrpcStatus(r.status()));
    };
  }
  return [reactor, pack](Result<Model> r) {
    if (r.ok()) pack(*r);
    reactor->Finish(ToGrpcStatus(r.status()));
  };
}

// Packs a model value into the response and finishes the call.
template <typename Model, typename Proto>
Callback<Model> Reply(CallbackServerContext* ctx, ServerUnaryReactor* reactor, Proto* resp) {
  return ReplyWith<Model>(ctx, reactor, [resp](const Model& m) { ToProto(m, resp); });
}

// Finishes a call with a read's result, packing it into `resp` with `pack`.
template <typename T, typename Pack>
ServerUnaryReactor* Answer(CallbackServerContext* ctx, const Result<T>& r, Pack pack) {
  if (r.ok()) pack(*r);
  return Finish(ctx, r.status());
}

inline Result<Id> ParsePageToken(const std::string& token) {
  if (token.empty()) return Id{0};
  Id v = 0;
  auto [p, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
  if (ec != std::errc() || p != token.data() + token.size() || v <= 0)
    return Status::InvalidArgument("page_token is not one this server gave out; start again "
                                   "with an empty page_token");
  return v;
}

inline Result<int> PageSize(int requested, int def, int max) {
  if (requested < 0) return Status::InvalidArgument("page_size must not be negative");
  if (requested == 0) return def;
  return std::min(requested, max);
}

// The etag a change request carries, if any.
inline std::string EtagOf(const google::protobuf::Message& req) {
  const auto* f = req.GetDescriptor()->FindFieldByName("etag");
  return f ? req.GetReflection()->GetString(req, f) : std::string();
}

// The view a change's answer asks for (a request's `view` field, where it has
// one): FULL unless BASIC is asked; INVALID_ARGUMENT for an unknown value.
inline Result<v1::CaseView> ViewOf(const google::protobuf::Message& req) {
  const auto* f = req.GetDescriptor()->FindFieldByName("view");
  if (!f) return v1::CASE_VIEW_FULL;
  const int view = req.GetReflection()->GetEnumValue(req, f);
  if (!v1::CaseView_IsValid(view))
    return Status::InvalidArgument("view is not a known value (" + std::to_string(view) +
                                   "); use CASE_VIEW_BASIC or CASE_VIEW_FULL");
  return view == v1::CASE_VIEW_BASIC ? v1::CASE_VIEW_BASIC : v1::CASE_VIEW_FULL;
}

inline Status RequireId(Id id, const char* field) {
  if (id <= 0) return Status::InvalidArgument(std::string(field) + " is required (a positive id)");
  return Status::Ok();
}

}  // namespace baraza::api


// Authenticates the call and checks the access policy for this handler's RPC
// (handlers are named as their RPCs).
#define BARAZA_AUTHENTICATE(actor)                 \
  auto actor = Authenticate(app_, ctx);            \
  if (!actor.ok()) return Finish(ctx, actor.status()); \
  BARAZA_CHECK(Authorize(*actor, __func__))

#define BARAZA_CHECK(expr)                         \
  do {                                             \
    ::baraza::Status _s = (expr);                  \
    if (!_s.ok()) return Finish(ctx, _s);          \
  } while (0)

#define BARAZA_ASSIGN(var, expr)                   \
  auto var##_r = (expr);                           \
  if (!var##_r.ok()) return Finish(ctx, var##_r.status()); \
  auto var = std::move(var##_r).value()


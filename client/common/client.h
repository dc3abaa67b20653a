// BarazaClient: the one client library the role CLIs and the end-to-end tests
// use to talk to barazad — a channel, the token on every call, a deadline on
// every call. Calls are thread-safe; one instance per server.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "baraza/v1/baraza.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace baraza::client {

struct ClientOptions {
  std::string server = "127.0.0.1:50051";
  std::string token;  // bearer token; empty sends none
  // The deadline of one call, retries included.
  std::chrono::milliseconds timeout{10000};
  // How often a call that met UNAVAILABLE is tried again, with backoff. Only
  // calls that are safe to repeat are retried: reads, and changes that carry a
  // request_id (which the client sets when the caller left it empty).
  int retries = 4;
  // TLS: when tls_root_pem is set the channel is TLS and the server's
  // certificate must chain to it; a client certificate (PEM) is sent when given.
  std::string tls_root_pem, tls_cert_pem, tls_key_pem;
  // The language the server renders notices in for this client (metadata
  // `baraza-language` on every call); empty sends none (the reader's own, else English).
  std::string language;
};

// A fresh request_id: 128 random bits in hex.
std::string NewRequestId();

class BarazaClient {
 public:
  explicit BarazaClient(ClientOptions options);

  // Waits until the server reports SERVING on the health service, or `wait` passes.
  bool WaitUntilServing(std::chrono::milliseconds wait);

  // A context carrying the token and the call deadline.
  std::unique_ptr<grpc::ClientContext> Context(bool with_deadline = true) const;

#define BARAZA_RPC(Service, Method, Req, Resp)                                 \
  grpc::Status Method(const v1::Req& req, v1::Resp* resp) {                    \
    return Call(req, resp, [this](grpc::ClientContext* ctx, const v1::Req& r,  \
                                  v1::Resp* out) {                             \
      return Service##_->Method(ctx, r, out);                                  \
    });                                                                        \
  }
  BARAZA_RPC(groups, CreateContactGroup, CreateContactGroupRequest, ContactGroup)
  BARAZA_RPC(groups, GetContactGroup, GetContactGroupRequest, ContactGroup)
  BARAZA_RPC(groups, ListContactGroups, ListContactGroupsRequest, ListContactGroupsResponse)
  BARAZA_RPC(groups, AddParty, AddPartyRequest, Party)
  BARAZA_RPC(groups, RegisterLiaison, RegisterLiaisonRequest, RegisterLiaisonResponse)
  BARAZA_RPC(groups, GetParticipationRecord, GetParticipationRecordRequest, ParticipationRecord)
  BARAZA_RPC(access, WhoAmI, WhoAmIRequest, WhoAmIResponse)
  BARAZA_RPC(access, RegisterCommander, RegisterCommanderRequest, RegisterCommanderResponse)
  BARAZA_RPC(access, SetLanguage, SetLanguageRequest, SetLanguageResponse)
  BARAZA_RPC(access, RegisterObserver, RegisterObserverRequest, RegisterObserverResponse)
  BARAZA_RPC(access, ListTokens, ListTokensRequest, ListTokensResponse)
  BARAZA_RPC(access, RevokeToken, RevokeTokenRequest, TokenInfo)
  BARAZA_RPC(cases, FileDispute, FileDisputeRequest, Case)
  BARAZA_RPC(cases, GetCase, GetCaseRequest, Case)
  BARAZA_RPC(cases, ListCases, ListCasesRequest, ListCasesResponse)
  BARAZA_RPC(cases, RespondToNotice, RespondToNoticeRequest, Case)
  BARAZA_RPC(cases, RequestExtension, RequestExtensionRequest, Case)
  BARAZA_RPC(cases, GrantExtension, GrantExtensionRequest, Case)
  BARAZA_RPC(cases, GrantCapacitySupport, GrantCapacitySupportRequest, Case)
  BARAZA_RPC(cases, RecordSettlement, RecordSettlementRequest, Case)
  BARAZA_RPC(cases, RecordMissionDecision, RecordMissionDecisionRequest, Case)
  BARAZA_RPC(cases, WithdrawCase, WithdrawCaseRequest, Case)
  BARAZA_RPC(cases, CloseCase, CloseCaseRequest, Case)
  BARAZA_RPC(cases, ListCaseEvents, ListCaseEventsRequest, ListCaseEventsResponse)
  BARAZA_RPC(cases, FileContemplatedAction, FileContemplatedActionRequest, Case)
  BARAZA_RPC(cases, LogEmergencyAction, LogEmergencyActionRequest, Case)
  BARAZA_RPC(cases, ExplainAction, ExplainActionRequest, Case)
  BARAZA_RPC(cases, AppealAction, AppealActionRequest, Case)
  BARAZA_RPC(cases, AnswerAppeal, AnswerAppealRequest, Case)
  BARAZA_RPC(cases, RuleOnAppeal, RuleOnAppealRequest, Case)
  BARAZA_RPC(notices, ListNotices, ListNoticesRequest, ListNoticesResponse)
  BARAZA_RPC(reports, PublishReport, PublishReportRequest, Report)
  BARAZA_RPC(reports, GetReport, GetReportRequest, Report)
  BARAZA_RPC(reports, ListReports, ListReportsRequest, ListReportsResponse)
  BARAZA_RPC(outreach, AddContactPoint, AddContactPointRequest, ContactPoint)
  BARAZA_RPC(outreach, ListContactPoints, ListContactPointsRequest, ListContactPointsResponse)
  BARAZA_RPC(outreach, RemoveContactPoint, RemoveContactPointRequest, ContactPoint)
  BARAZA_RPC(outreach, AcknowledgeNotice, AcknowledgeNoticeRequest, Notice)
  BARAZA_RPC(outreach, ListDeliveries, ListDeliveriesRequest, ListDeliveriesResponse)
#undef BARAZA_RPC

  // Opens a notice stream; `ctx` (from Context(false)) must outlive the reader.
  std::unique_ptr<grpc::ClientReader<v1::Notice>> WatchNotices(grpc::ClientContext* ctx,
                                                               const v1::WatchNoticesRequest& req);

 private:
  // Sets a request_id when the request has an empty one, then calls, retrying
  // UNAVAILABLE with backoff while the call is safe to repeat and time is left.
  template <typename Req, typename Resp, typename Fn>
  grpc::Status Call(const Req& req, Resp* resp, Fn call) {
    Req sent = req;
    // Text that is not UTF-8 cannot be sent as a proto3 string; say which field.
    if (std::string field = FirstInvalidUtf8(sent); !field.empty())
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          field + " is not valid UTF-8 text; nothing was sent");
    bool repeatable = PrepareForRetries(&sent);
    auto deadline = std::chrono::system_clock::now() + options_.timeout;
    grpc::Status status;
    for (int attempt = 0;; ++attempt) {  // bounded by options_.retries
      grpc::ClientContext ctx;
      AddMetadata(ctx);
      ctx.set_deadline(deadline);
      status = call(&ctx, sent, resp);
      if (status.error_code() != grpc::StatusCode::UNAVAILABLE || !repeatable ||
          attempt >= options_.retries || !Backoff(attempt, deadline))
        return status;
    }
  }
  // Who calls (the bearer token) and the language asked for, on every call.
  void AddMetadata(grpc::ClientContext& ctx) const;
  // The name of the first string field (nested ones too) that is not UTF-8, or "".
  static std::string FirstInvalidUtf8(const google::protobuf::Message& m);
  // Fills in request_id; returns whether the request may be sent again.
  static bool PrepareForRetries(google::protobuf::Message* req);
  // Sleeps before attempt `attempt` + 1; false if the deadline would pass first.
  static bool Backoff(int attempt, std::chrono::system_clock::time_point deadline);

  ClientOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::ContactGroupService::Stub> groups_;
  std::unique_ptr<v1::AccessService::Stub> access_;
  std::unique_ptr<v1::CaseService::Stub> cases_;
  std::unique_ptr<v1::NoticeService::Stub> notices_;
  std::unique_ptr<v1::ReportService::Stub> reports_;
  std::unique_ptr<v1::OutreachService::Stub> outreach_;
  std::unique_ptr<grpc::health::v1::Health::Stub> health_;
};

}  // namespace baraza::client

// The gRPC services of barazad (callback API). Each handler authenticates,
// checks the request's shape, calls one Application operation and packs the
// answer; writes finish their reactor when the store has committed, so no
// callback thread waits on the disk. The constructors (service_setup.cc) serve
// every unary RPC through CheckedUnaryHandler (checked_unary.h). Thread-safe.
#pragma once

#include <memory>
#include <vector>

#include "baraza/v1/baraza.grpc.pb.h"
#include "services/api/checked_unary.h"
#include "services/api/notice_watcher.h"
#include "services/app/application.h"

namespace baraza::api {

class ContactGroupServiceImpl final : public CheckedService<v1::ContactGroupService> {
 public:
  explicit ContactGroupServiceImpl(Application& app);
  grpc::ServerUnaryReactor* CreateContactGroup(grpc::CallbackServerContext* ctx,
                                               const v1::CreateContactGroupRequest* req,
                                               v1::ContactGroup* resp) override;
  grpc::ServerUnaryReactor* GetContactGroup(grpc::CallbackServerContext* ctx,
                                            const v1::GetContactGroupRequest* req,
                                            v1::ContactGroup* resp) override;
  grpc::ServerUnaryReactor* ListContactGroups(grpc::CallbackServerContext* ctx,
                                              const v1::ListContactGroupsRequest* req,
                                              v1::ListContactGroupsResponse* resp) override;
  grpc::ServerUnaryReactor* AddParty(grpc::CallbackServerContext* ctx,
                                     const v1::AddPartyRequest* req, v1::Party* resp) override;
  grpc::ServerUnaryReactor* RegisterLiaison(grpc::CallbackServerContext* ctx,
                                            const v1::RegisterLiaisonRequest* req,
                                            v1::RegisterLiaisonResponse* resp) override;
  grpc::ServerUnaryReactor* GetParticipationRecord(grpc::CallbackServerContext* ctx,
                                                   const v1::GetParticipationRecordRequest* req,
                                                   v1::ParticipationRecord* resp) override;

 private:
  Application& app_;
};

class AccessServiceImpl final : public CheckedService<v1::AccessService> {
 public:
  explicit AccessServiceImpl(Application& app);
  grpc::ServerUnaryReactor* WhoAmI(grpc::CallbackServerContext* ctx, const v1::WhoAmIRequest* req,
                                   v1::WhoAmIResponse* resp) override;
  grpc::ServerUnaryReactor* RegisterCommander(grpc::CallbackServerContext* ctx,
                                              const v1::RegisterCommanderRequest* req,
                                              v1::RegisterCommanderResponse* resp) override;
  grpc::ServerUnaryReactor* SetLanguage(grpc::CallbackServerContext* ctx,
                                        const v1::SetLanguageRequest* req,
                                        v1::SetLanguageResponse* resp) override;
  grpc::ServerUnaryReactor* RegisterObserver(grpc::CallbackServerContext* ctx,
                                             const v1::RegisterObserverRequest* req,
                                             v1::RegisterObserverResponse* resp) override;
  grpc::ServerUnaryReactor* ListTokens(grpc::CallbackServerContext* ctx,
                                       const v1::ListTokensRequest* req,
                                       v1::ListTokensResponse* resp) override;
  grpc::ServerUnaryReactor* RevokeToken(grpc::CallbackServerContext* ctx,
                                        const v1::RevokeTokenRequest* req,
                                        v1::TokenInfo* resp) override;

 private:
  Application& app_;
};

class CaseServiceImpl final : public CheckedService<v1::CaseService> {
 public:
  explicit CaseServiceImpl(Application& app);
  grpc::ServerUnaryReactor* FileDispute(grpc::CallbackServerContext* ctx,
                                        const v1::FileDisputeRequest* req, v1::Case* resp) override;
  grpc::ServerUnaryReactor* GetCase(grpc::CallbackServerContext* ctx,
                                    const v1::GetCaseRequest* req, v1::Case* resp) override;
  grpc::ServerUnaryReactor* ListCases(grpc::CallbackServerContext* ctx,
                                      const v1::ListCasesRequest* req,
                                      v1::ListCasesResponse* resp) override;
  grpc::ServerUnaryReactor* RespondToNotice(grpc::CallbackServerContext* ctx,
                                            const v1::RespondToNoticeRequest* req,
                                            v1::Case* resp) override;
  grpc::ServerUnaryReactor* RequestExtension(grpc::CallbackServerContext* ctx,
                                             const v1::RequestExtensionRequest* req,
                                             v1::Case* resp) override;
  grpc::ServerUnaryReactor* GrantExtension(grpc::CallbackServerContext* ctx,
                                           const v1::GrantExtensionRequest* req,
                                           v1::Case* resp) override;
  grpc::ServerUnaryReactor* GrantCapacitySupport(grpc::CallbackServerContext* ctx,
                                                 const v1::GrantCapacitySupportRequest* req,
                                                 v1::Case* resp) override;
  grpc::ServerUnaryReactor* RecordSettlement(grpc::CallbackServerContext* ctx,
                                             const v1::RecordSettlementRequest* req,
                                             v1::Case* resp) override;
  grpc::ServerUnaryReactor* RecordMissionDecision(grpc::CallbackServerContext* ctx,
                                                  const v1::RecordMissionDecisionRequest* req,
                                                  v1::Case* resp) override;
  grpc::ServerUnaryReactor* WithdrawCase(grpc::CallbackServerContext* ctx,
                                         const v1::WithdrawCaseRequest* req, v1::Case* resp) override;
  grpc::ServerUnaryReactor* CloseCase(grpc::CallbackServerContext* ctx,
                                      const v1::CloseCaseRequest* req, v1::Case* resp) override;
  grpc::ServerUnaryReactor* ListCaseEvents(grpc::CallbackServerContext* ctx,
                                           const v1::ListCaseEventsRequest* req,
                                           v1::ListCaseEventsResponse* resp) override;
  grpc::ServerUnaryReactor* FileContemplatedAction(grpc::CallbackServerContext* ctx,
                                                   const v1::FileContemplatedActionRequest* req,
                                                   v1::Case* resp) override;
  grpc::ServerUnaryReactor* LogEmergencyAction(grpc::CallbackServerContext* ctx,
                                               const v1::LogEmergencyActionRequest* req,
                                               v1::Case* resp) override;
  grpc::ServerUnaryReactor* ExplainAction(grpc::CallbackServerContext* ctx,
                                          const v1::ExplainActionRequest* req,
                                          v1::Case* resp) override;
  grpc::ServerUnaryReactor* AppealAction(grpc::CallbackServerContext* ctx,
                                         const v1::AppealActionRequest* req,
                                         v1::Case* resp) override;
  grpc::ServerUnaryReactor* AnswerAppeal(grpc::CallbackServerContext* ctx,
                                         const v1::AnswerAppealRequest* req,
                                         v1::Case* resp) override;
  grpc::ServerUnaryReactor* RuleOnAppeal(grpc::CallbackServerContext* ctx,
                                         const v1::RuleOnAppealRequest* req,
                                         v1::Case* resp) override;

 private:
  // A change of one case, keyed by the request's request_id and checked against its etag.
  grpc::ServerUnaryReactor* Change(grpc::CallbackServerContext* ctx, const Actor& actor,
                                   const google::protobuf::Message& req, Id case_id,
                                   Application::CaseCommand command, v1::Case* resp);
  // A new case in a group, keyed by the request's request_id.
  grpc::ServerUnaryReactor* Open(grpc::CallbackServerContext* ctx, const Actor& actor,
                                 const google::protobuf::Message& req, Id group_id,
                                 Application::CaseFactory make, v1::Case* resp);
  Application& app_;
};

class ReportServiceImpl final : public CheckedService<v1::ReportService> {
 public:
  explicit ReportServiceImpl(Application& app);
  grpc::ServerUnaryReactor* PublishReport(grpc::CallbackServerContext* ctx,
                                          const v1::PublishReportRequest* req,
                                          v1::Report* resp) override;
  grpc::ServerUnaryReactor* GetReport(grpc::CallbackServerContext* ctx,
                                      const v1::GetReportRequest* req, v1::Report* resp) override;
  grpc::ServerUnaryReactor* ListReports(grpc::CallbackServerContext* ctx,
                                        const v1::ListReportsRequest* req,
                                        v1::ListReportsResponse* resp) override;

 private:
  // A report as every reply gives it: rendered in `language` (the reader's).
  void PackReport(const Report& r, const std::string& language, v1::Report* out);
  Application& app_;
};

class NoticeServiceImpl final : public CheckedService<v1::NoticeService> {
 public:
  NoticeServiceImpl(Application& app, NoticeHub& hub);
  grpc::ServerUnaryReactor* ListNotices(grpc::CallbackServerContext* ctx,
                                        const v1::ListNoticesRequest* req,
                                        v1::ListNoticesResponse* resp) override;
  grpc::ServerWriteReactor<v1::Notice>* WatchNotices(grpc::CallbackServerContext* ctx,
                                                     const v1::WatchNoticesRequest* req) override;

 private:
  Application& app_;
  NoticeHub& hub_;
  StreamGuard guard_;  // ends streams whose token was revoked or expired
};

}  // namespace baraza::api

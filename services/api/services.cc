#include "services/api/services.h"

#include <charconv>

#include <google/protobuf/util/time_util.h>

#include "services/api/handler_support.h"
#include "services/api/convert.h"
#include "services/api/request_key.h"
#include "services/workflow/emergency_machine.h"
#include "services/api/grpc_status.h"
#include "services/auth/tokens.h"

namespace baraza::api {

// ----------------------------------------------------------------- groups ---

ServerUnaryReactor* ContactGroupServiceImpl::CreateContactGroup(
    CallbackServerContext* ctx, const v1::CreateContactGroupRequest* req, v1::ContactGroup* resp) {
  BARAZA_AUTHENTICATE(actor);
  BARAZA_ASSIGN(kind, FromProto(req->kind(), "kind"));
  ContactGroup g;
  g.name = req->name();
  g.purpose = req->purpose();
  g.kind = kind;
  if (req->has_appeal_window()) g.appeal_window = FromDuration(req->appeal_window());
  g.time_zone = req->time_zone();
  BARAZA_ASSIGN(key, KeyOf(*req));
  auto* reactor = ctx->DefaultReactor();
  app_.CreateContactGroup(*actor, g, Reply<ContactGroup>(ctx, reactor, resp), key);
  return reactor;
}

ServerUnaryReactor* ContactGroupServiceImpl::GetContactGroup(
    CallbackServerContext* ctx, const v1::GetContactGroupRequest* req, v1::ContactGroup* resp) {
  BARAZA_AUTHENTICATE(actor);
  BARAZA_CHECK(RequireId(req->group_id(), "group_id"));
  return Answer(ctx, app_.GetContactGroup(*actor, req->group_id()),
                [resp](const ContactGroup& g) { ToProto(g, resp); });
}

ServerUnaryReactor* ContactGroupServiceImpl::ListContactGroups(
    CallbackServerContext* ctx, const v1::ListContactGroupsRequest* req,
    v1::ListContactGroupsResponse* resp) {
  BARAZA_AUTHENTICATE(actor);
  BARAZA_ASSIGN(after, ParsePageToken(req->page_token()));
  BARAZA_ASSIGN(size, PageSize(req->page_size(), 50, 500));
  return Answer(ctx, app_.ListContactGroups(*actor, after, size),
                [resp, size](const std::vector<ContactGroup>& groups) {
                  for (const auto& g : groups) ToProto(g, resp->add_groups());
                  if (static_cast<int>(groups.size()) == size)
                    resp->set_next_page_token(std::to_string(groups.back().id));
                });
}

ServerUnaryReactor* ContactGroupServiceImpl::AddParty(CallbackServerContext* ctx,
                                                      const v1::AddPartyRequest* req,
                                                      v1::Party* resp) {
  BARAZA_AUTHENTICATE(actor);
  BARAZA_CHECK(RequireId(req->group_id(), "group_id"));
  BARAZA_ASSIGN(category, FromProto(req->category(), "category"));
  Party p;
  p.group_id = req->group_id();
  p.name = req->name();
  p.category = category;
  BARAZA_ASSIGN(key, KeyOf(*req));
  auto* reactor = ctx->DefaultReactor();
  app_.AddParty(*actor, p, Reply<Party>(ctx, reactor, resp), key);
  return reactor;
}

ServerUnaryReactor* ContactGroupServiceImpl::RegisterLiaison(
    CallbackServerContext* ctx, const v1::RegisterLiaisonRequest* req,
    v1::RegisterLiaisonResponse* resp) {
  BARAZA_AUTHENTICATE(actor);
  BARAZA_CHECK(RequireId(req->party_id(), "party_id"));
  auto* reactor = ctx->DefaultReactor();
  app_.RegisterLiaison(*actor, req->party_id(), req->name(),
                       ReplyWith<RegisteredLiaison>(ctx, reactor,
                                                    [resp](const RegisteredLiaison& r) {
                                                      ToProto(r.liaison, resp->mutable_liaison());
                                                      resp->set_token(r.token);
                                                    }),
                       FromDuration(req->token_ttl()), req->language());
  return reactor;
}

ServerUnaryReactor* ContactGroupServiceImpl::GetParticipationRecord(
    CallbackServerContext* ctx, const v1::GetParticipationRecordRequest* req,
    v1::ParticipationRecord* resp) {
  BARAZA_AUTHENTICATE(actor);
  BARAZA_CHECK(RequireId(req->party_id(), "party_id"));
  return Answer(ctx, app_.GetParticipationRecord(*actor, req->party_id()),
                [resp](const workflow::ParticipationRecord& r) { ToProto(r, resp); });
}

// ----------------------------------------------------------------- access ---

ServerUnaryReactor* AccessServiceImpl::WhoAmI(CallbackServerContext* ctx, const v1::WhoAmIRequest*,
                                              v1::WhoAmIResponse* resp) {
  BARAZA_AUTHENTICATE(actor);
  resp->set_role(static_cast<v1::Role>(actor->role));
  resp->set_subject(actor->Label());
  resp->set_party_id(actor->party_id);
  resp->set_group_id(actor->group_id);
  return Finish(ctx, Status::Ok());
}

ServerUnaryReactor* AccessServiceImpl::RegisterCommander(CallbackServerContext* ctx,
                                                         const v1::RegisterCommanderRequest* req,
                                                         v1::RegisterCommanderResponse* resp) {
  BARAZA_AUTHENTICATE(actor);
  auto* reactor = ctx->DefaultReactor();
  app_.RegisterCommander(
      *actor, req->name(),
      ReplyWith<RegisteredCommander>(ctx, reactor,
                                     [resp](const RegisteredCommander& r) {
                                       ToProto(r.commander, resp->mutable_commander());
                                       resp->set_token(r.token);
                                     }),
      FromDuration(req->token_ttl()), req->language());
  return reactor;
}

ServerUnaryReactor* AccessServiceImpl::SetLanguage(CallbackServerContext* ctx,
                                                   const v1::SetLanguageRequest* req,
                                                   v1::SetLanguageResponse* resp) {
  BARAZA_AUTHENTICATE(actor);
  auto* reactor = ctx->DefaultReactor();
  app_.SetLanguage(*actor, req->liaison_id(), req->commander_id(), req->language(),
                   ReplyWith<std::string>(ctx, reactor, [this, resp](const std::string& language) {
                     resp->set_language(language);
                     resp->set_rendered_in(app_.texts().Resolve(language));
                   }));
  return reactor;
}

ServerUnaryReactor* AccessServiceImpl::RegisterObserver(CallbackServerContext* ctx,
                                                        const v1::RegisterObserverRequest* req,
                                                        v1::RegisterObserverResponse* resp) {
  BARAZA_AUTHENTICATE(actor);
  auto* reactor = ctx->DefaultReactor();
  app_.RegisterObserver(
      *actor, req->name(),
      ReplyWith<RegisteredObserver>(ctx, reactor,
                                    [resp](const RegisteredObserver& r) {
                                      ToProto(r.record, resp->mutable_token_info());
                                      resp->set_token(r.token);
                                    }),
      FromDuration(req->token_ttl()));
  return reactor;
}

ServerUnaryReactor* AccessServiceImpl::ListTokens(CallbackServerContext* ctx,
                                                  const v1::ListTokensRequest*,
                                                  v1::ListTokensResponse* resp) {
  BARAZA_AUTHENTICATE(actor);
  return Answer(ctx, app_.ListTokens(*actor), [resp](const std::vector<TokenRecord>& tokens) {
    for (const auto& t : tokens) ToProto(t, resp->add_tokens());
  });
}

ServerUnaryReactor* AccessServiceImpl::RevokeToken(CallbackServerContext* ctx,
                                                   const v1::RevokeTokenRequest* req,
                                                   v1::TokenInfo* resp) {
  BARAZA_AUTHENTICATE(actor);
  BARAZA_ASSIGN(key, KeyOf(*req));
  auto* reactor = ctx->DefaultReactor();
  app_.RevokeToken(*actor, req->token_id(), Reply<TokenRecord>(ctx, reactor, resp), key);
  return reactor;
}

// ------------------------------------------------------------------ cases ---

ServerUnaryReactor* CaseServiceImpl::Change(CallbackServerContext* ctx, const Actor& actor,
                                            const google::protobuf::Message& req, Id case_id,
                                            Application::CaseCommand command, v1::Case* resp) {
  BARAZA_CHECK(RequireId(case_id, "case_id"));
  BARAZA_ASSIGN(key, KeyOf(req));
  BARAZA_ASSIGN(view, ViewOf(req));
  auto* reactor = ctx->DefaultReactor();
  app_.ChangeCase(actor, case_id, std::move(command),
                  ReplyWith<CaseRef>(ctx, reactor,
                                     [resp, view](const CaseRef& c) { ToProto(*c, resp, view); }),
                  key, EtagOf(req));
  return reactor;
}

namespace {

// The parts a dispute and a contemplated action share.
Result<workflow::DisputeFiling> Filing(Id group_id, const std::string& title,
                                       const std::string& description,
                                       const google::protobuf::RepeatedField<int>& standards,
                                       v1::OperationalDimension dimension,
                                       const google::protobuf::RepeatedField<int64_t>& parties,
                                       bool has_window, const google::protobuf::Duration& window) {
  BARAZA_RETURN_IF_ERROR(RequireId(group_id, "group_id"));
  auto dim = FromProto(dimension, "dimension");
  if (!dim.ok()) return dim.status();
  workflow::DisputeFiling f;
  f.group_id = group_id;
  f.title = title;
  f.description = description;
  for (int s : standards) {
    auto standard = FromProto(static_cast<v1::Standard>(s), "standards");
    if (!standard.ok()) return standard.status();
    f.standards.push_back(*standard);
  }
  f.dimension = *dim;
  f.respondent_party_ids.assign(parties.begin(), parties.end());
  if (!has_window)
    return Status::InvalidArgument("window is required (the length of each party's negotiation "
                                   "window)");
  f.window = FromDuration(window);
  return f;
}

}  // namespace

ServerUnaryReactor* CaseServiceImpl::Open(CallbackServerContext* ctx, const Actor& actor,
                                          const google::protobuf::Message& req, Id group_id,
                                          Application::CaseFactory make, v1::Case* resp) {
  BARAZA_ASSIGN(key, KeyOf(req));
  auto* reactor = ctx->DefaultReactor();
  app_.OpenCase(actor, group_id, std::move(make), Reply<Case>(ctx, reactor, resp), key);
  return reactor;
}

ServerUnaryReactor* CaseServiceImpl::FileDispute(CallbackServerContext* ctx,
                                                 const v1::FileDisputeRequest* req, v1::Case* resp) {
  BARAZA_AUTHENTICATE(actor);
  BARAZA_ASSIGN(f, Filing(req->group_id(), req->title(), req->description(), req->standards(),
                          req->dimension(), req->respondent_party_ids(), req->has_window(),
                          req->window()));
  f.filed_by_party_id = req->filed_by_party_id();
  BARAZA_ASSIGN(key, KeyOf(*req));
  auto* reactor = ctx->DefaultReactor();
  app_.FileDispute(*actor, f, Reply<Case>(ctx, reactor, resp), key);
  return reactor;
}

ServerUnaryReactor* CaseServiceImpl::FileContemplatedAction(
    CallbackServerContext* ctx, const v1::FileContemplatedActionRequest* req, v1::Case* resp) {
  BARAZA_AUTHENTICATE(actor);
  BARAZA_ASSIGN(f, Filing(req->group_id(), req->title(), req->description(), req->standards(),
                          req->dimension(), req->target_party_ids(), req->has_window(),
                          req->window()));
  return Open(ctx, *actor, *req, f.group_id,
              [f](Id id, const ContactGroup& g, const Actor& a, UnixMillis now) {
                return workflow::FileContemplatedAction(id, f, g, a, now);
              },
              resp);
}

ServerUnaryReactor* CaseServiceImpl::LogEmergencyAction(
    CallbackServerContext* ctx, const v1::LogEmergencyActionRequest* req, v1::Case* resp) {
  BARAZA_AUTHENTICATE(actor);
  BARAZA_CHECK(RequireId(req->group_id(), "group_id"));
  workflow::EmergencyFiling f;
  f.group_id = req->group_id();
  f.title = req->title();
  f.description = req->description();
  if (req->dimension() != v1::OPERATIONAL_DIMENSION_UNSPECIFIED) {
    BARAZA_ASSIGN(dimension, FromProto(req->dimension(), "dimension"));
    f.dimension = dimension;
  }
  f.affected_party_ids.assign(req->affected_party_ids().begin(), req->affected_party_ids().end());
  const auto& a = req->action();
  if (a.has_occurred_at())
    f.action.occurred_at = google::protobuf::util::TimeUtil::TimestampToMilliseconds(a.occurred_at());
  f.action.location = a.location();
  f.action.threat = a.threat();
  f.action.narrowness = a.narrowness();
  return Open(ctx, *actor, *req, f.group_id,
              [f](Id id, const ContactGroup& g, const Actor& who, UnixMillis now) {
                return workflow::LogEmergencyAction(id, f, g, who, now);
              },
              resp);
}

ServerUnaryReactor* CaseServiceImpl::ExplainAction(CallbackServerContext* ctx,
                                                   const v1::ExplainActionRequest* req,
                                                   v1::Case* resp) {
  BARAZA_AUTHENTICATE(actor);
  return Change(ctx, *actor, *req, req->case_id(),
                [text = req->text()](const Case& c, const Actor& a, UnixMillis now) {
                  return workflow::ExplainAction(c, text, a, now);
                },
                resp);
}

ServerUnaryReactor* CaseServiceImpl::AppealAction(CallbackServerContext* ctx,
                                                  const v1::AppealActionRequest* req,
                                                  v1::Case* resp) {
  BARAZA_AUTHENTICATE(actor);
  return Change(ctx, *actor, *req, req->case_id(),
                [grounds = req->grounds(), remedy = req->requested_remedy()](
                    const Case& c, const Actor& a, UnixMillis now) {
                  return workflow::FileAppeal(c, grounds, remedy, a, now);
                },
                resp);
}

ServerUnaryReactor* CaseServiceImpl::AnswerAppeal(CallbackServerContext* ctx,
                                                  const v1::AnswerAppealRequest* req,
                                                  v1::Case* resp) {
  BARAZA_AUTHENTICATE(actor);
  BARAZA_CHECK(RequireId(req->appeal_id(), "appeal_id"));
  return Change(ctx, *actor, *req, req->case_id(),
                [appeal = req->appeal_id(), text = req->text()](const Case& c, const Actor& a,
                                                                UnixMillis now) {
                  return workflow::AnswerAppeal(c, appeal, text, a, now);
                },
                resp);
}

ServerUnaryReactor* CaseServiceImpl::RuleOnAppeal(CallbackServerContext* ctx,
                                                  const v1::RuleOnAppealRequest* req,
                                                  v1::Case* resp) {
  BARAZA_AUTHENTICATE(actor);
  BARAZA_ASSIGN(ruling, FromProto(req->ruling(), "ruling"));
  return Change(ctx, *actor, *req, req->case_id(),
                [ruling, reasons = req->reasons(), remedy = req->remedy()](
                    const Case& c, const Actor& a, UnixMillis now) {
                  return workflow::RuleOnAppeal(c, ruling, reasons, remedy, a, now);
                },
                resp);
}

ServerUnaryReactor* CaseServiceImpl::GetCase(CallbackServerContext* ctx,
                                             const v1::GetCaseRequest* req, v1::Case* resp) {
  BARAZA_AUTHENTICATE(actor);
  BARAZA_CHECK(RequireId(req->case_id(), "case_id"));
  return Answer(ctx, app_.GetCase(*actor, req->case_id()), [resp](const CaseRef& c) { ToProto(*c, resp); });
}

ServerUnaryReactor* CaseServiceImpl::ListCases(CallbackServerContext* ctx,
                                               const v1::ListCasesRequest* req,
                                               v1::ListCasesResponse* resp) {
  BARAZA_AUTHENTICATE(actor);
  BARAZA_ASSIGN(before, ParsePageToken(req->page_token()));
  BARAZA_ASSIGN(size, PageSize(req->page_size(), 50, 500));
  CaseFilter filter;
  filter.group_id = req->group_id();
  filter.party_id = req->party_id();
  filter.before_id = before;
  filter.limit = size;
  if (req->state() != v1::CASE_STATE_UNSPECIFIED) {
    BARAZA_ASSIGN(state, FromProto(req->state(), "state"));
    filter.state = state;
  }
  v1::CaseView view = req->view();
  if (!v1::CaseView_IsValid(view))
    return Finish(ctx, Status::InvalidArgument("view is not a known value (" + std::to_string(view) +
                                               "); use CASE_VIEW_BASIC or CASE_VIEW_FULL"));
  return Answer(ctx, app_.ListCases(*actor, filter), [resp, size, view](const std::vector<CaseRef>& cases) {
    for (const auto& c : cases) ToProto(*c, resp->add_cases(), view);
    if (static_cast<int>(cases.size()) == size)
      resp->set_next_page_token(std::to_string(cases.back()->id));
  });
}

ServerUnaryReactor* CaseServiceImpl::RespondToNotice(CallbackServerContext* ctx,
                                                     const v1::RespondToNoticeRequest* req,
                                                     v1::Case* resp) {
  BARAZA_AUTHENTICATE(actor);
  BARAZA_ASSIGN(visibility, FromProto(req->visibility(), "visibility"));
  return Change(ctx, *actor, *req, req->case_id(),
                [position = req->position(), visibility](const Case& c, const Actor& a, UnixMillis now) {
                  return workflow::Respond(c, position, visibility, a, now);
                },
                resp);
}

ServerUnaryReactor* CaseServiceImpl::RequestExtension(CallbackServerContext* ctx,
                                                      const v1::RequestExtensionRequest* req,
                                                      v1::Case* resp) {
  BARAZA_AUTHENTICATE(actor);
  return Change(ctx, *actor, *req, req->case_id(),
                [extension = FromDuration(req->extension()), reason = req->reason()](
                    const Case& c, const Actor& a, UnixMillis now) {
                  return workflow::RequestExtension(c, extension, reason, a, now);
                },
                resp);
}

ServerUnaryReactor* CaseServiceImpl::GrantExtension(CallbackServerContext* ctx,
                                                    const v1::GrantExtensionRequest* req,
                                                    v1::Case* resp) {
  BARAZA_AUTHENTICATE(actor);
  BARAZA_CHECK(RequireId(req->party_id(), "party_id"));
  return Change(ctx, *actor, *req, req->case_id(),
                [party = req->party_id(), extension = FromDuration(req->extension()),
                 reason = req->reason()](const Case& c, const Actor& a, UnixMillis now) {
                  return workflow::GrantExtension(c, party, extension, reason, a, now);
                },
                resp);
}

ServerUnaryReactor* CaseServiceImpl::GrantCapacitySupport(
    CallbackServerContext* ctx, const v1::GrantCapacitySupportRequest* req, v1::Case* resp) {
  BARAZA_AUTHENTICATE(actor);
  BARAZA_CHECK(RequireId(req->party_id(), "party_id"));
  BARAZA_ASSIGN(kind, FromProto(req->kind(), "kind"));
  return Change(ctx, *actor, *req, req->case_id(),
                [party = req->party_id(), kind, description = req->description(),
                 extension = FromDuration(req->extension())](const Case& c, const Actor& a,
                                                             UnixMillis now) {
                  return workflow::GrantCapacitySupport(c, party, kind, description, extension, a,
                                                        now);
                },
                resp);
}

ServerUnaryReactor* CaseServiceImpl::RecordSettlement(CallbackServerContext* ctx,
                                                      const v1::RecordSettlementRequest* req,
                                                      v1::Case* resp) {
  BARAZA_AUTHENTICATE(actor);
  std::vector<Id> accepting(req->accepting_party_ids().begin(), req->accepting_party_ids().end());
  return Change(ctx, *actor, *req, req->case_id(),
                [text = req->text(), accepting](const Case& c, const Actor& a, UnixMillis now) {
                  return workflow::RecordSettlement(c, text, accepting, a, now);
                },
                resp);
}

ServerUnaryReactor* CaseServiceImpl::RecordMissionDecision(
    CallbackServerContext* ctx, const v1::RecordMissionDecisionRequest* req, v1::Case* resp) {
  BARAZA_AUTHENTICATE(actor);
  std::optional<ActionDecision> action;
  if (req->action_decision() != v1::ACTION_DECISION_UNSPECIFIED) {
    BARAZA_ASSIGN(decision, FromProto(req->action_decision(), "action_decision"));
    action = decision;
  }
  return Change(ctx, *actor, *req, req->case_id(),
                [text = req->text(), rationale = req->rationale(), action](
                    const Case& c, const Actor& a, UnixMillis now) {
                  return workflow::RecordMissionDecision(c, text, rationale, action, a, now);
                },
                resp);
}

ServerUnaryReactor* CaseServiceImpl::WithdrawCase(CallbackServerContext* ctx,
                                                  const v1::WithdrawCaseRequest* req,
                                                  v1::Case* resp) {
  BARAZA_AUTHENTICATE(actor);
  return Change(ctx, *actor, *req, req->case_id(),
                [reason = req->reason()](const Case& c, const Actor& a, UnixMillis now) {
                  return workflow::Withdraw(c, reason, a, now);
                },
                resp);
}

ServerUnaryReactor* CaseServiceImpl::CloseCase(CallbackServerContext* ctx,
                                               const v1::CloseCaseRequest* req, v1::Case* resp) {
  BARAZA_AUTHENTICATE(actor);
  return Change(ctx, *actor, *req, req->case_id(),
                [](const Case& c, const Actor& a, UnixMillis now) {
                  return workflow::Close(c, a, now);
                },
                resp);
}

ServerUnaryReactor* CaseServiceImpl::ListCaseEvents(CallbackServerContext* ctx,
                                                    const v1::ListCaseEventsRequest* req,
                                                    v1::ListCaseEventsResponse* resp) {
  BARAZA_AUTHENTICATE(actor);
  BARAZA_CHECK(RequireId(req->case_id(), "case_id"));
  std::string language = app_.texts().LanguageOf(*actor, RequestedLanguage(ctx));
  return Answer(ctx, app_.ListCaseEvents(*actor, req->case_id()),
                [this, resp, &language](const std::vector<Event>& events) {
                  for (const auto& e : events) {
                    v1::Event* out = resp->add_events();
                    ToProto(e, out);
                    i18n::Rendered text = app_.texts().EventText(e, language);
                    out->set_text(std::move(text.text));
                    out->set_language(std::move(text.language));
                  }
                });
}

// ---------------------------------------------------------------- reports ---

ServerUnaryReactor* ReportServiceImpl::PublishReport(CallbackServerContext* ctx,
                                                     const v1::PublishReportRequest* req,
                                                     v1::Report* resp) {
  BARAZA_AUTHENTICATE(actor);
  BARAZA_CHECK(RequireId(req->case_id(), "case_id"));
  if (req->corrects_report_id() < 0)
    return Finish(ctx, Status::InvalidArgument("corrects_report_id must be a report id, or 0"));
  BARAZA_ASSIGN(key, KeyOf(*req));
  auto* reactor = ctx->DefaultReactor();
  // Answered as GetReport answers it: in the reader's language.
  std::string language = app_.texts().LanguageOf(*actor, RequestedLanguage(ctx));
  app_.PublishReport(*actor, req->case_id(), req->corrects_report_id(),
                     ReplyWith<Report>(ctx, reactor,
                                       [this, resp, language](const Report& r) {
                                         PackReport(r, language, resp);
                                       }),
                     key);
  return reactor;
}

void ReportServiceImpl::PackReport(const Report& r, const std::string& language,
                                   v1::Report* out) {
  std::string rendered_in;
  ToProto(app_.texts().ReportIn(r, language, &rendered_in), out);
  out->set_language(rendered_in);
}

ServerUnaryReactor* ReportServiceImpl::GetReport(CallbackServerContext* ctx,
                                                 const v1::GetReportRequest* req,
                                                 v1::Report* resp) {
  BARAZA_AUTHENTICATE(actor);
  BARAZA_CHECK(RequireId(req->report_id(), "report_id"));
  std::string language = app_.texts().LanguageOf(*actor, RequestedLanguage(ctx));
  return Answer(ctx, app_.GetReport(*actor, req->report_id()),
                [this, resp, &language](const Report& r) { PackReport(r, language, resp); });
}

ServerUnaryReactor* ReportServiceImpl::ListReports(CallbackServerContext* ctx,
                                                   const v1::ListReportsRequest* req,
                                                   v1::ListReportsResponse* resp) {
  BARAZA_AUTHENTICATE(actor);
  if (req->group_id() < 0 || req->case_id() < 0)
    return Finish(ctx, Status::InvalidArgument("group_id and case_id must be ids, or 0 for any"));
  BARAZA_ASSIGN(before, ParsePageToken(req->page_token()));
  BARAZA_ASSIGN(size, PageSize(req->page_size(), 50, 500));
  ReportFilter filter{req->group_id(), req->case_id(), before, size};
  std::string language = app_.texts().LanguageOf(*actor, RequestedLanguage(ctx));
  return Answer(ctx, app_.ListReports(*actor, filter),
                [this, resp, size, &language](const std::vector<Report>& reports) {
                  for (const auto& r : reports) PackReport(r, language, resp->add_reports());
                  if (static_cast<int>(reports.size()) == size)
                    resp->set_next_page_token(std::to_string(reports.back().id));
                });
}

// ---------------------------------------------------------------- notices ---

ServerUnaryReactor* NoticeServiceImpl::ListNotices(CallbackServerContext* ctx,
                                                   const v1::ListNoticesRequest* req,
                                                   v1::ListNoticesResponse* resp) {
  BARAZA_AUTHENTICATE(actor);
  BARAZA_ASSIGN(size, PageSize(req->page_size(), 100, 1000));
  if (req->after_notice_id() < 0)
    return Finish(ctx, Status::InvalidArgument("after_notice_id must not be negative"));
  // One more than the page is asked for, to tell whether more follow.
  auto page = app_.ListNotices(*actor, req->party_id(), req->after_notice_id(), size + 1);
  if (page.ok()) app_.texts().Render(*page, app_.texts().LanguageOf(*actor, RequestedLanguage(ctx)));
  return Answer(ctx, page, [resp, size](const std::vector<Notice>& notices) {
    for (int i = 0; i < static_cast<int>(notices.size()) && i < size; ++i)
      ToProto(notices[static_cast<size_t>(i)], resp->add_notices());
    if (static_cast<int>(notices.size()) > size)
      resp->set_next_after_notice_id(notices[static_cast<size_t>(size) - 1].id);
  });
}

grpc::ServerWriteReactor<v1::Notice>* NoticeServiceImpl::WatchNotices(
    CallbackServerContext* ctx, const v1::WatchNoticesRequest* req) {
  auto actor = Authenticate(app_, ctx);
  if (!actor.ok()) return FailedNoticeWatch(ToGrpcStatus(actor.status()));
  if (Status s = Authorize(*actor, __func__); !s.ok()) return FailedNoticeWatch(ToGrpcStatus(s));
  if (req->after_notice_id() < 0)
    return FailedNoticeWatch(
        ToGrpcStatus(Status::InvalidArgument("after_notice_id must not be negative")));
  return StartNoticeWatch(guard_, hub_, *actor, auth::HashToken(*BearerOf(ctx)),
                          req->after_notice_id(),
                          app_.texts().LanguageOf(*actor, RequestedLanguage(ctx)));
}

}  // namespace baraza::api

// Every unary RPC of barazad, served through CheckedUnaryHandler (checked_unary.h):
// its messages on one arena, and a request that does not parse answered after
// the token, not with gRPC's bare UNIMPLEMENTED. A unary RPC missing here would
// still be served, without either; tests/security/malformed_request_test.cc
// sends every one of them a request cut short and finds it.
#include "services/api/outreach_service.h"
#include "services/api/services.h"

namespace baraza::api {

ContactGroupServiceImpl::ContactGroupServiceImpl(Application& app) : app_(app) {
  BARAZA_SERVE(CreateContactGroup);
  BARAZA_SERVE(GetContactGroup);
  BARAZA_SERVE(ListContactGroups);
  BARAZA_SERVE(AddParty);
  BARAZA_SERVE(RegisterLiaison);
  BARAZA_SERVE(GetParticipationRecord);
}

AccessServiceImpl::AccessServiceImpl(Application& app) : app_(app) {
  BARAZA_SERVE(WhoAmI);
  BARAZA_SERVE(RegisterCommander);
  BARAZA_SERVE(SetLanguage);
  BARAZA_SERVE(RegisterObserver);
  BARAZA_SERVE(ListTokens);
  BARAZA_SERVE(RevokeToken);
}

CaseServiceImpl::CaseServiceImpl(Application& app) : app_(app) {
  BARAZA_SERVE(FileDispute);
  BARAZA_SERVE(GetCase);
  BARAZA_SERVE(ListCases);
  BARAZA_SERVE(RespondToNotice);
  BARAZA_SERVE(RequestExtension);
  BARAZA_SERVE(GrantExtension);
  BARAZA_SERVE(GrantCapacitySupport);
  BARAZA_SERVE(RecordSettlement);
  BARAZA_SERVE(RecordMissionDecision);
  BARAZA_SERVE(WithdrawCase);
  BARAZA_SERVE(CloseCase);
  BARAZA_SERVE(ListCaseEvents);
  BARAZA_SERVE(FileContemplatedAction);
  BARAZA_SERVE(LogEmergencyAction);
  BARAZA_SERVE(ExplainAction);
  BARAZA_SERVE(AppealAction);
  BARAZA_SERVE(AnswerAppeal);
  BARAZA_SERVE(RuleOnAppeal);
}

ReportServiceImpl::ReportServiceImpl(Application& app) : app_(app) {
  BARAZA_SERVE(PublishReport);
  BARAZA_SERVE(GetReport);
  BARAZA_SERVE(ListReports);
}

// WatchNotices, a stream, keeps gRPC's own handler: its request holds one number.
NoticeServiceImpl::NoticeServiceImpl(Application& app, NoticeHub& hub)
    : app_(app), hub_(hub), guard_(app) {
  BARAZA_SERVE(ListNotices);
}

OutreachServiceImpl::OutreachServiceImpl(Application& app) : app_(app) {
  BARAZA_SERVE(AddContactPoint);
  BARAZA_SERVE(ListContactPoints);
  BARAZA_SERVE(RemoveContactPoint);
  BARAZA_SERVE(AcknowledgeNotice);
  BARAZA_SERVE(ListDeliveries);
}

}  // namespace baraza::api

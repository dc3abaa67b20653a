#include "services/api/outreach_service.h"

#include "services/api/handler_support.h"
#include "services/api/request_key.h"

namespace baraza::api {

ServerUnaryReactor* OutreachServiceImpl::AddContactPoint(CallbackServerContext* ctx,
                                                         const v1::AddContactPointRequest* req,
                                                         v1::ContactPoint* resp) {
  BARAZA_AUTHENTICATE(actor);
  BARAZA_CHECK(RequireId(req->liaison_id(), "liaison_id"));
  BARAZA_ASSIGN(kind, FromProto(req->kind(), "kind"));
  BARAZA_ASSIGN(key, KeyOf(*req));
  auto* reactor = ctx->DefaultReactor();
  app_.AddContactPoint(*actor, req->liaison_id(), kind, req->address(),
                       Reply<ContactPoint>(reactor, resp), key);
  return reactor;
}

ServerUnaryReactor* OutreachServiceImpl::ListContactPoints(
    CallbackServerContext* ctx, const v1::ListContactPointsRequest* req,
    v1::ListContactPointsResponse* resp) {
  BARAZA_AUTHENTICATE(actor);
  if (req->liaison_id() < 0)
    return Finish(ctx, Status::InvalidArgument("liaison_id must be an id, or 0 for your own"));
  return Answer(ctx, app_.ListContactPoints(*actor, req->liaison_id()),
                [resp](const std::vector<ContactPoint>& points) {
                  for (const auto& p : points) ToProto(p, resp->add_contact_points());
                });
}

ServerUnaryReactor* OutreachServiceImpl::RemoveContactPoint(
    CallbackServerContext* ctx, const v1::RemoveContactPointRequest* req, v1::ContactPoint* resp) {
  BARAZA_AUTHENTICATE(actor);
  BARAZA_CHECK(RequireId(req->contact_point_id(), "contact_point_id"));
  auto* reactor = ctx->DefaultReactor();
  app_.RemoveContactPoint(*actor, req->contact_point_id(), Reply<ContactPoint>(reactor, resp));
  return reactor;
}

ServerUnaryReactor* OutreachServiceImpl::AcknowledgeNotice(
    CallbackServerContext* ctx, const v1::AcknowledgeNoticeRequest* req, v1::Notice* resp) {
  BARAZA_AUTHENTICATE(actor);
  BARAZA_CHECK(RequireId(req->notice_id(), "notice_id"));
  auto* reactor = ctx->DefaultReactor();
  app_.AcknowledgeNotice(*actor, req->notice_id(), Reply<Notice>(reactor, resp));
  return reactor;
}

ServerUnaryReactor* OutreachServiceImpl::ListDeliveries(CallbackServerContext* ctx,
                                                        const v1::ListDeliveriesRequest* req,
                                                        v1::ListDeliveriesResponse* resp) {
  BARAZA_AUTHENTICATE(actor);
  BARAZA_CHECK(RequireId(req->case_id(), "case_id"));
  return Answer(ctx, app_.ListDeliveries(*actor, req->case_id()),
                [resp](const std::vector<Delivery>& deliveries) {
                  for (const auto& d : deliveries) ToProto(d, resp->add_deliveries());
                });
}

}  // namespace baraza::api

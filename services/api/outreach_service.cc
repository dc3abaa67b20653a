#include "services/api/outreach_service.h"

#include "services/api/handler_support.h"
#include "services/api/request_key.h"

namespace baraza::api {
namespace {

// Whose contact points a request names: a liaison's, a commander's or the
// mediators'. At most one; none: `otherwise` (a kObserver role when there is none).
template <typename Request>
Result<std::pair<Role, Id>> Whose(const Request& req, std::optional<Role> otherwise) {
  if (req.liaison_id() < 0) return Status::InvalidArgument("liaison_id must be an id");
  if (req.commander_id() < 0) return Status::InvalidArgument("commander_id must be an id");
  int named = (req.liaison_id() > 0) + (req.commander_id() > 0) + (req.mediators() ? 1 : 0);
  if (named > 1)
    return Status::InvalidArgument(
        "name one of liaison_id, commander_id and mediators, not several");
  if (req.liaison_id() > 0) return std::pair(Role::kLiaison, req.liaison_id());
  if (req.commander_id() > 0) return std::pair(Role::kCommander, req.commander_id());
  if (req.mediators()) return std::pair(Role::kMediator, Id{0});
  if (!otherwise)
    return Status::InvalidArgument("name whose contact point it is: liaison_id, commander_id "
                                   "or mediators");
  return std::pair(*otherwise, Id{0});
}

}  // namespace

ServerUnaryReactor* OutreachServiceImpl::AddContactPoint(CallbackServerContext* ctx,
                                                         const v1::AddContactPointRequest* req,
                                                         v1::ContactPoint* resp) {
  BARAZA_AUTHENTICATE(actor);
  BARAZA_ASSIGN(whose, Whose(*req, std::nullopt));
  BARAZA_ASSIGN(kind, FromProto(req->kind(), "kind"));
  BARAZA_ASSIGN(key, KeyOf(*req));
  ContactPoint wanted;
  wanted.role = whose.first;
  wanted.liaison_id = whose.first == Role::kLiaison ? whose.second : 0;
  wanted.commander_id = whose.first == Role::kCommander ? whose.second : 0;
  wanted.kind = kind;
  wanted.address = req->address();
  auto* reactor = ctx->DefaultReactor();
  app_.AddContactPoint(*actor, wanted, Reply<ContactPoint>(ctx, reactor, resp), key);
  return reactor;
}

ServerUnaryReactor* OutreachServiceImpl::ListContactPoints(
    CallbackServerContext* ctx, const v1::ListContactPointsRequest* req,
    v1::ListContactPointsResponse* resp) {
  BARAZA_AUTHENTICATE(actor);
  BARAZA_ASSIGN(whose, Whose(*req, actor->role));
  return Answer(ctx, app_.ListContactPoints(*actor, whose.first, whose.second),
                [resp](const std::vector<ContactPoint>& points) {
                  for (const auto& p : points) ToProto(p, resp->add_contact_points());
                });
}

ServerUnaryReactor* OutreachServiceImpl::RemoveContactPoint(
    CallbackServerContext* ctx, const v1::RemoveContactPointRequest* req, v1::ContactPoint* resp) {
  BARAZA_AUTHENTICATE(actor);
  BARAZA_CHECK(RequireId(req->contact_point_id(), "contact_point_id"));
  auto* reactor = ctx->DefaultReactor();
  app_.RemoveContactPoint(*actor, req->contact_point_id(), Reply<ContactPoint>(ctx, reactor, resp));
  return reactor;
}

ServerUnaryReactor* OutreachServiceImpl::AcknowledgeNotice(
    CallbackServerContext* ctx, const v1::AcknowledgeNoticeRequest* req, v1::Notice* resp) {
  BARAZA_AUTHENTICATE(actor);
  BARAZA_CHECK(RequireId(req->notice_id(), "notice_id"));
  auto* reactor = ctx->DefaultReactor();
  std::string language = app_.texts().LanguageOf(*actor, RequestedLanguage(ctx));
  app_.AcknowledgeNotice(*actor, req->notice_id(),
                         ReplyWith<Notice>(ctx, reactor, [this, resp, language](Notice& n) {
                           app_.texts().Render(n, language);
                           ToProto(n, resp);
                         }));
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

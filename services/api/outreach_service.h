// The gRPC OutreachService: contact points, read receipts and the outreach
// record of a case; thin handlers over the Application. Thread-safe.
#pragma once

#include "baraza/v1/baraza.grpc.pb.h"
#include "services/api/checked_unary.h"
#include "services/app/application.h"

namespace baraza::api {

class OutreachServiceImpl final : public CheckedService<v1::OutreachService> {
 public:
  explicit OutreachServiceImpl(Application& app);
  grpc::ServerUnaryReactor* AddContactPoint(grpc::CallbackServerContext* ctx,
                                            const v1::AddContactPointRequest* req,
                                            v1::ContactPoint* resp) override;
  grpc::ServerUnaryReactor* ListContactPoints(grpc::CallbackServerContext* ctx,
                                              const v1::ListContactPointsRequest* req,
                                              v1::ListContactPointsResponse* resp) override;
  grpc::ServerUnaryReactor* RemoveContactPoint(grpc::CallbackServerContext* ctx,
                                               const v1::RemoveContactPointRequest* req,
                                               v1::ContactPoint* resp) override;
  grpc::ServerUnaryReactor* AcknowledgeNotice(grpc::CallbackServerContext* ctx,
                                              const v1::AcknowledgeNoticeRequest* req,
                                              v1::Notice* resp) override;
  grpc::ServerUnaryReactor* ListDeliveries(grpc::CallbackServerContext* ctx,
                                           const v1::ListDeliveriesRequest* req,
                                           v1::ListDeliveriesResponse* resp) override;

 private:
  Application& app_;
};

}  // namespace baraza::api

#include "client/common/client.h"

#include <thread>

namespace baraza::client {

BarazaClient::BarazaClient(ClientOptions options) : options_(std::move(options)) {
  channel_ = grpc::CreateChannel(options_.server, grpc::InsecureChannelCredentials());
  groups_ = v1::ContactGroupService::NewStub(channel_);
  access_ = v1::AccessService::NewStub(channel_);
  cases_ = v1::CaseService::NewStub(channel_);
  notices_ = v1::NoticeService::NewStub(channel_);
  health_ = grpc::health::v1::Health::NewStub(channel_);
}

std::unique_ptr<grpc::ClientContext> BarazaClient::Context(bool with_deadline) const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  if (!options_.token.empty()) ctx->AddMetadata("authorization", "Bearer " + options_.token);
  if (with_deadline) ctx->set_deadline(std::chrono::system_clock::now() + options_.timeout);
  return ctx;
}

bool BarazaClient::WaitUntilServing(std::chrono::milliseconds wait) {
  auto until = std::chrono::steady_clock::now() + wait;
  while (std::chrono::steady_clock::now() < until) {  // bounded by `wait`
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
    ctx.set_wait_for_ready(true);
    grpc::health::v1::HealthCheckRequest req;
    grpc::health::v1::HealthCheckResponse resp;
    if (health_->Check(&ctx, req, &resp).ok() &&
        resp.status() == grpc::health::v1::HealthCheckResponse::SERVING)
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

std::unique_ptr<grpc::ClientReader<v1::Notice>> BarazaClient::WatchNotices(
    grpc::ClientContext* ctx, const v1::WatchNoticesRequest& req) {
  return notices_->WatchNotices(ctx, req);
}

}  // namespace baraza::client

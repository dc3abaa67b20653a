#include "client/common/client.h"

#include <google/protobuf/stubs/common.h>

#include <cstdio>
#include <random>
#include <set>
#include <thread>
#include <vector>

namespace baraza::client {

std::string NewRequestId() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                static_cast<unsigned long long>(rng()));
  return buf;
}

std::string BarazaClient::FirstInvalidUtf8(const google::protobuf::Message& m) {
  using google::protobuf::FieldDescriptor;
  const auto* r = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const auto* f : fields) {
    if (f->type() == FieldDescriptor::TYPE_STRING) {
      int n = f->is_repeated() ? r->FieldSize(m, f) : 1;
      for (int i = 0; i < n; ++i) {
        std::string v = f->is_repeated() ? r->GetRepeatedString(m, f, i) : r->GetString(m, f);
        if (!google::protobuf::internal::IsStructurallyValidUTF8(v.data(), static_cast<int>(v.size())))
          return f->name();
      }
    } else if (f->type() == FieldDescriptor::TYPE_MESSAGE) {
      int n = f->is_repeated() ? r->FieldSize(m, f) : 1;
      for (int i = 0; i < n; ++i) {
        const auto& sub = f->is_repeated() ? r->GetRepeatedMessage(m, f, i) : r->GetMessage(m, f);
        if (std::string inner = FirstInvalidUtf8(sub); !inner.empty())
          return f->name() + "." + inner;
      }
    }
  }
  return {};
}

bool BarazaClient::PrepareForRetries(google::protobuf::Message* req) {
  // Token issuance cannot be replayed (the token is shown once and never
  // stored), so it is never sent twice.
  static const std::set<std::string> kOnce = {"baraza.v1.RegisterLiaisonRequest",
                                              "baraza.v1.RegisterCommanderRequest",
                                              "baraza.v1.RegisterObserverRequest"};
  const auto* d = req->GetDescriptor();
  if (kOnce.count(d->full_name())) return false;
  if (const auto* f = d->FindFieldByName("request_id")) {
    if (req->GetReflection()->GetString(*req, f).empty())
      req->GetReflection()->SetString(req, f, NewRequestId());
  }
  return true;  // reads, and changes that now carry a request_id
}

bool BarazaClient::Backoff(int attempt, std::chrono::system_clock::time_point deadline) {
  static thread_local std::mt19937 rng{std::random_device{}()};
  int base = std::min(2000, 100 << std::min(attempt, 5));
  auto wait = std::chrono::milliseconds(base / 2 + static_cast<int>(rng() % (base / 2 + 1)));
  if (std::chrono::system_clock::now() + wait >= deadline) return false;
  std::this_thread::sleep_for(wait);
  return true;
}

BarazaClient::BarazaClient(ClientOptions options) : options_(std::move(options)) {
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (!options_.tls_root_pem.empty()) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = options_.tls_root_pem;
    ssl.pem_cert_chain = options_.tls_cert_pem;
    ssl.pem_private_key = options_.tls_key_pem;
    credentials = grpc::SslCredentials(ssl);
  }
  channel_ = grpc::CreateChannel(options_.server, credentials);
  groups_ = v1::ContactGroupService::NewStub(channel_);
  access_ = v1::AccessService::NewStub(channel_);
  cases_ = v1::CaseService::NewStub(channel_);
  notices_ = v1::NoticeService::NewStub(channel_);
  reports_ = v1::ReportService::NewStub(channel_);
  outreach_ = v1::OutreachService::NewStub(channel_);
  health_ = grpc::health::v1::Health::NewStub(channel_);
}

void BarazaClient::AddMetadata(grpc::ClientContext& ctx) const {
  if (!options_.token.empty()) ctx.AddMetadata("authorization", "Bearer " + options_.token);
  if (!options_.language.empty()) ctx.AddMetadata("baraza-language", options_.language);
}

std::unique_ptr<grpc::ClientContext> BarazaClient::Context(bool with_deadline) const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  AddMetadata(*ctx);
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

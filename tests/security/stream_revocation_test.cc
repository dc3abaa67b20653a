// A token revoked or expired while its notice stream is open: the stream ends
// with UNAUTHENTICATED within about a second, and nothing filed after the
// revocation reaches it. Runs the real barazad.
#include <catch2/catch.hpp>

#include "services/auth/tokens.h"
#include "tests/e2e/e2e_fixtures.h"

using namespace baraza;
using namespace baraza::testing;

namespace {

// Reads what the stream still delivers until it ends (bounded by the call's deadline).
std::vector<v1::Notice> Drain(grpc::ClientReader<v1::Notice>& reader) {
  std::vector<v1::Notice> got;
  for (v1::Notice n; reader.Read(&n);) got.push_back(n);
  return got;
}

}  // namespace

TEST_CASE_METHOD(WithThreeParties,
                 "a notice stream ends UNAUTHENTICATED within a second of its token being revoked",
                 "[security][revocation]") {
  auto mediator = Mediator();
  auto liaison = server.Client(s.silent_token);
  auto ctx = liaison.Context(false);
  ctx->set_deadline(std::chrono::system_clock::now() + 10s);
  auto reader = liaison.WatchNotices(ctx.get(), v1::WatchNoticesRequest());
  v1::Case first;
  REQUIRE(mediator.FileDispute(Dispute(s, 3600), &first).ok());
  v1::Notice n;
  REQUIRE(reader->Read(&n));  // the stream is open and delivering
  CHECK(n.case_id() == first.id());

  v1::RevokeTokenRequest revoke;
  revoke.set_token_id(auth::HashToken(s.silent_token).substr(0, 12));
  v1::TokenInfo revoked;
  REQUIRE(mediator.RevokeToken(revoke, &revoked).ok());
  auto revoked_at = std::chrono::steady_clock::now();
  // Filed after the revocation: must not reach the revoked liaison.
  v1::Case second;
  REQUIRE(mediator.FileDispute(Dispute(s, 3600), &second).ok());

  auto late = Drain(*reader);
  grpc::Status end = reader->Finish();
  auto took = std::chrono::steady_clock::now() - revoked_at;
  CHECK(end.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK_THAT(end.error_message(), Catch::Contains("revoked"));
  CHECK(took < 2s);
  for (const auto& notice : late) CHECK(notice.case_id() != second.id());
}

TEST_CASE_METHOD(WithThreeParties,
                 "a notice stream ends UNAUTHENTICATED within a second of its token expiring",
                 "[security][revocation]") {
  auto mediator = Mediator();
  v1::RegisterLiaisonRequest reg;
  reg.set_party_id(s.silent);
  reg.set_name("a liaison for three seconds");
  reg.mutable_token_ttl()->set_seconds(3);
  v1::RegisterLiaisonResponse short_lived;
  REQUIRE(mediator.RegisterLiaison(reg, &short_lived).ok());
  auto expires_at = std::chrono::steady_clock::now() + 3s;

  auto liaison = server.Client(short_lived.token());
  auto ctx = liaison.Context(false);
  ctx->set_deadline(std::chrono::system_clock::now() + 15s);
  auto reader = liaison.WatchNotices(ctx.get(), v1::WatchNoticesRequest());
  auto late = Drain(*reader);  // idle: no notice is filed
  grpc::Status end = reader->Finish();
  auto now = std::chrono::steady_clock::now();
  CHECK(end.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK_THAT(end.error_message(), Catch::Contains("expired"));
  CHECK(now < expires_at + 2s);
  CHECK(late.empty());
}

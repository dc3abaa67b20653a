// Failed authentication is visible in barazad's log: each refused token with the
// peer's address and, for a token the server knows, its public id — never the
// token — at most one line a second per peer. Runs the real barazad.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "services/auth/tokens.h"
#include "tests/e2e/e2e_fixtures.h"

using namespace baraza;
using namespace baraza::testing;

namespace {

std::string ReadLog(const TempDir& dir) {
  std::ifstream in(dir.file("barazad.log"));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

int CountLines(const std::string& log, const std::string& needle) {
  int n = 0;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) n += line.find(needle) != std::string::npos;
  return n;
}

grpc::StatusCode WhoAmI(const ServerProcess& server, const std::string& token) {
  v1::WhoAmIResponse who;
  return server.Client(token).WhoAmI(v1::WhoAmIRequest(), &who).error_code();
}

}  // namespace

TEST_CASE("a refused token is logged with the peer and its public id, never the token",
          "[security][auth-log]") {
  TempDir dir;
  ServerProcess server(dir);
  REQUIRE(server.Start());
  std::string revoked, revoked_id;
  {  // a client left connected would hold up the server's stop
    auto mediator = server.Client(server.mediator_token());
    int64_t group = CreateGroup(mediator, "Kismayo contact group");
    int64_t party =
        AddParty(mediator, group, "Juba Valley Alliance", v1::PARTY_CATEGORY_ARMED_FACTION);
    revoked = RegisterLiaison(mediator, party);
    revoked_id = auth::HashToken(revoked).substr(0, 12);
    v1::RevokeTokenRequest revoke;
    revoke.set_token_id(revoked_id);
    v1::TokenInfo info;
    REQUIRE(mediator.RevokeToken(revoke, &info).ok());
  }
  std::string unknown = "bz_" + std::string(64, 'e');

  CHECK(WhoAmI(server, unknown) == grpc::StatusCode::UNAUTHENTICATED);
  std::this_thread::sleep_for(1100ms);  // one line a second per peer
  CHECK(WhoAmI(server, revoked) == grpc::StatusCode::UNAUTHENTICATED);
  REQUIRE(server.Stop() == 0);

  std::string log = ReadLog(dir);
  INFO(log);
  CHECK(CountLines(log, "unknown token") == 1);
  CHECK(CountLines(log, "127.0.0.1") >= 2);
  CHECK(CountLines(log, "token " + revoked_id) == 1);
  for (const std::string& secret : {unknown, revoked, revoked.substr(3), auth::HashToken(revoked),
                                    auth::HashToken(unknown).substr(0, 12),
                                    server.mediator_token().substr(3)}) {
    CHECK_THAT(log, !Catch::Contains(secret));
  }
}

TEST_CASE("repeated refusals from one peer make one line a second, and the next says how many "
          "were left out",
          "[security][auth-log]") {
  TempDir dir;
  ServerProcess server(dir);
  REQUIRE(server.Start());
  std::string unknown = "bz_" + std::string(64, 'f');
  auto started = std::chrono::steady_clock::now();
  // After the first few the address is slowed (auth_slowing_test.cc): still refused, still logged.
  for (int i = 0; i < 20; ++i) {
    auto code = WhoAmI(server, unknown);
    CHECK((code == grpc::StatusCode::UNAUTHENTICATED || code == grpc::StatusCode::RESOURCE_EXHAUSTED));
  }
  // The 20 calls take well under a second here; if not, each second may have its line.
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
                     std::chrono::steady_clock::now() - started).count();
  std::this_thread::sleep_for(1100ms);
  CHECK(WhoAmI(server, "") == grpc::StatusCode::UNAUTHENTICATED);  // no token at all
  REQUIRE(server.Stop() == 0);

  std::string log = ReadLog(dir);
  INFO(log);
  CHECK(CountLines(log, "refused") <= 2 + seconds);
  CHECK(CountLines(log, "refused") >= 2);
  CHECK(CountLines(log, "more refused") == 1);
  CHECK(CountLines(log, "no token") == 1);
}

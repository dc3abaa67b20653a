// TLS on the real barazad: a client that trusts the CA is served, plaintext is
// refused, client certificates are required when configured, and plaintext off
// loopback is refused by the server and by the CLIs before anything is sent.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "tests/e2e/e2e_fixtures.h"
#include "tests/security/test_certs.h"

using namespace baraza;
using namespace baraza::testing;

namespace {

grpc::StatusCode WhoAmI(client::BarazaClient cl, v1::WhoAmIResponse* who) {
  return cl.WhoAmI(v1::WhoAmIRequest(), who).error_code();
}

}  // namespace

TEST_CASE("barazad over TLS serves a client that trusts its CA and refuses plaintext",
          "[security][tls]") {
  TempDir dir;
  TestCerts certs(dir);
  ServerProcess server(dir);
  server.extra_args = {"--tls-cert", certs.server_cert, "--tls-key", certs.server_key};
  server.client_options.tls_root_pem = TestCerts::Read(certs.ca);
  server.client_options.retries = 0;
  REQUIRE(server.Start());

  v1::WhoAmIResponse who;
  REQUIRE(WhoAmI(server.Client(server.mediator_token()), &who) == grpc::StatusCode::OK);
  CHECK(who.role() == v1::ROLE_MEDIATOR);

  client::ClientOptions plain;
  plain.server = server.address();
  plain.token = server.mediator_token();
  plain.timeout = std::chrono::seconds(3);
  plain.retries = 0;
  CHECK(WhoAmI(client::BarazaClient(plain), &who) == grpc::StatusCode::UNAVAILABLE);

  // A client that trusts another CA does not talk to this server.
  TempDir other_dir;
  TestCerts other(other_dir);
  client::ClientOptions wrong_ca = plain;
  wrong_ca.tls_root_pem = TestCerts::Read(other.ca);
  CHECK(WhoAmI(client::BarazaClient(wrong_ca), &who) == grpc::StatusCode::UNAVAILABLE);
}

TEST_CASE("barazad with a client CA serves only clients with a certificate it signed",
          "[security][tls]") {
  TempDir dir;
  TestCerts certs(dir);
  ServerProcess server(dir);
  server.extra_args = {"--tls-cert", certs.server_cert, "--tls-key", certs.server_key,
                       "--tls-client-ca", certs.ca};
  server.client_options.tls_root_pem = TestCerts::Read(certs.ca);
  server.client_options.tls_cert_pem = TestCerts::Read(certs.client_cert);
  server.client_options.tls_key_pem = TestCerts::Read(certs.client_key);
  server.client_options.retries = 0;
  REQUIRE(server.Start());

  v1::WhoAmIResponse who;
  CHECK(WhoAmI(server.Client(server.mediator_token()), &who) == grpc::StatusCode::OK);

  client::ClientOptions no_cert;
  no_cert.server = server.address();
  no_cert.token = server.mediator_token();
  no_cert.timeout = std::chrono::seconds(3);
  no_cert.retries = 0;
  no_cert.tls_root_pem = TestCerts::Read(certs.ca);
  CHECK(WhoAmI(client::BarazaClient(no_cert), &who) == grpc::StatusCode::UNAVAILABLE);
}

TEST_CASE("the mediator CLI talks TLS with --ca", "[security][tls]") {
  TempDir dir;
  TestCerts certs(dir);
  ServerProcess server(dir);
  server.extra_args = {"--tls-cert", certs.server_cert, "--tls-key", certs.server_key};
  server.client_options.tls_root_pem = TestCerts::Read(certs.ca);
  REQUIRE(server.Start());
  std::string cli = std::string(BARAZA_MEDIATOR_PATH) + " --server " + server.address() +
                    " --token-file " + dir.file("mediator.token");
  auto [ok_code, ok_out] = RunCommand(cli + " --ca " + certs.ca + " whoami");
  CHECK(ok_code == 0);
  CHECK_THAT(ok_out, Catch::Contains("mediator"));
  auto [plain_code, plain_out] = RunCommand(cli + " --timeout 3 whoami");
  CHECK(plain_code == 7);  // unavailable
}

TEST_CASE("barazad refuses plaintext on a non-loopback address and says how to fix it",
          "[security][tls]") {
  TempDir dir;
  // Refused before it binds: nothing listens on the network.
  auto [code, out] = RunCommand(std::string(BARAZAD_PATH) + " --listen 0.0.0.0:0 --db " +
                         dir.file("b.db") + " --mediator-token-file " + dir.file("m.token"));
  CHECK(code == 1);
  CHECK_THAT(out, Catch::Contains("refusing to listen on 0.0.0.0:0 without TLS"));
  CHECK_THAT(out, Catch::Contains("--tls-cert"));
  CHECK_FALSE(std::filesystem::exists(dir.file("b.db")));
}

TEST_CASE("barazad refuses plaintext on a host name that only starts like 127.0.0.1",
          "[security][tls][loopback]") {
  TempDir dir;
  // A name, not an address: it resolves wherever its owner says. Refused before
  // any look-up or bind.
  auto [code, out] = RunCommand(std::string(BARAZAD_PATH) +
                                " --listen 127.0.0.1.attacker.example:50051 --db " +
                                dir.file("b.db") + " --mediator-token-file " + dir.file("m.token"));
  CHECK(code == 1);
  CHECK_THAT(out, Catch::Contains("refusing to listen on 127.0.0.1.attacker.example:50051 "
                                  "without TLS"));
  CHECK_FALSE(std::filesystem::exists(dir.file("b.db")));
  CHECK_FALSE(std::filesystem::exists(dir.file("m.token")));
}

TEST_CASE("the CLIs refuse to send a token in clear to a host name that only starts like 127.",
          "[security][tls][loopback]") {
  TempDir dir;
  std::ofstream(dir.file("t.token")) << "bz_" << std::string(64, '0') << "\n";
  std::filesystem::permissions(dir.file("t.token"), std::filesystem::perms::owner_read |
                                                        std::filesystem::perms::owner_write);
  auto [code, out] = RunCommand(std::string(BARAZA_MEDIATOR_PATH) +
                                " --server 127.attacker.example:50051 --token-file " +
                                dir.file("t.token") + " whoami");
  CHECK(code == 2);
  CHECK_THAT(out, Catch::Contains("refusing to send your token in clear"));
}

TEST_CASE("the CLIs refuse to send a token in clear off this machine", "[security][tls]") {
  TempDir dir;
  std::ofstream(dir.file("t.token")) << "bz_" << std::string(64, '0') << "\n";
  std::filesystem::permissions(dir.file("t.token"), std::filesystem::perms::owner_read |
                                                        std::filesystem::perms::owner_write);
  // Refused before any connection is made, so no traffic leaves the machine.
  auto [code, out] = RunCommand(std::string(BARAZA_MEDIATOR_PATH) +
                         " --server 192.0.2.1:50051 --token-file " + dir.file("t.token") +
                         " whoami");
  CHECK(code == 2);
  CHECK_THAT(out, Catch::Contains("refusing to send your token in clear"));
}

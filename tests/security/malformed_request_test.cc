// Requests whose bytes do not parse as their message — a text field that is not
// UTF-8, a message cut short — sent raw through a generic stub to the real
// barazad: answered after the token and the role are checked, INVALID_ARGUMENT
// naming the field, never UNIMPLEMENTED with nothing said.
#include <catch2/catch.hpp>

#include <future>

#include <google/protobuf/descriptor.h>
#include <grpcpp/generic/generic_stub.h>

#include "tests/e2e/e2e_fixtures.h"

using namespace baraza;
using namespace baraza::testing;

namespace {

// Sends `bytes` as the request of `method` ("/baraza.v1.CaseService/FileDispute"),
// with `token` unless it is empty; returns the call's status.
grpc::Status SendRaw(const ServerProcess& server, const std::string& method,
                     const std::string& bytes, const std::string& token) {
  auto channel = grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials());
  grpc::GenericStub stub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + 10s);
  if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token);
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1), response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&ctx, method, grpc::StubOptions(), &request, &response,
                 [&done](grpc::Status s) { done.set_value(std::move(s)); });
  return done.get_future().get();
}

// `m` serialized with every "bad__" in it turned into "bad" and two bytes that
// are never UTF-8 (0xFF 0xFE), the lengths unchanged.
std::string WithInvalidUtf8(const google::protobuf::Message& m) {
  std::string bytes = m.SerializeAsString();
  for (size_t at = bytes.find("bad__"); at != std::string::npos; at = bytes.find("bad__", at))
    bytes.replace(at, 5, "bad\xff\xfe");
  return bytes;
}

}  // namespace

TEST_CASE_METHOD(WithThreeParties,
                 "a text field that is not UTF-8 is INVALID_ARGUMENT naming the field, after the "
                 "token is checked",
                 "[security][parse]") {
  auto dispute = Dispute(s, 3600);
  dispute.set_title("bad__");
  std::string bytes = WithInvalidUtf8(dispute);
  REQUIRE(bytes.find("bad\xff\xfe") != std::string::npos);
  const std::string method = "/baraza.v1.CaseService/FileDispute";

  grpc::Status st = SendRaw(server, method, bytes, server.mediator_token());
  INFO(st.error_message());
  CHECK(st.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK_THAT(st.error_message(), Catch::Contains("title") && Catch::Contains("UTF-8"));

  // Who is calling comes first: no token, or a role the RPC is not for, says so.
  grpc::Status anonymous = SendRaw(server, method, bytes, "");
  CHECK(anonymous.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  grpc::Status liaison = SendRaw(server, method, bytes, s.filer_token);
  CHECK(liaison.error_code() == grpc::StatusCode::PERMISSION_DENIED);

  // A field of a message inside the request is named by its path.
  auto mediator = Mediator();
  std::string commander = RegisterCommander(mediator, "Col. A. Diallo, Sector South");
  auto action = EmergencyActionIn(s.group, {s.answers});
  action.mutable_action()->set_location("bad__");
  grpc::Status nested = SendRaw(server, "/baraza.v1.CaseService/LogEmergencyAction",
                                WithInvalidUtf8(action), commander);
  INFO(nested.error_message());
  CHECK(nested.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK_THAT(nested.error_message(), Catch::Contains("action.location"));

  // Nothing was filed, and the server still serves.
  v1::ListCasesResponse cases;
  REQUIRE(mediator.ListCases(v1::ListCasesRequest(), &cases).ok());
  CHECK(cases.cases().empty());
}

TEST_CASE_METHOD(WithThreeParties,
                 "every unary RPC answers a request cut short with a status that says why",
                 "[security][parse]") {
  const auto* file = v1::FileDisputeRequest::descriptor()->file();
  // Field 1, a varint whose last byte never comes: no message parses from it.
  const std::string cut_short = "\x08\xff";
  int methods = 0;
  for (int i = 0; i < file->service_count(); ++i) {
    const auto* service = file->service(i);
    for (int j = 0; j < service->method_count(); ++j) {
      const auto* m = service->method(j);
      if (m->client_streaming() || m->server_streaming()) continue;
      ++methods;
      grpc::Status st = SendRaw(server, "/" + service->full_name() + "/" + m->name(), cut_short,
                                server.mediator_token());
      INFO(m->full_name() << ": " << st.error_code() << " " << st.error_message());
      // PERMISSION_DENIED where the RPC is not a mediator's; else the request's fault.
      CHECK((st.error_code() == grpc::StatusCode::INVALID_ARGUMENT ||
             st.error_code() == grpc::StatusCode::PERMISSION_DENIED));
      CHECK_FALSE(st.error_message().empty());
    }
  }
  CHECK(methods > 30);
}

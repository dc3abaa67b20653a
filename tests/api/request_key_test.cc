// The idempotency key: the fingerprint must stay what earlier versions stored
// (a copy of the request with request_id and etag cleared, serialised
// deterministically), or a retry after an upgrade would be refused.
#include <catch2/catch.hpp>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <memory>

#include "baraza/v1/baraza.pb.h"
#include "services/api/request_key.h"
#include "services/auth/sha256.h"

using namespace baraza;
namespace v1 = baraza::v1;

namespace {

// How the fingerprint was computed before: reflection, copy, clear, serialise.
std::string ReferenceFingerprint(const google::protobuf::Message& req) {
  std::unique_ptr<google::protobuf::Message> copy(req.New());
  copy->CopyFrom(req);
  const auto* d = req.GetDescriptor();
  copy->GetReflection()->ClearField(copy.get(), d->FindFieldByName("request_id"));
  if (const auto* etag = d->FindFieldByName("etag")) copy->GetReflection()->ClearField(copy.get(), etag);
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream raw(&bytes);
    google::protobuf::io::CodedOutputStream out(&raw);
    out.SetSerializationDeterministic(true);
    copy->SerializeToCodedStream(&out);
  }
  return d->full_name() + ":" + auth::Sha256Hex(bytes);
}

}  // namespace

TEST_CASE("a request's fingerprint is what earlier versions stored") {
  v1::FileDisputeRequest file;
  file.set_group_id(3);
  file.set_title("Checkpoint at Kilo 12");
  file.set_description("Convoys held since Monday \xE2\x80\x94 three days.");
  file.add_standards(v1::STANDARD_MANDATE);
  file.add_standards(v1::STANDARD_INTERNATIONAL_LAW);
  file.mutable_window()->set_seconds(3600);
  file.set_request_id("file-7f3a");

  v1::RespondToNoticeRequest respond;
  respond.set_case_id(42);
  respond.set_position("We open the road by day.");
  respond.set_visibility(v1::VISIBILITY_GROUP);
  respond.set_request_id("r-1");
  respond.set_etag("c42v3");

  for (const google::protobuf::Message* m : {static_cast<google::protobuf::Message*>(&file),
                                            static_cast<google::protobuf::Message*>(&respond)}) {
    auto key = api::KeyOf(*m);
    REQUIRE(key.ok());
    CHECK(key->fingerprint == ReferenceFingerprint(*m));
  }
}

TEST_CASE("a request's fingerprint ignores request_id and etag, and nothing else") {
  v1::RespondToNoticeRequest a;
  a.set_case_id(42);
  a.set_position("We open the road by day.");
  a.set_request_id("first");
  v1::RespondToNoticeRequest b = a;
  b.set_request_id("second");
  b.set_etag("c42v9");
  CHECK(api::KeyOf(a)->fingerprint == api::KeyOf(b)->fingerprint);
  CHECK(api::KeyOf(a)->id == "first");
  b.set_position("We open the road by night.");
  CHECK(api::KeyOf(a)->fingerprint != api::KeyOf(b)->fingerprint);
}

TEST_CASE("a request without a request_id has no key, and a bad id is refused") {
  v1::RespondToNoticeRequest req;
  req.set_case_id(1);
  auto none = api::KeyOf(req);
  REQUIRE(none.ok());
  CHECK(none->id.empty());
  CHECK(none->fingerprint.empty());
  req.set_request_id("has space");
  CHECK(api::KeyOf(req).status().code() == Code::kInvalidArgument);
  req.set_request_id(std::string(129, 'x'));
  CHECK(api::KeyOf(req).status().code() == Code::kInvalidArgument);
}

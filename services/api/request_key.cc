#include "services/api/request_key.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/wire_format_lite.h>

#include "services/auth/sha256.h"

namespace baraza::api {

using google::protobuf::internal::WireFormatLite;

Result<RequestKey> KeyOf(const google::protobuf::Message& req) {
  const auto* d = req.GetDescriptor();
  const auto* id_field = d->FindFieldByName("request_id");
  if (!id_field) return RequestKey{};
  std::string id = req.GetReflection()->GetString(req, id_field);
  if (id.empty()) return RequestKey{};
  if (id.size() > 128)
    return Status::InvalidArgument("request_id is " + std::to_string(id.size()) +
                                   " bytes; the limit is 128");
  for (unsigned char ch : id)
    if (ch < 0x21 || ch > 0x7e)
      return Status::InvalidArgument(
          "request_id must be printable ASCII without spaces (a UUID is a good choice)");
  const auto* etag_field = d->FindFieldByName("etag");
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream raw(&bytes);
    google::protobuf::io::CodedOutputStream out(&raw);
    out.SetSerializationDeterministic(true);
    req.SerializeToCodedStream(&out);
  }
  // Leave out the two fields' records; everything else keeps its order.
  std::string kept;
  kept.reserve(bytes.size());
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                                            static_cast<int>(bytes.size()));
  for (;;) {
    int start = in.CurrentPosition();
    uint32_t tag = in.ReadTag();
    if (tag == 0) break;
    int number = WireFormatLite::GetTagFieldNumber(tag);
    if (!WireFormatLite::SkipField(&in, tag)) return Status::Internal("request fingerprint: bad wire form");
    if (number == id_field->number() || (etag_field && number == etag_field->number())) continue;
    kept.append(bytes, static_cast<size_t>(start), static_cast<size_t>(in.CurrentPosition() - start));
  }
  return RequestKey{id, d->full_name() + ":" + auth::Sha256Hex(kept)};
}

}  // namespace baraza::api

#include "services/api/unreadable_request.h"

#include <optional>
#include <string>

#include <google/protobuf/stubs/common.h>

#include "services/api/handler_support.h"

namespace baraza::api {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// Deeper than any message of baraza.v1; protobuf itself stops at 100.
constexpr int kMaxDepth = 100;

// The same test the parser applied, so that the field it refused is the one found.
bool IsUtf8(const std::string& s) {
  return google::protobuf::internal::IsStructurallyValidUTF8(s.data(), static_cast<int>(s.size()));
}

// The path of the first text field in `m`, or in a message inside it, whose
// value is not UTF-8. The parser keeps such a value in its field before it
// checks it and stops, so a partly parsed request still holds it.
std::optional<std::string> InvalidUtf8Field(const Message& m, const std::string& prefix,
                                            int depth) {
  if (depth > kMaxDepth) return std::nullopt;
  const auto* reflection = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(m, &fields);
  for (const FieldDescriptor* f : fields) {
    std::string name = prefix + f->name();
    if (f->type() == FieldDescriptor::TYPE_STRING) {
      if (!f->is_repeated()) {
        if (!IsUtf8(reflection->GetString(m, f))) return name;
        continue;
      }
      for (int i = 0; i < reflection->FieldSize(m, f); ++i)
        if (!IsUtf8(reflection->GetRepeatedString(m, f, i)))
          return name + "[" + std::to_string(i) + "]";
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (!f->is_repeated()) {
        if (auto found = InvalidUtf8Field(reflection->GetMessage(m, f), name + ".", depth + 1))
          return found;
        continue;
      }
      for (int i = 0; i < reflection->FieldSize(m, f); ++i)
        if (auto found = InvalidUtf8Field(reflection->GetRepeatedMessage(m, f, i),
                                          name + "[" + std::to_string(i) + "].", depth + 1))
          return found;
    }
  }
  return std::nullopt;
}

}  // namespace

Status UnreadableRequest(const Message& partial) {
  if (auto field = InvalidUtf8Field(partial, "", 0))
    return Status::InvalidArgument(*field +
                                   " is not valid UTF-8 text; every text field takes UTF-8 "
                                   "(send the text in UTF-8, or leave out the bytes that are not)");
  return Status::InvalidArgument("the request's bytes are not a whole " +
                                 partial.GetDescriptor()->full_name() +
                                 " message (cut short or malformed); send it again as the "
                                 "proto describes it");
}

grpc::ServerUnaryReactor* RefuseUnreadable(Application& app, std::string_view method,
                                           grpc::CallbackServerContext* ctx,
                                           const Message& partial) {
  auto actor = Authenticate(app, ctx);
  if (!actor.ok()) return Finish(ctx, actor.status());
  if (Status s = Authorize(*actor, method); !s.ok()) return Finish(ctx, s);
  return Finish(ctx, UnreadableRequest(partial));
}

}  // namespace baraza::api

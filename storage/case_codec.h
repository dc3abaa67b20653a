// How storage serialises a case body (protobuf; JSON before schema 9), event
// details and report sections (JSON). Kept apart from SQL, tested on its own. Thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "services/workflow/model.h"
#include "services/workflow/status.h"

namespace baraza::codec {

// The SQLite store keeps positions in their own table (a response appends a
// row instead of rewriting the case), so it encodes the body without them.
enum class Positions { kIncluded, kLeftOut };
// A baraza.record.StoredCase (proto/baraza/record/case.proto): deterministic
// bytes, a few hundred for a new dispute (storage/case_body.cc).
std::string EncodeCase(const Case& c, Positions positions = Positions::kIncluded);
// Reads a StoredCase, or the JSON body of schema 8 and before (it starts with
// '{'); a body without positions decodes to a case with none.
Result<Case> DecodeCase(const std::string& body);

// The JSON body schema 8 and before wrote, byte for byte: still read from older
// databases and records; written only by tests that build such a database.
std::string EncodeCaseJson(const Case& c, Positions positions = Positions::kIncluded);
Result<Case> DecodeCaseJson(const std::string& json);

std::string EncodeDetails(const std::map<std::string, std::string>& details);
std::map<std::string, std::string> DecodeDetails(const std::string& json);

// A report's sections as JSON: [{"heading": ..., "lines": [[label, value], ...]}, ...].
std::string EncodeSections(const std::vector<ReportSection>& sections);
Result<std::vector<ReportSection>> DecodeSections(const std::string& json);

// A message (a notice's meaning) as stored in a text column, where a notice
// written before messages existed keeps its English text: a marker byte (0x1E,
// which no written text starts with), "m1", then JSON
// {"id":...,"args":[[name,kind,value],...]} (kind 1 text, 2 number, 3 time,
// 4 duration: MessageArg::Kind).
std::string EncodeMessage(const Message& m);
// The message in `stored`; nullopt when it is text stored as written (or the
// encoding cannot be read, which is then shown as it is).
std::optional<Message> DecodeMessage(std::string_view stored);

}  // namespace baraza::codec

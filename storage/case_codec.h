// How the SQLite store serialises a case body and event details (JSON text).
// Kept apart from SQL so that the format is tested on its own. Thread-safe.
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
std::string EncodeCase(const Case& c, Positions positions = Positions::kIncluded);
// A body without "positions" decodes to a case with none.
Result<Case> DecodeCase(const std::string& json);

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

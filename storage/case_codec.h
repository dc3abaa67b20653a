// How the SQLite store serialises a case body and event details (JSON text).
// Kept apart from SQL so that the format is tested on its own. Thread-safe.
#pragma once

#include <map>
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

}  // namespace baraza::codec

// barazad's log formats (--log-format): "text", spdlog's usual line, and
// "json", one JSON object per line with time, level, message and, when the
// thread knows them (log_fields.h), case, rpc and peer. Used by main.cc once at
// start; the formatter itself is called under spdlog's sink lock.
#pragma once

#include <memory>
#include <string>

#include <spdlog/formatter.h>

namespace baraza::log {

// The formatter for `format` ("text" or "json"); null for any other name.
std::unique_ptr<spdlog::formatter> MakeFormatter(const std::string& format);

}  // namespace baraza::log

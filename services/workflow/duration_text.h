// Durations as people type them on command lines and read them in tables:
// "90s", "15m", "36h", "7d", "1h30m". Used by the CLIs and barazad's own commands.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace baraza::workflow {

// Text → milliseconds; nullopt if malformed.
std::optional<int64_t> ParseDuration(const std::string& text);
// Milliseconds → the largest whole unit that fits ("7d", "36h", "15m", "90s").
std::string FormatDuration(int64_t millis);

}  // namespace baraza::workflow

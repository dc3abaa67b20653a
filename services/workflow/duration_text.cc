#include "services/workflow/duration_text.h"

#include <cctype>

namespace baraza::workflow {

std::optional<int64_t> ParseDuration(const std::string& text) {
  if (text.empty()) return std::nullopt;
  int64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {  // bounded by the text's length
    size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i == start || i == text.size() || i - start > 9) return std::nullopt;
    int64_t n = std::stoll(text.substr(start, i - start));
    int64_t unit = 0;
    switch (text[i]) {
      case 's': unit = 1000; break;
      case 'm': unit = 60 * 1000; break;
      case 'h': unit = 3600 * 1000; break;
      case 'd': unit = 24 * 3600 * 1000LL; break;
      default: return std::nullopt;
    }
    total += n * unit;
    ++i;
  }
  return total;
}

std::string FormatDuration(int64_t ms) {
  if (ms % (24 * 3600 * 1000LL) == 0) return std::to_string(ms / (24 * 3600 * 1000LL)) + "d";
  if (ms % (3600 * 1000) == 0) return std::to_string(ms / (3600 * 1000)) + "h";
  if (ms % (60 * 1000) == 0) return std::to_string(ms / (60 * 1000)) + "m";
  return std::to_string(ms / 1000) + "s";
}

}  // namespace baraza::workflow

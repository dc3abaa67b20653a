#include "services/log/json_format.h"

#include <ctime>

#include <nlohmann/json.hpp>
#include <spdlog/pattern_formatter.h>

#include "services/log/log_fields.h"

namespace baraza::log {
namespace {

// 2026-12-01T19:44:16.123Z: UTC, milliseconds, sorts as text.
std::string UtcTime(spdlog::log_clock::time_point t) {
  auto since = t.time_since_epoch();
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(since);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since - secs).count();
  std::time_t tt = secs.count();
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char text[96];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(millis));
  return text;
}

class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    nlohmann::json line;
    line["time"] = UtcTime(msg.time);
    auto level = spdlog::level::to_string_view(msg.level);
    line["level"] = std::string(level.data(), level.size());
    line["message"] = std::string(msg.payload.data(), msg.payload.size());
    const LogFields& f = CurrentLogFields();
    if (f.case_id != 0) line["case"] = f.case_id;
    if (!f.rpc.empty()) line["rpc"] = std::string(f.rpc);
    if (!f.peer.empty()) line["peer"] = std::string(f.peer);
    // A message with bytes that are not UTF-8 (a peer's text quoted in it)
    // still makes a valid line: such bytes become U+FFFD.
    std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    text += '\n';
    dest.append(text.data(), text.data() + text.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

}  // namespace

std::unique_ptr<spdlog::formatter> MakeFormatter(const std::string& format) {
  if (format == "json") return std::make_unique<JsonFormatter>();
  if (format == "text") return std::make_unique<spdlog::pattern_formatter>();
  return nullptr;
}

}  // namespace baraza::log

// The JSON log format (services/log/json_format.h): one object per line, with
// the fields the thread knows, valid even when a message is not UTF-8.
#include <catch2/catch.hpp>

#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "services/log/json_format.h"
#include "services/log/log_fields.h"

using namespace baraza;

namespace {

// A logger writing into `out` with the format named.
std::shared_ptr<spdlog::logger> LoggerInto(std::ostringstream& out, const std::string& format) {
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  auto logger = std::make_shared<spdlog::logger>("test", sink);
  logger->set_formatter(log::MakeFormatter(format));
  return logger;
}

std::vector<nlohmann::json> Lines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    INFO(line);
    auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    REQUIRE(j.is_object());
    out.push_back(j);
  }
  return out;
}

}  // namespace

TEST_CASE("json log lines carry time, level and message, and the fields the thread knows",
          "[log]") {
  std::ostringstream out;
  auto logger = LoggerInto(out, "json");
  logger->info("plain line");
  {
    log::ScopedLogFields rpc(log::WithRpc("FileDispute"));
    log::ScopedLogFields peer(log::WithPeer("ipv4:127.0.0.1:5123"));
    log::ScopedLogFields on_case(log::WithCase(42));
    logger->warn("refused \"quoted\"\nand a newline");
  }
  logger->error("after the scope");
  auto lines = Lines(out.str());
  REQUIRE(lines.size() == 3);
  CHECK(lines[0]["level"] == "info");
  CHECK(lines[0]["message"] == "plain line");
  CHECK(lines[0]["time"].get<std::string>().size() == 24);  // 2026-12-01T19:44:16.123Z
  CHECK(lines[0]["time"].get<std::string>().back() == 'Z');
  CHECK_FALSE(lines[0].contains("rpc"));
  CHECK(lines[1]["level"] == "warning");
  CHECK(lines[1]["message"] == "refused \"quoted\"\nand a newline");
  CHECK(lines[1]["rpc"] == "FileDispute");
  CHECK(lines[1]["peer"] == "ipv4:127.0.0.1:5123");
  CHECK(lines[1]["case"] == 42);
  CHECK_FALSE(lines[2].contains("rpc"));
  CHECK_FALSE(lines[2].contains("peer"));
  CHECK_FALSE(lines[2].contains("case"));
}

TEST_CASE("a json log line stays valid JSON when its message is not UTF-8", "[log]") {
  std::ostringstream out;
  auto logger = LoggerInto(out, "json");
  logger->warn("title bad\xff\xfe end");
  auto lines = Lines(out.str());
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["message"] == "title bad\xEF\xBF\xBD\xEF\xBF\xBD end");
}

TEST_CASE("log formats other than text and json are unknown", "[log]") {
  CHECK(log::MakeFormatter("text") != nullptr);
  CHECK(log::MakeFormatter("json") != nullptr);
  CHECK(log::MakeFormatter("JSON") == nullptr);
  CHECK(log::MakeFormatter("") == nullptr);
}

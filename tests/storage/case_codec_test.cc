// The stored-case codec: what it writes it reads back unchanged, and what it
// cannot trust it refuses with a status instead of undefined behaviour.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "services/workflow/case_machine.h"
#include "storage/case_codec.h"
#include "tests/fakes/fixtures.h"

using namespace baraza;
using namespace baraza::testing;

namespace {

Case FiledDispute() {
  auto t = workflow::FileDispute(7, TwoRespondentDispute(), ThreePartyGroup(), Mediator(), kT0);
  REQUIRE(t.ok());
  return t->next;
}

}  // namespace

TEST_CASE("an encoded case decodes to the same case") {
  Case c = FiledDispute();
  std::string once = codec::EncodeCase(c);
  auto back = codec::DecodeCase(once);
  REQUIRE(back.ok());
  CHECK(back->id == 7);
  CHECK(back->respondents.size() == c.respondents.size());
  CHECK(codec::EncodeCase(*back) == once);
}

TEST_CASE("a stored case with a fractional number is refused, not converted") {
  // Found by fuzz_case_codec: 1.8e48 in an integer field overflowed the conversion.
  std::string text = codec::EncodeCase(FiledDispute());
  std::string id = "\"id\":7";
  auto at = text.find(id);
  REQUIRE(at != std::string::npos);
  text.replace(at, id.size(), "\"id\":1.79559e+48");
  auto back = codec::DecodeCase(text);
  REQUIRE_FALSE(back.ok());
  CHECK(back.status().code() == Code::kInternal);
  CHECK_THAT(back.status().message(), Catch::Contains("fractional number"));
}

TEST_CASE("a stored case with a fractional number deep inside is refused") {
  std::string text = codec::EncodeCase(FiledDispute());
  std::string key = "\"reminders_sent\":0";
  auto at = text.find(key);
  REQUIRE(at != std::string::npos);
  text.replace(at, key.size(), "\"reminders_sent\":0.5");
  CHECK_FALSE(codec::DecodeCase(text).ok());
}

TEST_CASE("a stored case that is not JSON is refused with a status") {
  auto back = codec::DecodeCase("{\"id\":");
  REQUIRE_FALSE(back.ok());
  CHECK_THAT(back.status().message(), Catch::Contains("could not be read"));
}

TEST_CASE("bytes that are not UTF-8 are stored as U+FFFD, and the text around them as it was") {
  // The API refuses such text; the encoder must still never write JSON that
  // SQLite's json functions or the decoder would refuse.
  std::map<std::string, std::string> details = {
      {"text", std::string("plain \xFF then \"quoted\" \xC3 and caf\xC3\xA9 \xED\xA0\x80 end")}};
  std::string json = codec::EncodeDetails(details);
  CHECK(json == "{\"text\":\"plain \xEF\xBF\xBD then \\\"quoted\\\" \xEF\xBF\xBD and "
                "caf\xC3\xA9 \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD end\"}");
  auto back = codec::DecodeDetails(json);
  CHECK(back.at("text") == "plain \xEF\xBF\xBD then \"quoted\" \xEF\xBF\xBD and caf\xC3\xA9 "
                           "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD end");
}

TEST_CASE("event details are encoded exactly as nlohmann's dump wrote them") {
  // The history's hash chain covers this text, so its form must not drift.
  std::vector<std::map<std::string, std::string>> samples = {
      {},
      {{"reason", "road closed"}},
      {{"b", "2"}, {"a", "1"}, {"quote\"key", "back\\slash"}},
      {{"controls", std::string("tab\tnl\ncr\rbs\bff\f\x01\x1f\x7f")}},
      {{"utf8", "Nairobi \xE2\x80\x94 Goma \xF0\x9F\x95\x8A caf\xC3\xA9"}},
  };
  for (const auto& details : samples) {
    CAPTURE(nlohmann::json(details).dump());
    CHECK(codec::EncodeDetails(details) == nlohmann::json(details).dump());
    CHECK(codec::DecodeDetails(codec::EncodeDetails(details)) == details);
  }
}

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

TEST_CASE("an encoded case decodes to the same case") {
  Case c = FiledDispute();
  std::string once = codec::EncodeCase(c);
  auto back = codec::DecodeCase(once);
  REQUIRE(back.ok());
  CHECK(back->id == 7);
  CHECK(back->respondents.size() == c.respondents.size());
  CHECK(codec::EncodeCase(*back) == once);
}

// A case with every field away from its default, so that a field the codec
// forgets shows in a comparison of the JSON (which writes every field).
Case EveryField() {
  Case c = FiledDispute();
  c.filed_by_party_id = 3;
  c.filed_by_commander_id = 4;
  c.respondents[0].call_delivered_at = kT0 + 1;
  c.respondents[0].reminder_delivered_at = kT0 + 2;
  c.respondents[0].deliveries_failed = 2;
  c.respondents[0].last_failure = "mailbox full";
  c.positions.push_back(Position{1, 2, "we accept talks", Visibility::kMediatorOnly, kT0 + 3});
  c.extension_requests.push_back(ExtensionRequest{2, 86400000, "elders travelling", kT0 + 4, false});
  c.outcome = Outcome{"agreed", "both accepted", {2, 3}, {5}, ActionDecision::kModify,
                      Ruling::kUpheldWithRemedy, "compensation", true};
  c.action = EmergencyAction{kT0 - 5, "north bridge", "armed men at the school", "one volley"};
  c.affected_party_ids = {2, 3};
  c.appeal_deadline = kT0 + 6;
  c.explanations.push_back(Statement{1, "why we fired", 4, kT0 + 7});
  c.appeals.push_back(Appeal{1, 2, "it was a wedding", "an apology", kT0 + 8,
                             Statement{2, "we regret it", 4, kT0 + 9}});
  c.appeals.push_back(Appeal{2, 3, "too narrow", "", kT0 + 10, std::nullopt});
  return c;
}

}  // namespace

TEST_CASE("a case body keeps every field of the case") {
  Case c = EveryField();
  auto back = codec::DecodeCase(codec::EncodeCase(c));
  REQUIRE(back.ok());
  CHECK(codec::EncodeCaseJson(*back) == codec::EncodeCaseJson(c));
  auto left_out = codec::DecodeCase(codec::EncodeCase(c, codec::Positions::kLeftOut));
  REQUIRE(left_out.ok());
  CHECK(left_out->positions.empty());
}

TEST_CASE("a case body is binary and far smaller than the JSON schema 8 stored") {
  Case c = FiledDispute();
  std::string body = codec::EncodeCase(c, codec::Positions::kLeftOut);
  std::string json = codec::EncodeCaseJson(c, codec::Positions::kLeftOut);
  CAPTURE(body.size(), json.size());
  CHECK(body.front() != '{');
  CHECK(body.size() * 2 < json.size());
}

TEST_CASE("a JSON body of schema 8 decodes to the case its binary body holds") {
  Case c = EveryField();
  auto from_json = codec::DecodeCase(codec::EncodeCaseJson(c));
  REQUIRE(from_json.ok());
  CHECK(codec::EncodeCase(*from_json) == codec::EncodeCase(c));
}

TEST_CASE("a stored case that is neither binary nor JSON is refused with a status") {
  auto back = codec::DecodeCase(std::string("\xff\xff\xff\x01", 4));
  REQUIRE_FALSE(back.ok());
  CHECK(back.status().code() == Code::kInternal);
  CHECK_THAT(back.status().message(), Catch::Contains("could not be read"));
}

TEST_CASE("a stored case with a fractional number is refused, not converted") {
  // Found by fuzz_case_codec: 1.8e48 in an integer field overflowed the conversion.
  std::string text = codec::EncodeCaseJson(FiledDispute());
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
  std::string text = codec::EncodeCaseJson(FiledDispute());
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

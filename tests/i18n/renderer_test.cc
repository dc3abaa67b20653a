// The catalogues and the renderer: validation at load, fallback to English,
// plurals per language, times in a zone with UTC beside them.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "services/i18n/catalogue.h"
#include "services/i18n/renderer.h"
#include "tests/fakes/temp_dir.h"

using namespace baraza;
using namespace baraza::i18n;

namespace {

std::shared_ptr<const Catalogues> Make(const std::map<std::string, std::string>& files) {
  auto c = Catalogues::FromText(files, "cat");
  REQUIRE(c.ok());
  return *c;
}

const char* kEn =
    "# comment\n"
    "m.count = {n, plural, one {# notice} other {# notices}}\n"
    "m.only_en = only in English {who}\n"
    "m.time = due {deadline}\n";

}  // namespace

TEST_CASE("a catalogue with a broken pattern is refused naming file, line and ICU's message") {
  auto c = Catalogues::FromText({{"en", kEn}, {"fr", "# fr\n\nm.count = {n, plural, one {# avis}\n"}},
                                "cat");
  REQUIRE_FALSE(c.ok());
  CHECK_THAT(c.status().message(), Catch::Contains("cat/fr.txt:3"));
  CHECK_THAT(c.status().message(), Catch::Contains("m.count"));
  CHECK_THAT(c.status().message(), Catch::Contains("U_"));  // ICU's error name
}

TEST_CASE("a catalogue line without '=' and a message English lacks are refused") {
  auto c = Catalogues::FromText({{"en", kEn}, {"fr", "m.count {n}\n"}}, "cat");
  REQUIRE_FALSE(c.ok());
  CHECK_THAT(c.status().message(), Catch::Contains("cat/fr.txt:1"));
  auto d = Catalogues::FromText({{"en", kEn}, {"fr", "m.typo = x\n"}}, "cat");
  REQUIRE_FALSE(d.ok());
  CHECK_THAT(d.status().message(), Catch::Contains("m.typo"));
  CHECK_FALSE(Catalogues::FromText({{"fr", "m.count = x\n"}}, "cat").ok());  // no English
}

TEST_CASE("a catalogue directory with a broken file refuses to load") {
  testing::TempDir dir;
  std::ofstream(dir.file("en.txt")) << kEn;
  std::ofstream(dir.file("ar.txt")) << "m.count = {n, plural, zero {x} other {y}\n";
  auto c = Catalogues::Load(dir.path().string());
  REQUIRE_FALSE(c.ok());
  CHECK_THAT(c.status().message(), Catch::Contains("ar.txt:1"));
}

TEST_CASE("a missing message falls back to English and says which language it is") {
  Renderer r(Make({{"en", kEn}, {"fr", "m.count = {n, plural, one {# avis} other {# avis}}\n"}}));
  Message m;
  m.id = "m.only_en";
  m.Text("who", "Ali");
  auto out = r.Render(m, "fr", "");
  CHECK(out.text == "only in English Ali");
  CHECK(out.language == "en");
}

TEST_CASE("an unknown language falls back to English, and a regional tag finds its base language") {
  Renderer r(Make({{"en", kEn}, {"fr", "m.count = {n, plural, one {# avis} other {# avis}}\n"}}));
  Message m;
  m.id = "m.count";
  m.Number("n", 2);
  CHECK(r.Render(m, "xx", "").language == "en");
  CHECK(r.Render(m, "fr_FR.UTF-8", "").language == "fr");
  CHECK(r.Render(m, "fr-CA", "").text == "2 avis");
  CHECK(r.Render(m, "", "").text == "2 notices");
}

TEST_CASE("Arabic plurals use all six categories") {
  Renderer r(Make({{"en", kEn},
                   {"ar", "m.count = {n, plural, zero {zero} one {one} two {two} few {few} "
                          "many {many} other {other}}\n"}}));
  auto render = [&](int64_t n) {
    Message m;
    m.id = "m.count";
    m.Number("n", n);
    return r.Render(m, "ar", "").text;
  };
  CHECK(render(0) == "zero");
  CHECK(render(1) == "one");
  CHECK(render(2) == "two");
  CHECK(render(3) == "few");
  CHECK(render(11) == "many");
  CHECK(render(100) == "other");
}

TEST_CASE("a time is shown in the reader's zone with UTC beside it") {
  Renderer r(Make({{"en", kEn}}));
  // 2026-12-02 14:23:13 UTC is 17:23 in Mogadishu (UTC+3).
  UnixMillis t = 1796221393000;
  std::string text = r.Time(t, "en", "Africa/Mogadishu");
  CHECK_THAT(text, Catch::Contains("5:23"));
  CHECK_THAT(text, Catch::Contains("(2026-12-02 14:23 UTC)"));
  CHECK(r.Time(t, "en", "") == r.Time(t, "en", "UTC"));
  CHECK_THAT(r.Time(t, "en", ""), Catch::Contains("2:23"));
}

TEST_CASE("time zones are checked against ICU's tz database") {
  CHECK(KnownTimeZone("Africa/Mogadishu"));
  CHECK(KnownTimeZone("Europe/Paris"));
  CHECK(KnownTimeZone("UTC"));
  CHECK_FALSE(KnownTimeZone("Africa/Atlantis"));
  CHECK_FALSE(KnownTimeZone(""));
}

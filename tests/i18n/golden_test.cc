// Every message of every shipped catalogue rendered with counts 0, 1, 2, 3, 11
// and 100 and with deadlines across a daylight-saving change (Europe/Paris) and
// in a zone without one (Africa/Mogadishu), compared with tests/i18n/golden/<lang>.txt.
// After a deliberate change of a catalogue: BARAZA_UPDATE_GOLDEN=1 ctest -R golden,
// then read the diff of the golden files before committing them.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "services/i18n/renderer.h"
#include "tests/i18n/sample_messages.h"

using namespace baraza;
using namespace baraza::i18n;

namespace {

std::string Golden(const Renderer& r, const Catalogues& cats, const std::string& lang) {
  std::ostringstream out;
  out << "# " << lang << ": every message, rendered by tests/i18n/golden_test.cc\n";
  for (const std::string& id : cats.MessageIds()) {
    const std::string* pattern = cats.Pattern(lang, id);
    if (!pattern) pattern = cats.Pattern(kFallbackLanguage, id);
    bool is_sms = id.size() > 4 && id.compare(id.size() - 4, 4, ".sms") == 0;
    std::string base = is_sms ? id.substr(0, id.size() - 4) : id;
    std::vector<int64_t> counts = testing::HasCount(*pattern) ? std::vector<int64_t>{0, 1, 2, 3, 11, 100}
                                                     : std::vector<int64_t>{1};
    for (const char* zone : {"Europe/Paris", "Africa/Mogadishu"}) {
      for (int64_t n : counts) {
        Message m = testing::SampleMessage(base, *pattern, n);
        Rendered text = is_sms ? r.RenderShort(m, lang, zone) : r.Render(m, lang, zone);
        out << id << " [" << zone;
        if (counts.size() > 1) out << " n=" << n;
        out << "] " << (text.language == lang ? "" : "(" + text.language + ") ") << text.text
            << "\n";
      }
    }
  }
  return out.str();
}

}  // namespace

TEST_CASE("every message renders in every shipped language as its golden file says", "[i18n][golden]") {
  auto cats = Catalogues::Load(BARAZA_CATALOGUE_DIR);
  REQUIRE(cats.ok());
  Renderer r(*cats);
  bool update = std::getenv("BARAZA_UPDATE_GOLDEN") != nullptr;
  for (const std::string& lang : {"en", "fr", "ar", "pt", "sw"}) {
    REQUIRE((*cats)->Has(lang));
    std::string got = Golden(r, **cats, lang);
    std::string path = std::string(BARAZA_GOLDEN_DIR) + "/" + lang + ".txt";
    if (update) std::ofstream(path, std::ios::binary) << got;
    std::ifstream in(path, std::ios::binary);
    std::ostringstream want;
    want << in.rdbuf();
    INFO("golden file " << path << " (BARAZA_UPDATE_GOLDEN=1 rewrites it)");
    CHECK(got == want.str());
  }
}

TEST_CASE("English, French and Arabic have every message", "[i18n][golden]") {
  auto cats = Catalogues::Load(BARAZA_CATALOGUE_DIR);
  REQUIRE(cats.ok());
  for (const std::string& lang : {"fr", "ar"})
    for (const std::string& id : (*cats)->MessageIds()) {
      INFO(lang << " " << id);
      CHECK((*cats)->Pattern(lang, id) != nullptr);
    }
}

TEST_CASE("a deadline across the end of summer time shows each side's own offset", "[i18n][golden]") {
  auto cats = Catalogues::Load(BARAZA_CATALOGUE_DIR);
  REQUIRE(cats.ok());
  Renderer r(*cats);
  // 12:00 UTC is 14:00 in Paris before the change (UTC+2), 13:00 after (UTC+1).
  std::string before = r.Time(testing::kBeforeDst, "fr", "Europe/Paris");
  std::string after = r.Time(testing::kAfterDst, "fr", "Europe/Paris");
  CHECK_THAT(before, Catch::Contains("14:00"));
  CHECK_THAT(before, Catch::Contains("(2026-10-24 12:00 UTC)"));
  CHECK_THAT(after, Catch::Contains("13:00"));
  CHECK_THAT(after, Catch::Contains("(2026-10-26 12:00 UTC)"));
}

TEST_CASE("the shipped catalogues load: barazad would start with them", "[i18n]") {
  auto cats = Catalogues::Load(BARAZA_CATALOGUE_DIR);
  INFO((cats.ok() ? std::string() : cats.status().message()));
  REQUIRE(cats.ok());
}

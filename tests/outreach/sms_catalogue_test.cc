// The short (SMS) form of every message in every shipped language fits one SMS
// in its script: 160 GSM-7 characters, or 70 UTF-16 units when it needs UCS-2.
#include <catch2/catch.hpp>

#include "services/i18n/renderer.h"
#include "services/outreach/sms_text.h"
#include "tests/i18n/sample_messages.h"

using namespace baraza;

TEST_CASE("the SMS form of every message fits one SMS in its script", "[outreach][sms][i18n]") {
  auto cats = i18n::Catalogues::Load(BARAZA_CATALOGUE_DIR);
  REQUIRE(cats.ok());
  i18n::Renderer r(*cats);
  int checked = 0;
  for (const std::string& lang : (*cats)->Languages())
    for (const std::string& id : (*cats)->MessageIds()) {
      if (id.size() < 4 || id.compare(id.size() - 4, 4, ".sms") != 0) continue;
      const std::string* pattern = (*cats)->Pattern(lang, id);
      if (!pattern) pattern = (*cats)->Pattern(i18n::kFallbackLanguage, id);
      std::string base = id.substr(0, id.size() - 4);
      for (int64_t n : {0, 1, 2, 3, 11, 100})
        for (const char* zone : {"Africa/Mogadishu", "Europe/Paris", "America/New_York"}) {
          std::string text =
              r.RenderShort(testing::SampleMessage(base, *pattern, n), lang, zone).text;
          bool gsm = outreach::IsGsm7(text);
          size_t limit = gsm ? outreach::kGsm7Limit : outreach::kUcs2Limit;
          INFO(lang << " " << id << " (" << (gsm ? "GSM-7" : "UCS-2") << ", "
                    << outreach::SmsUnits(text) << " of " << limit << "): " << text);
          CHECK(outreach::SmsUnits(text) <= limit);
          ++checked;
        }
    }
  CHECK(checked > 0);
}

// Portuguese needs UCS-2 (ã, ç, õ are not in GSM-7): its short forms fit 70 instead.
TEST_CASE("English, French and Swahili short forms stay in GSM-7", "[outreach][sms][i18n]") {
  auto cats = i18n::Catalogues::Load(BARAZA_CATALOGUE_DIR);
  REQUIRE(cats.ok());
  i18n::Renderer r(*cats);
  for (const std::string& lang : {"en", "fr", "sw"})
    for (const std::string& id : (*cats)->MessageIds()) {
      if (id.size() < 4 || id.compare(id.size() - 4, 4, ".sms") != 0) continue;
      const std::string* pattern = (*cats)->Pattern(lang, id);
      if (!pattern) continue;
      for (const char* zone : {"Africa/Mogadishu", "America/New_York"}) {
        std::string text =
            r.RenderShort(testing::SampleMessage(id.substr(0, id.size() - 4), *pattern, 2), lang,
                          zone).text;
        INFO(lang << " " << id << ": " << text);
        CHECK(outreach::IsGsm7(text));
      }
    }
}

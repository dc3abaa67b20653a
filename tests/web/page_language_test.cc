// The public page in every shipped language (`?lang=`): the html element's lang
// and dir (Arabic right to left), the words translated while the data stays the
// same, names isolated, and a <script> sentinel that stays text in every language.
#include <catch2/catch.hpp>

#include "services/i18n/renderer.h"
#include "services/web/pages.h"
#include "services/web/public_site.h"
#include "storage/memory_case_store.h"
#include "tests/fakes/fixtures.h"

using namespace baraza;
using namespace baraza::testing;

namespace {

struct Site {
  MemoryCaseStore store;
  std::shared_ptr<const i18n::Renderer> renderer;
  Id report = 0;

  Site() {
    auto cats = i18n::Catalogues::Load(BARAZA_CATALOGUE_DIR);
    REQUIRE(cats.ok());
    renderer = std::make_shared<const i18n::Renderer>(*cats);
    REQUIRE(store.WriteAndWait([&](WriteTx& tx) -> Status {
                   ContactGroup g;
                   g.name = "مجموعة الاتصال في كيسمايو";  // an Arabic name on every page
                   BARAZA_ASSIGN_OR_RETURN(Id group, tx.InsertGroup(g));
                   BARAZA_ASSIGN_OR_RETURN(report, tx.NextReportId());
                   Report r;
                   r.id = report;
                   r.case_id = 1;
                   r.group_id = group;
                   r.published_at = kT0;
                   r.title = "<script>SENTINEL()</script>Checkpoint on the port road";
                   r.history_head = "3:" + std::string(64, 'f');
                   r.sections = {{"The case", {{"Case", "#1 <script>SENTINEL()</script>"},
                                               {"Raised on", "2026-12-01 10:00:00 UTC"}}},
                                 {"Outcome", {{"Outcome", "settled"},
                                              {"Status", "concluded by a settlement"},
                                              {"Text", "withdrawn"}}},
                                 {"Standard invoked", {}}};
                   return tx.InsertReport(r);
                 }).ok());
  }
  web::Response Page(const std::string& lang) {
    return web::Route(store, "/reports/" + std::to_string(report) + "?lang=" + lang,
                      renderer.get());
  }
};

}  // namespace

TEST_CASE("the Arabic report page is right to left and says it is Arabic", "[web][i18n]") {
  Site site;
  auto page = site.Page("ar");
  REQUIRE(page.status == 200);
  CHECK(page.body.find("<html lang=\"ar\" dir=\"rtl\">") != std::string::npos);
  CHECK(page.body.find("<h2>القضية</h2>") != std::string::npos);      // "The case"
  CHECK(page.body.find("<dt>أُثيرت في</dt>") != std::string::npos);   // "Raised on"
  CHECK(page.body.find("<p class=\"meta\">لا يوجد</p>") != std::string::npos);  // an empty section
  // Links keep the language.
  CHECK(page.body.find("/groups/1?lang=ar") != std::string::npos);
}

TEST_CASE("the report page in each language has its lang and dir, and the same data", "[web][i18n]") {
  Site site;
  for (const auto& [lang, dir] : std::vector<std::pair<std::string, std::string>>{
           {"en", "ltr"}, {"fr", "ltr"}, {"ar", "rtl"}, {"pt", "ltr"}, {"sw", "ltr"}}) {
    auto page = site.Page(lang);
    INFO(lang);
    REQUIRE(page.status == 200);
    CHECK(page.body.find("<html lang=\"" + lang + "\" dir=\"" + dir + "\">") != std::string::npos);
    // The data are the same in every language: the case's number and title, and
    // what the parties agreed ("withdrawn" under Text), as stored.
    CHECK(page.body.find("<dd dir=\"auto\">#1 &lt;script&gt;SENTINEL()&lt;/script&gt;</dd>") !=
          std::string::npos);
    CHECK(page.body.find("<dd dir=\"auto\">withdrawn</dd>") != std::string::npos);
    // The time is said in the page's words, not as the template's UTC text.
    CHECK(page.body.find("2026-12-01 10:00:00 UTC") == std::string::npos);
  }
  // French words, not English ones.
  auto fr = site.Page("fr");
  CHECK(fr.body.find("<h2>L’affaire</h2>") != std::string::npos);
  CHECK(fr.body.find("<h2>The case</h2>") == std::string::npos);
}

TEST_CASE("a script sentinel in a title is still escaped text in every language", "[web][i18n]") {
  Site site;
  for (const std::string lang : {"en", "fr", "ar", "pt", "sw", "xx", "%3Cscript%3E", "<script>"}) {
    auto page = site.Page(lang);
    INFO(lang);
    REQUIRE(page.status == 200);
    CHECK(page.body.find("<script") == std::string::npos);
    CHECK(page.body.find("&lt;script&gt;SENTINEL()&lt;/script&gt;Checkpoint") != std::string::npos);
  }
}

TEST_CASE("the template's own values are translated, a party's text never", "[web][i18n]") {
  Site site;
  auto ar = site.Page("ar");
  CHECK(ar.body.find("<dd dir=\"auto\">انتهت بتسوية</dd>") != std::string::npos);
  auto fr = site.Page("fr");
  CHECK(fr.body.find("<dd dir=\"auto\">conclue par un accord</dd>") != std::string::npos);
  // "withdrawn" is a template word too, but under "Text" it is what the parties agreed.
  CHECK(fr.body.find("<dd dir=\"auto\">withdrawn</dd>") != std::string::npos);
}

TEST_CASE("a name in another script is isolated on the page", "[web][i18n]") {
  Site site;
  auto page = site.Page("fr");
  // The Arabic group name in a French sentence: <bdi> keeps its direction to itself.
  CHECK(page.body.find("<bdi>مجموعة الاتصال في كيسمايو</bdi>") != std::string::npos);
  CHECK(page.body.find("<h1 dir=\"auto\">") != std::string::npos);
}

TEST_CASE("an unknown language shows the page in English", "[web][i18n]") {
  Site site;
  auto page = site.Page("xx");
  CHECK(page.body.find("<html lang=\"en\" dir=\"ltr\">") != std::string::npos);
  CHECK(page.body.find("<h2>The case</h2>") != std::string::npos);
}

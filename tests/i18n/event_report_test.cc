// Case events and published reports in the reader's language: every event of a
// real story reads as a sentence in each shipped language with its times in the
// group's zone; an event stored before reads as stored; a report keeps its
// sections and data in every language and changes only its words.
#include <catch2/catch.hpp>

#include "services/i18n/report_words.h"
#include "services/workflow/event_text.h"
#include "services/workflow/report.h"
#include "services/workflow/report_text.h"
#include "tests/fakes/fixtures.h"

using namespace baraza;
using namespace baraza::i18n;
using namespace baraza::workflow;
using namespace baraza::testing;

namespace {

const char* const kLanguages[] = {"en", "fr", "ar", "pt", "sw"};
const char* const kZone = "Africa/Mogadishu";

std::shared_ptr<const Renderer> Shipped() {
  auto cats = Catalogues::Load(BARAZA_CATALOGUE_DIR);
  REQUIRE(cats.ok());
  return std::make_shared<const Renderer>(*cats);
}

struct Story {
  Case c;
  std::vector<Event> events;
  void Apply(const Result<Transition>& t) {
    INFO((t.ok() ? std::string() : t.status().message()));
    REQUIRE(t.ok());
    c = t->next;
    events.insert(events.end(), t->events.begin(), t->events.end());
  }
};

// A dispute that runs through most of what can happen: an answer, an extension
// asked and granted, capacity support, reminders, a default judgement (party A
// reached) and a referral (party B never reached), published and closed.
Story LongDispute(const std::string& title = "Checkpoint on the port road") {
  ContactGroup g = ThreePartyGroup();
  auto filing = TwoRespondentDispute();
  filing.title = title;
  Story s;
  s.Apply(FileDispute(7, filing, g, Mediator(), kT0));
  s.Apply(RequestExtension(s.c, 2 * kDay, "our delegate is travelling", LiaisonOf(kPartyB), kT0 + kDay));
  s.Apply(GrantExtension(s.c, kPartyB, 2 * kDay, "travel", Mediator(), kT0 + kDay + 1));
  s.Apply(GrantCapacitySupport(s.c, kPartyB, SupportKind::kTranslation, "an interpreter", 0,
                               Mediator(), kT0 + kDay + 2));
  for (UnixMillis at : {kT0 + kWindow / 2, kT0 + kWindow * 9 / 10, kT0 + kWindow}) {
    Transition t = OnDeadlines(s.c, g, at);
    s.Apply(t);
    if (at < kT0 + kWindow) {  // A is reached; B is not
      Case reached = RemindersReached(s.c, at);
      for (Respondent& r : reached.respondents)
        if (r.party_id == kPartyB) r.reminder_delivered_at = 0;
      s.c = reached;
    }
  }
  s.Apply(OnDeadlines(s.c, g, kT0 + kWindow + 3 * kDay));
  return s;
}

}  // namespace

TEST_CASE("every event of a case reads as a sentence in every shipped language", "[i18n][events]") {
  auto r = Shipped();
  Story s = LongDispute();
  REQUIRE(s.events.size() >= 8);
  for (const Event& e : s.events) {
    std::string english = EventText(e, *r, "en", kZone).text;
    for (const char* lang : kLanguages) {
      Rendered text = EventText(e, *r, lang, kZone);
      INFO(lang << " " << Name(e.type) << ": " << text.text);
      CHECK(text.language == lang);  // every event message is in every shipped catalogue
      CHECK(text.text.find('{') == std::string::npos);  // no argument left unfilled
      CHECK(text.text.find("event.") == std::string::npos);
      if (std::string(lang) != "en") CHECK(text.text != english);
      // A time is shown in the group's zone with the UTC time beside it.
      auto deadline = e.details.find("deadline");
      if (deadline != e.details.end())
        CHECK_THAT(text.text, Catch::Contains("(" + deadline->second.substr(0, 16) + " UTC)"));
    }
  }
}

TEST_CASE("an event stored before its keywords existed reads with its stored reason",
          "[i18n][events]") {
  auto r = Shipped();
  Event old;
  old.case_id = 3;
  old.seq = 9;
  old.type = EventType::kReferredToMediator;
  old.party_id = 2;
  old.details = {{"deadline", "2026-12-02 14:23:13 UTC"},
                 {"reason", "no reminder reached Juba Valley Alliance before its deadline"}};
  const auto stored = old.details;
  Rendered fr = EventText(old, *r, "fr", kZone);
  CHECK_THAT(fr.text, Catch::Contains("no reminder reached Juba Valley Alliance before its deadline"));
  CHECK_THAT(fr.text, Catch::Contains("(2026-12-02 14:23 UTC)"));
  CHECK_THAT(fr.text, Catch::Contains("17:23"));  // Mogadishu, UTC+3
  CHECK(old.details == stored);                   // rendering changes nothing stored
}

TEST_CASE("text a person wrote is an argument, never a pattern or markup", "[i18n][events][security]") {
  auto r = Shipped();
  const std::string hostile = "{deadline} '{' {x, plural, other {#}} <b>bold</b>";
  Story s = LongDispute(hostile);
  for (const char* lang : kLanguages) {
    INFO(lang);
    CHECK_THAT(EventText(s.events.front(), *r, lang, kZone).text, Catch::Contains(hostile));
    ContactGroup g = ThreePartyGroup();
    ReportContext ctx;
    ctx.group = &g;
    ctx.events = s.events;
    ctx.history_head = "12:" + std::string(64, 'a');
    ctx.report_id = 3;
    Report shown = ReportInLanguage(RenderReport(s.c, ctx, "mediator:1", kT0 + 20 * kDay), *r,
                                    lang, kZone);
    CHECK_THAT(shown.title, Catch::Contains(hostile));
  }
}

TEST_CASE("FormatTime's text reads back as the same instant", "[i18n][events]") {
  for (UnixMillis t : {UnixMillis{0}, kT0, kT0 + 1234 * kSecond})
    CHECK(ParseFormattedTime(FormatTime(t)) == t);
  CHECK_FALSE(ParseFormattedTime("2026-12-02 14:23:13 UTC!"));
  CHECK_FALSE(ParseFormattedTime("our delegate is travelling"));
  CHECK_FALSE(ParseFormattedTime("2026-13-02 14:23:13 UTC"));
}

TEST_CASE("a published report has the same sections and data in every language, other words",
          "[i18n][report]") {
  auto r = Shipped();
  Story s = LongDispute();
  ContactGroup g = ThreePartyGroup();
  g.time_zone = kZone;
  ReportContext ctx;
  ctx.group = &g;
  ctx.events = s.events;
  ctx.history_head = "12:" + std::string(64, 'a');
  ctx.case_head = std::string(64, 'b');
  ctx.report_id = 3;
  Report stored = RenderReport(s.c, ctx, "mediator:1", kT0 + 20 * kDay);
  Report en = ReportInLanguage(stored, *r, "en", kZone);
  for (const char* lang : {"fr", "ar"}) {
    INFO(lang);
    Report shown = ReportInLanguage(stored, *r, lang, kZone);
    REQUIRE(shown.sections.size() == stored.sections.size());
    CHECK(shown.title != en.title);
    CHECK_THAT(shown.title, Catch::Contains("Checkpoint on the port road"));
    CHECK_THAT(shown.title, Catch::Contains("7"));
    int changed = 0;
    for (size_t i = 0; i < stored.sections.size(); ++i) {
      const auto& want = stored.sections[i];
      const auto& got = shown.sections[i];
      if (std::string(lang) == "ar") CHECK(got.heading != want.heading);
      REQUIRE(got.lines.size() == want.lines.size());
      for (size_t l = 0; l < want.lines.size(); ++l) {
        INFO(want.lines[l].label << ": " << want.lines[l].value << " → " << got.lines[l].value);
        if (std::string(lang) == "ar") CHECK(got.lines[l].label != want.lines[l].label);
        if (ReportValue(want.lines[l]).empty()) {
          // Data and what people wrote: ids, counts, hashes, names, texts, as stored.
          CHECK(got.lines[l].value == want.lines[l].value);
        } else {
          CHECK(got.lines[l].value.find("{") == std::string::npos);
          if (got.lines[l].value != en.sections[i].lines[l].value) ++changed;
        }
      }
    }
    CHECK(changed >= 10);
  }
  // The data a reader checks are there in every language.
  auto value = [](const Report& rep, const std::string& label) {
    for (const auto& sec : rep.sections)
      for (const auto& line : sec.lines)
        if (line.label == label) return line.value;
    return std::string("(none)");
  };
  CHECK(value(stored, "History head") == "12:" + std::string(64, 'a'));
  CHECK(value(stored, "Reminders sent") == "2");
  Report fr = ReportInLanguage(stored, *r, "fr", kZone, {.labels = false});
  CHECK(value(fr, "History head") == value(stored, "History head"));
  CHECK(value(fr, "Reminders sent") == "2");
  CHECK_THAT(value(fr, "How to check"), Catch::Contains("12:" + std::string(64, 'a')));
  CHECK(value(fr, "Party") == "Kismayo Women's Association (groupe de femmes)");
  CHECK_THAT(value(fr, "Deadline"), Catch::Contains("UTC)"));
}

TEST_CASE("a value the template did not write is shown as stored", "[i18n][report]") {
  CHECK(ReportValue({"Text", "withdrawn"}).empty());
  CHECK(ReportValue({"Description", "2026-12-02 14:23:13 UTC"}).empty());
  CHECK(ReportValue({"Reminders sent", "2"}).empty());
  CHECK(ReportTitle("Report about something").empty());
  // A party name is an argument; only the category in brackets is the template's.
  auto party = ReportValue({"Party", "Alliance (armed faction) (government)"});
  REQUIRE(party.size() == 1);
  REQUIRE(party[0].Find("name"));
  CHECK(party[0].Find("name")->text == "Alliance (armed faction)");
}

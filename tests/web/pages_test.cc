// The public page without sockets: HTML escaping, page sizes at their worst,
// paging, and what is not public. Route() runs on an in-memory store.
#include <catch2/catch.hpp>

#include "services/web/pages.h"
#include "services/web/public_site.h"
#include "services/workflow/report.h"
#include "storage/memory_case_store.h"
#include "tests/fakes/fixtures.h"
#include "tests/fakes/store_helpers.h"

using namespace baraza;
using namespace baraza::testing;

namespace {

constexpr size_t kPageLimit = 50 * 1024;

Report ReportOn(Id id, Id case_id, Id group_id, const std::string& title) {
  Report r;
  r.id = id;
  r.case_id = case_id;
  r.group_id = group_id;
  r.title = title;
  r.published_at = kT0;
  r.history_head = "3:" + std::string(64, 'f');
  r.sections = {{"The case", {{"Case", title}}}, {"Outcome", {{"Outcome", "settlement"}}}};
  return r;
}

// A group named `name` with `reports` reports of titles made of `title_char`.
Id GroupWithReports(CaseStore& store, const std::string& name, int reports, char title_char) {
  Id group = 0;
  REQUIRE(store.WriteAndWait([&](WriteTx& tx) -> Status {
                 ContactGroup g;
                 g.name = name;
                 BARAZA_ASSIGN_OR_RETURN(group, tx.InsertGroup(g));
                 for (int i = 0; i < reports; ++i) {
                   BARAZA_ASSIGN_OR_RETURN(Id id, tx.NextReportId());
                   BARAZA_RETURN_IF_ERROR(tx.InsertReport(ReportOn(
                       id, 1000 + i, group, "Report on case #1234567: " + std::string(200, title_char))));
                 }
                 return Status::Ok();
               }).ok());
  return group;
}

// The <h2> headings of a page, in order.
std::vector<std::string> Headings(const std::string& page) {
  std::vector<std::string> out;
  for (size_t at = page.find("<h2>"); at != std::string::npos; at = page.find("<h2>", at + 4))
    out.push_back(page.substr(at + 4, page.find("</h2>", at) - at - 4));
  return out;
}

// A report rendered by the workflow's template, as the server publishes it.
Report Rendered(const Case& c, const ContactGroup& g, const std::vector<Event>& events) {
  workflow::ReportContext ctx;
  ctx.group = &g;
  ctx.events = events;
  ctx.history_head = "4:" + std::string(64, 'a');
  ctx.case_head = std::string(64, 'b');
  ctx.report_id = 1;
  return workflow::RenderReport(c, ctx, "mediator 1", kT0 + 10);
}

}  // namespace

TEST_CASE("a report page shows every section of the template, in order, whatever the case kind",
          "[web]") {
  ContactGroup g = ThreePartyGroup();
  auto dispute = workflow::FileDispute(7, TwoRespondentDispute(), g, Mediator(), kT0);
  REQUIRE(dispute.ok());
  auto action = workflow::LogEmergencyAction(8, ActionAffectingAAndB(), g, CommanderActor(), kT0);
  REQUIRE(action.ok());
  Report dispute_report = Rendered(dispute->next, g, dispute->events);
  Report action_report = Rendered(action->next, g, action->events);
  std::vector<std::string> template_headings;
  for (const auto& s : dispute_report.sections) template_headings.push_back(s.heading);
  REQUIRE(template_headings.size() == 7);

  CHECK(Headings(web::ReportPage(dispute_report, g, {})) == template_headings);
  // An emergency action invokes no standard: its section is empty, and still shown.
  std::string action_page = web::ReportPage(action_report, g, {});
  CHECK(Headings(action_page) == template_headings);
  auto standard = action_page.find("<h2>Standard invoked</h2>");
  REQUIRE(standard != std::string::npos);
  auto next = action_page.find("<h2>", standard + 4);
  CHECK(action_page.substr(standard, next - standard).find("none") != std::string::npos);
}

TEST_CASE("escape turns markup into text", "[web]") {
  CHECK(web::Escape("<script>alert('x') & \"y\"</script>") ==
        "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;");
  CHECK(web::Escape("plain text") == "plain text");
}

TEST_CASE("a report page shows a script sentinel in the title as text", "[web]") {
  ContactGroup g;
  g.id = 1;
  g.name = "<b>Group</b>";
  Report r = ReportOn(1, 1, 1, "<script>SENTINEL()</script>");
  r.sections[0].lines.push_back({"<i>label</i>", "<img src=x onerror=alert(1)>"});
  std::string page = web::ReportPage(r, g, {});
  CHECK(page.find("<script") == std::string::npos);
  CHECK(page.find("<img") == std::string::npos);
  CHECK(page.find("<b>Group") == std::string::npos);
  CHECK(page.find("&lt;script&gt;SENTINEL()&lt;/script&gt;") != std::string::npos);
  CHECK(page.find("&lt;img src=x onerror=alert(1)&gt;") != std::string::npos);
}

TEST_CASE("a group page stays under 50 KB at its longest and pages on", "[web]") {
  MemoryCaseStore store;
  Id group = GroupWithReports(store, std::string(200, '&'), 60, '&');
  auto first = web::Route(store, "/groups/" + std::to_string(group));
  REQUIRE(first.status == 200);
  CHECK(first.body.size() < kPageLimit);
  auto more = first.body.find("?before=");
  REQUIRE(more != std::string::npos);
  std::string next = first.body.substr(more, first.body.find('"', more) - more);
  auto second = web::Route(store, "/groups/" + std::to_string(group) + next);
  CHECK(second.status == 200);
  CHECK(second.body.size() < kPageLimit);
  CHECK(second.body != first.body);
}

TEST_CASE("the index lists only groups that published, under 50 KB, and pages on", "[web]") {
  MemoryCaseStore store;
  for (int i = 0; i < 30; ++i) GroupWithReports(store, std::string(200, '"'), 1, 'x');
  Id quiet = GroupWithReports(store, "Quiet group", 0, 'x');
  auto index = web::Route(store, "/");
  REQUIRE(index.status == 200);
  CHECK(index.body.size() < kPageLimit);
  CHECK(index.body.find("Quiet group") == std::string::npos);
  REQUIRE(index.body.find("/?after=") != std::string::npos);
  CHECK(web::Route(store, "/groups/" + std::to_string(quiet)).status == 404);
}

TEST_CASE("the public page answers unknown and malformed addresses with an error page", "[web]") {
  MemoryCaseStore store;
  CHECK(web::Route(store, "/reports/1").status == 404);
  CHECK(web::Route(store, "/reports/0").status == 404);
  CHECK(web::Route(store, "/reports/1x").status == 404);
  CHECK(web::Route(store, "/cases/1").status == 404);
  CHECK(web::Route(store, "/?after=abc").status == 400);
  CHECK(web::Route(store, "/groups/1?before=-1").status == 400);
  auto missing = web::Route(store, "/reports/12");
  CHECK(missing.body.find("There is no such page.") != std::string::npos);
}

TEST_CASE("a report with texts too long for one page is laid out in parts under 50 KB", "[web]") {
  MemoryCaseStore store;
  Id group = GroupWithReports(store, "Kismayo contact group", 0, 'x');
  Report r = ReportOn(1, 1, group, "Long report");
  // The longest description a case may hold, every byte one that escaping makes five.
  r.sections[0].lines.push_back({"Description", std::string(64 * 1024, '&')});
  // And a long text of multi-byte characters, which must not be cut in two.
  std::string somali_and_arabic;
  for (int i = 0; i < 9000; ++i) somali_and_arabic += "\xd8\xb3";  // U+0633, two bytes
  r.sections[0].lines.push_back({"Position", somali_and_arabic});
  REQUIRE(store.WriteAndWait([&](WriteTx& tx) { return tx.InsertReport(r); }).ok());

  int parts = web::ReportParts(r);
  REQUIRE(parts > 1);
  size_t ampersands = 0, arabic = 0;
  for (int part = 1; part <= parts; ++part) {
    auto page = web::Route(store, "/reports/1?part=" + std::to_string(part));
    REQUIRE(page.status == 200);
    CHECK(page.body.size() < kPageLimit);
    CHECK(page.body.find("Part " + std::to_string(part) + " of " + std::to_string(parts)) !=
          std::string::npos);
    for (size_t at = page.body.find("&amp;"); at != std::string::npos; at = page.body.find("&amp;", at + 1))
      ++ampersands;
    for (size_t at = page.body.find("\xd8\xb3"); at != std::string::npos; at = page.body.find("\xd8\xb3", at + 2))
      ++arabic;
    // Every cut falls between characters: no stray continuation byte opens a value.
    CHECK(page.body.find("<dd>\xb3") == std::string::npos);
  }
  CHECK(ampersands == 64 * 1024);  // all of the text, once
  CHECK(arabic == 9000);
  CHECK(web::Route(store, "/reports/1").body == web::Route(store, "/reports/1?part=1").body);
  CHECK(web::Route(store, "/reports/1?part=" + std::to_string(parts + 1)).status == 404);
  CHECK(web::Route(store, "/reports/1?part=0").status == 400);
}

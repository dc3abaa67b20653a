// End-to-end: each reader's language and each group's time zone on the real
// barazad — a French-speaking liaison reads its notice in French with the
// deadline in Mogadishu time and UTC, `baraza-language` metadata overrides it,
// an unknown language falls back to English and says so, an unknown zone is
// refused naming it, and a broken catalogue refuses the start.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>

#include "tests/e2e/e2e_fixtures.h"

using namespace baraza;
using namespace baraza::testing;

namespace {

// A group in Africa/Mogadishu with a French-speaking liaison of the respondent.
struct InMogadishu {
  TempDir dir;
  ServerProcess server{dir};
  int64_t group = 0, filer = 0, respondent = 0, case_id = 0;
  std::string liaison_token;

  InMogadishu() {
    REQUIRE(server.Start());
    auto m = server.Client(server.mediator_token());
    v1::CreateContactGroupRequest g;
    g.set_name("Kismayo contact group");
    g.set_kind(v1::GROUP_KIND_STANDING);
    g.set_time_zone("Africa/Mogadishu");
    v1::ContactGroup created;
    REQUIRE(m.CreateContactGroup(g, &created).ok());
    CHECK(created.time_zone() == "Africa/Mogadishu");
    group = created.id();
    filer = AddParty(m, group, "Kismayo Women's Association", v1::PARTY_CATEGORY_WOMENS_GROUP);
    respondent = AddParty(m, group, "Juba Valley Alliance", v1::PARTY_CATEGORY_ARMED_FACTION);
    v1::RegisterLiaisonRequest l;
    l.set_party_id(respondent);
    l.set_name("Abdi Warsame");
    l.set_language("fr");
    v1::RegisterLiaisonResponse registered;
    REQUIRE(m.RegisterLiaison(l, &registered).ok());
    CHECK(registered.liaison().language() == "fr");
    liaison_token = registered.token();
    v1::Case filed;
    REQUIRE(m.FileDispute(DisputeIn(group, filer, {respondent}, 3600), &filed).ok());
    case_id = filed.id();
  }

  v1::Notice CallToNegotiate(const std::string& language) {
    client::ClientOptions options;
    options.server = server.address();
    options.token = liaison_token;
    options.language = language;
    client::BarazaClient c(options);
    v1::ListNoticesRequest req;
    v1::ListNoticesResponse resp;
    auto s = c.ListNotices(req, &resp);
    INFO(s.error_message());
    REQUIRE(s.ok());
    REQUIRE(resp.notices_size() == 1);
    return resp.notices(0);
  }
};

}  // namespace

TEST_CASE("a French-speaking liaison reads its notice in French, the deadline in Mogadishu time "
          "with UTC beside it", "[e2e][i18n]") {
  InMogadishu w;
  v1::Notice n = w.CallToNegotiate("");  // no language asked: the liaison's own
  INFO(n.text());
  CHECK(n.language() == "fr");
  CHECK(n.message_id() == "notice.call_to_negotiate");
  CHECK_THAT(n.text(), Catch::Contains("votre partie est appelée à négocier"));
  CHECK_THAT(n.text(), Catch::Contains("UTC+3 ("));  // local time, then UTC in brackets
  CHECK_THAT(n.text(), Catch::Matches(".*\\(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC\\)\\..*"));
}

TEST_CASE("the baraza-language metadata chooses the language of a notice", "[e2e][i18n]") {
  InMogadishu w;
  v1::Notice ar = w.CallToNegotiate("ar");
  CHECK(ar.language() == "ar");
  CHECK_THAT(ar.text(), Catch::Contains("طرفكم مدعو إلى التفاوض"));
  v1::Notice en = w.CallToNegotiate("en_GB.UTF-8");
  CHECK(en.language() == "en");
  CHECK_THAT(en.text(), Catch::Contains("your party is called to negotiate"));
}

TEST_CASE("an unknown language falls back to English and the notice says so", "[e2e][i18n]") {
  InMogadishu w;
  v1::Notice n = w.CallToNegotiate("tlh");
  CHECK(n.language() == "en");
  CHECK_THAT(n.text(), Catch::Contains("your party is called to negotiate"));
}

TEST_CASE("an unknown time zone at group creation is INVALID_ARGUMENT naming it", "[e2e][i18n]") {
  TempDir dir;
  ServerProcess server(dir);
  REQUIRE(server.Start());
  auto m = server.Client(server.mediator_token());
  v1::CreateContactGroupRequest g;
  g.set_name("Nowhere group");
  g.set_kind(v1::GROUP_KIND_STANDING);
  g.set_time_zone("Africa/Atlantis");
  v1::ContactGroup created;
  auto s = m.CreateContactGroup(g, &created);
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK_THAT(s.error_message(), Catch::Contains("Africa/Atlantis"));
  v1::ListContactGroupsRequest list;
  v1::ListContactGroupsResponse groups;
  REQUIRE(m.ListContactGroups(list, &groups).ok());
  CHECK(groups.groups_size() == 0);  // nothing written
}

TEST_CASE("a malformed language at registration is INVALID_ARGUMENT", "[e2e][i18n]") {
  TempDir dir;
  ServerProcess server(dir);
  REQUIRE(server.Start());
  auto m = server.Client(server.mediator_token());
  int64_t group = CreateGroup(m, "Kismayo contact group");
  int64_t party = AddParty(m, group, "Juba Valley Alliance", v1::PARTY_CATEGORY_ARMED_FACTION);
  v1::RegisterLiaisonRequest l;
  l.set_party_id(party);
  l.set_name("Abdi Warsame");
  l.set_language("fr\"><script>");
  v1::RegisterLiaisonResponse registered;
  auto s = m.RegisterLiaison(l, &registered);
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK_THAT(s.error_message(), Catch::Contains("language"));
}

TEST_CASE("barazad refuses to start with a broken catalogue, naming file and line", "[e2e][i18n]") {
  TempDir dir;
  std::filesystem::create_directories(dir.file("cat"));
  std::filesystem::copy_file(std::string(BARAZA_CATALOGUE_DIR) + "/en.txt", dir.file("cat/en.txt"));
  std::ofstream(dir.file("cat/fr.txt")) << "# broken\nnotice.case_filed = affaire {case\n";
  auto [status, out] = RunCommand(std::string(BARAZAD_PATH) + " --listen 127.0.0.1:0 --db " +
                                  dir.file("b.db") + " --mediator-token-file " +
                                  dir.file("m.token") + " --catalogue-dir " + dir.file("cat"));
  CHECK(status != 0);
  CHECK_THAT(out, Catch::Contains("fr.txt:2"));
  CHECK_THAT(out, Catch::Contains("notice.case_filed"));
  CHECK_FALSE(std::filesystem::exists(dir.file("b.db")));  // refused before anything was written
}

TEST_CASE("the liaison CLI reads notices in the language of --lang and says which", "[e2e][i18n]") {
  InMogadishu w;
  std::string token = WriteTokenFile(w.dir, "l.token", w.liaison_token);
  auto [status, out] = RunCommand("LANG=C " + std::string(BARAZA_LIAISON_PATH) + " --server " +
                                  w.server.address() + " --token-file " + token +
                                  " --lang ar notice list");
  CHECK(status == 0);
  CHECK_THAT(out, Catch::Contains("[ar] القضية"));
  auto [status2, out2] = RunCommand("LANG=fr_FR.UTF-8 " + std::string(BARAZA_LIAISON_PATH) +
                                    " --server " + w.server.address() + " --token-file " + token +
                                    " notice list");
  CHECK(status2 == 0);
  CHECK_THAT(out2, Catch::Contains("[fr] affaire"));
}

TEST_CASE("a liaison changes its language later, and its notices follow", "[e2e][i18n]") {
  InMogadishu w;
  auto liaison = w.server.Client(w.liaison_token);
  v1::SetLanguageRequest req;
  req.set_language("ar");
  v1::SetLanguageResponse resp;
  REQUIRE(liaison.SetLanguage(req, &resp).ok());
  CHECK(resp.language() == "ar");
  CHECK(resp.rendered_in() == "ar");
  v1::Notice n = w.CallToNegotiate("");
  CHECK(n.language() == "ar");
  // A mediator may set it back; a liaison may not set another's.
  auto m = w.server.Client(w.server.mediator_token());
  v1::WhoAmIResponse who;
  REQUIRE(liaison.WhoAmI({}, &who).ok());
  int64_t id = std::stoll(who.subject().substr(who.subject().find(':') + 1));
  req.set_liaison_id(id);
  req.set_language("fr");
  REQUIRE(m.SetLanguage(req, &resp).ok());
  CHECK(w.CallToNegotiate("").language() == "fr");
  req.set_liaison_id(id + 1000);
  CHECK(liaison.SetLanguage(req, &resp).error_code() == grpc::StatusCode::PERMISSION_DENIED);
}

TEST_CASE("a French-speaking liaison reads the case's events in French, times in Mogadishu, "
          "the stored details unchanged", "[e2e][i18n][events]") {
  InMogadishu w;
  auto liaison = w.server.Client(w.liaison_token);
  v1::ListCaseEventsRequest req;
  req.set_case_id(w.case_id);
  v1::ListCaseEventsResponse resp;
  REQUIRE(liaison.ListCaseEvents(req, &resp).ok());
  bool notified = false;
  for (const auto& e : resp.events()) {
    INFO(e.text());
    CHECK(e.language() == "fr");
    CHECK_FALSE(e.text().empty());
    if (e.type() != v1::EVENT_TYPE_NOTIFIED) continue;
    notified = true;
    CHECK_THAT(e.text(), Catch::Contains("a été notifiée"));
    CHECK_THAT(e.text(), Catch::Contains("UTC+3 ("));
    // What the history binds stays the machine value it always was.
    CHECK_THAT(e.details().at("deadline"),
               Catch::Matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} UTC"));
  }
  CHECK(notified);
  // The metadata chooses, as for notices.
  client::ClientOptions options;
  options.server = w.server.address();
  options.token = w.server.mediator_token();
  options.language = "ar";
  client::BarazaClient ar(options);
  REQUIRE(ar.ListCaseEvents(req, &resp).ok());
  REQUIRE(resp.events_size() > 0);
  CHECK(resp.events(0).language() == "ar");
}

TEST_CASE("a published report has the same sections and data in English, French and Arabic",
          "[e2e][i18n][report]") {
  InMogadishu w;
  auto m = w.server.Client(w.server.mediator_token());
  v1::PublishReportRequest pub;
  pub.set_case_id(w.case_id);
  v1::Report published;
  REQUIRE(m.PublishReport(pub, &published).ok());
  std::map<std::string, v1::Report> by_language;
  for (const std::string lang : {"en", "fr", "ar"}) {
    client::ClientOptions options;
    options.server = w.server.address();
    options.token = w.server.mediator_token();
    options.language = lang;
    client::BarazaClient c(options);
    v1::GetReportRequest get;
    get.set_report_id(published.id());
    REQUIRE(c.GetReport(get, &by_language[lang]).ok());
    CHECK(by_language[lang].language() == lang);
  }
  const v1::Report& en = by_language["en"];
  for (const std::string lang : {"fr", "ar"}) {
    const v1::Report& r = by_language[lang];
    INFO(lang);
    CHECK(r.history_head() == en.history_head());
    CHECK(r.title() != en.title());
    CHECK_THAT(r.title(), Catch::Contains("Checkpoint"));
    REQUIRE(r.sections_size() == en.sections_size());
    int same_words = 0, lines = 0;
    for (int s = 0; s < en.sections_size(); ++s) {
      REQUIRE(r.sections(s).lines_size() == en.sections(s).lines_size());
      for (int l = 0; l < en.sections(s).lines_size(); ++l) {
        ++lines;
        if (r.sections(s).lines(l).value() == en.sections(s).lines(l).value()) ++same_words;
      }
    }
    // Data (ids, counts, hashes, names, texts) stay; the template's words change.
    CHECK(same_words > 0);
    CHECK(same_words < lines);
  }
}

TEST_CASE("the mediators read in the language barazad gives them", "[e2e][i18n]") {
  TempDir dir;
  ServerProcess server(dir);
  server.extra_args = {"--mediator-language", "fr"};
  REQUIRE(server.Start());
  auto m = server.Client(server.mediator_token());
  v1::CreateContactGroupRequest g;
  g.set_name("Kismayo contact group");
  g.set_kind(v1::GROUP_KIND_STANDING);
  v1::ContactGroup group;
  REQUIRE(m.CreateContactGroup(g, &group).ok());
  int64_t filer = AddParty(m, group.id(), "Kismayo Women's Association", v1::PARTY_CATEGORY_WOMENS_GROUP);
  int64_t respondent = AddParty(m, group.id(), "Juba Valley Alliance", v1::PARTY_CATEGORY_ARMED_FACTION);
  v1::Case filed;
  REQUIRE(m.FileDispute(DisputeIn(group.id(), filer, {respondent}, 3600), &filed).ok());
  // The liaison asks for more time: the mediators' notice, read with no language asked.
  v1::RegisterLiaisonRequest l;
  l.set_party_id(respondent);
  l.set_name("Abdi Warsame");
  v1::RegisterLiaisonResponse registered;
  REQUIRE(m.RegisterLiaison(l, &registered).ok());
  auto liaison = server.Client(registered.token());
  v1::RequestExtensionRequest ext;
  ext.set_case_id(filed.id());
  ext.set_reason("our delegate is travelling");
  ext.mutable_extension()->set_seconds(86400);
  v1::Case after;
  auto s = liaison.RequestExtension(ext, &after);
  INFO(s.error_message());
  REQUIRE(s.ok());
  v1::ListNoticesResponse notices;
  REQUIRE(m.ListNotices({}, &notices).ok());
  REQUIRE(notices.notices_size() >= 1);
  CHECK(notices.notices(0).language() == "fr");
  CHECK_THAT(notices.notices(0).text(), Catch::Contains("our delegate is travelling"));

  TempDir bad;
  ServerProcess refused(bad);
  refused.extra_args = {"--mediator-language", std::string(40, 'x')};  // not a tag
  CHECK_FALSE(refused.Start());
}

// End-to-end: publication on the real barazad — reports published through the
// API, read by an observer, and served on the public web page over real HTTP.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <thread>

#include "tests/e2e/e2e_fixtures.h"
#include "tests/e2e/http_get.h"

using namespace baraza;
using namespace baraza::testing;

namespace {

constexpr char kScriptTitle[] = "<script>document.title='PWNED'</script> Checkpoint at km 12";
constexpr char kConfidential[] = "SENTINEL-c0nf1dential red line";
constexpr size_t kPageLimit = 50 * 1024;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// A group with a filer, an armed faction and the mission itself as parties,
// each with a liaison, on a server that serves the public page.
class PublishingWorld {
 protected:
  PublishingWorld() {
    server.public_page = true;
    REQUIRE(server.Start());
    REQUIRE(server.page_port() > 0);
    auto m = Mediator();
    group = CreateGroup(m, "Kismayo <contact> group & partners");
    filer = AddParty(m, this->group, "Kismayo Women's Association", v1::PARTY_CATEGORY_WOMENS_GROUP);
    faction = AddParty(m, this->group, "Juba Valley Alliance", v1::PARTY_CATEGORY_ARMED_FACTION);
    mission = AddParty(m, this->group, "UN Mission in Jubaland", v1::PARTY_CATEGORY_MISSION);
    tokens[faction] = RegisterLiaison(m, faction);
    tokens[mission] = RegisterLiaison(m, mission);
  }

  client::BarazaClient Mediator() { return server.Client(server.mediator_token()); }

  // A dispute against `respondent`, answered by it in the group and settled.
  int64_t SettledCaseAgainst(int64_t respondent, const std::string& title) {
    auto m = Mediator();
    auto req = DisputeIn(group, filer, {respondent}, 3600);
    req.set_title(title);
    v1::Case c;
    REQUIRE(m.FileDispute(req, &c).ok());
    auto liaison = server.Client(tokens.at(respondent));
    v1::RespondToNoticeRequest respond;
    respond.set_case_id(c.id());
    respond.set_visibility(v1::VISIBILITY_MEDIATOR_ONLY);
    respond.set_position(kConfidential);
    REQUIRE(liaison.RespondToNotice(respond, &c).ok());
    respond.set_visibility(v1::VISIBILITY_GROUP);
    respond.set_position("We accept to open the road by day.");
    REQUIRE(liaison.RespondToNotice(respond, &c).ok());
    v1::RecordSettlementRequest settle;
    settle.set_case_id(c.id());
    settle.set_text("The road opens from 06:00 to 18:00.");
    settle.add_accepting_party_ids(respondent);
    REQUIRE(m.RecordSettlement(settle, &c).ok());
    return c.id();
  }

  v1::Report Publish(int64_t case_id, int64_t corrects = 0) {
    v1::PublishReportRequest req;
    req.set_case_id(case_id);
    req.set_corrects_report_id(corrects);
    v1::Report r;
    auto s = Mediator().PublishReport(req, &r);
    INFO(s.error_message());
    REQUIRE(s.ok());
    return r;
  }

  HttpAnswer Get(const std::string& target, const std::string& method = "GET") {
    return HttpRequest(server.page_port(), target, method);
  }

  TempDir dir;
  ServerProcess server{dir};
  int64_t group = 0, filer = 0, faction = 0, mission = 0;
  std::map<int64_t, std::string> tokens;
};

}  // namespace

TEST_CASE_METHOD(PublishingWorld, "a published report is an event of the case and never changes",
                 "[e2e][report]") {
  int64_t case_id = SettledCaseAgainst(faction, "Checkpoint on the port road");
  v1::Report first = Publish(case_id);
  CHECK(first.case_id() == case_id);
  CHECK(first.group_id() == group);
  CHECK(first.history_head().find(':') != std::string::npos);
  auto m = Mediator();
  auto events = History(m, case_id);
  REQUIRE(!events.empty());
  CHECK(events.back().type() == v1::EVENT_TYPE_REPORT_PUBLISHED);
  CHECK(events.back().details().at("report_id") == std::to_string(first.id()));

  v1::Report correction = Publish(case_id, first.id());
  CHECK(correction.corrects_report_id() == first.id());
  v1::GetReportRequest get;
  get.set_report_id(first.id());
  v1::Report again;
  REQUIRE(Mediator().GetReport(get, &again).ok());
  CHECK(again.SerializeAsString() == first.SerializeAsString());

  // A correction names a report of the same case; a missing one is NOT_FOUND.
  int64_t other = SettledCaseAgainst(mission, "Water point at the camp");
  v1::PublishReportRequest wrong;
  wrong.set_case_id(other);
  wrong.set_corrects_report_id(first.id());
  v1::Report r;
  auto refused = Mediator().PublishReport(wrong, &r);
  CHECK(refused.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  wrong.set_corrects_report_id(999);
  CHECK(Mediator().PublishReport(wrong, &r).error_code() == grpc::StatusCode::NOT_FOUND);
  // Nothing was written by the refused calls.
  v1::ListReportsRequest list;
  list.set_case_id(other);
  v1::ListReportsResponse listed;
  REQUIRE(Mediator().ListReports(list, &listed).ok());
  CHECK(listed.reports_size() == 0);

  // The head each report carries verifies against the database.
  auto [code, out] = RunCommand(std::string(BARAZAD_PATH) + " audit verify --db " +
                                server.db_path() + " --head " + first.history_head());
  INFO(out);
  CHECK(code == 0);
}

TEST_CASE_METHOD(PublishingWorld, "an observer reads published reports and nothing else",
                 "[e2e][report]") {
  int64_t case_id = SettledCaseAgainst(faction, "Checkpoint on the port road");
  v1::Report published = Publish(case_id);
  v1::RegisterObserverRequest reg;
  reg.set_name("Donor liaison office");
  v1::RegisterObserverResponse issued;
  REQUIRE(Mediator().RegisterObserver(reg, &issued).ok());
  CHECK(issued.token_info().role() == v1::ROLE_OBSERVER);
  auto observer = server.Client(issued.token());

  v1::ListReportsResponse listed;
  REQUIRE(observer.ListReports(v1::ListReportsRequest(), &listed).ok());
  REQUIRE(listed.reports_size() == 1);
  CHECK(listed.reports(0).id() == published.id());

  v1::GetCaseRequest get;
  get.set_case_id(case_id);
  v1::Case c;
  auto denied = observer.GetCase(get, &c);
  CHECK(denied.error_code() == grpc::StatusCode::PERMISSION_DENIED);
  CHECK(denied.error_message().find("published reports") != std::string::npos);
  v1::ListContactGroupsResponse groups;
  CHECK(observer.ListContactGroups(v1::ListContactGroupsRequest(), &groups).error_code() ==
        grpc::StatusCode::PERMISSION_DENIED);
  v1::PublishReportRequest publish;
  publish.set_case_id(case_id);
  v1::Report r;
  CHECK(observer.PublishReport(publish, &r).error_code() == grpc::StatusCode::PERMISSION_DENIED);
}

TEST_CASE_METHOD(PublishingWorld, "the public page serves groups and reports over HTTP, escaped",
                 "[e2e][report][web]") {
  int64_t case_id = SettledCaseAgainst(faction, kScriptTitle);
  v1::Report report = Publish(case_id);

  auto index = Get("/");
  REQUIRE(index.status == 200);
  CHECK(index.headers["Content-Type"] == "text/html; charset=utf-8");
  CHECK(index.headers["Content-Security-Policy"].find("default-src 'none'") != std::string::npos);
  CHECK(index.body.find("Kismayo &lt;contact&gt; group &amp; partners") != std::string::npos);
  CHECK(index.body.size() < kPageLimit);

  auto group_page = Get("/groups/" + std::to_string(group));
  REQUIRE(group_page.status == 200);
  CHECK(group_page.body.find("/reports/" + std::to_string(report.id())) != std::string::npos);
  CHECK(group_page.body.size() < kPageLimit);

  auto page = Get("/reports/" + std::to_string(report.id()));
  REQUIRE(page.status == 200);
  CHECK(page.body.size() < kPageLimit);
  // The sentinel title is text, never markup; no script element exists at all.
  CHECK(page.body.find("&lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt;") !=
        std::string::npos);
  CHECK(Lower(page.body).find("<script") == std::string::npos);
  CHECK(page.body.find(report.history_head()) != std::string::npos);
  CHECK(page.body.find("barazad audit verify --head") != std::string::npos);
  CHECK(page.body.find("SENTINEL") == std::string::npos);  // mediator-only position
  CHECK(page.body.find("We accept to open the road by day.") != std::string::npos);

  // A correction is linked from the report it corrects, which stays as it was.
  v1::Report correction = Publish(case_id, report.id());
  auto corrected = Get("/reports/" + std::to_string(report.id()));
  CHECK(corrected.body.find("A later report corrects this one") != std::string::npos);
  CHECK(Get("/reports/" + std::to_string(correction.id())).body.find("This report corrects") !=
        std::string::npos);
}

TEST_CASE_METHOD(PublishingWorld, "the public page refuses what it does not serve",
                 "[e2e][report][web]") {
  auto m = Mediator();
  int64_t quiet = CreateGroup(m, "Quiet group", v1::GROUP_KIND_AD_HOC);
  // A group that published nothing is not public; nor is any case.
  CHECK(Get("/groups/" + std::to_string(quiet)).status == 404);
  CHECK(Get("/reports/1").status == 404);
  CHECK(Get("/cases/1").status == 404);
  CHECK(Get("/reports/abc").status == 404);
  CHECK(Get("/?after=-3").status == 400);
  auto post = Get("/", "POST");
  CHECK(post.status == 405);
  CHECK(post.headers["Allow"] == "GET, HEAD");
  auto head = Get("/", "HEAD");
  CHECK(head.status == 200);
  CHECK(head.body.empty());
  CHECK(Get("/").body.find("Quiet group") == std::string::npos);
}

TEST_CASE_METHOD(PublishingWorld,
                 "reports on cases against different parties, one the mission, have one structure",
                 "[e2e][report][web][impartiality]") {
  v1::Report against_faction = Publish(SettledCaseAgainst(faction, "Checkpoint on the port road"));
  v1::Report against_mission = Publish(SettledCaseAgainst(mission, "Water point at the camp"));
  // Through the API: the same headings and labels in the same order.
  REQUIRE(against_faction.sections_size() == against_mission.sections_size());
  for (int i = 0; i < against_faction.sections_size(); ++i) {
    const auto& a = against_faction.sections(i);
    const auto& b = against_mission.sections(i);
    CHECK(a.heading() == b.heading());
    REQUIRE(a.lines_size() == b.lines_size());
    for (int j = 0; j < a.lines_size(); ++j) CHECK(a.lines(j).label() == b.lines(j).label());
  }
  // On the page: the same markup, differing only in the data.
  auto a = Get("/reports/" + std::to_string(against_faction.id()));
  auto b = Get("/reports/" + std::to_string(against_mission.id()));
  REQUIRE(a.status == 200);
  REQUIRE(b.status == 200);
  CHECK(HtmlSkeleton(a.body) == HtmlSkeleton(b.body));
  CHECK(a.body != b.body);
  CHECK(b.body.find("UN Mission in Jubaland (mission)") != std::string::npos);
  CHECK(a.body.find("Juba Valley Alliance (armed faction)") != std::string::npos);
}

TEST_CASE_METHOD(PublishingWorld,
                 "the public page closes connections of one address past its share, and serves "
                 "it again once they close",
                 "[e2e][report][web]") {
  namespace net = boost::asio;
  net::io_context io;
  auto endpoint = net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"),
                                         static_cast<unsigned short>(server.page_port()));
  // More idle connections than one address may hold (64 at the test's open-file
  // limit: services/server/limits.cc); tests/security/connection_flood_test.cc
  // shows other addresses served meanwhile.
  std::vector<std::unique_ptr<net::ip::tcp::socket>> idle;
  for (int i = 0; i < 80; ++i) {
    idle.push_back(std::make_unique<net::ip::tcp::socket>(io));
    idle.back()->connect(endpoint);
  }
  // Give the server time to accept them all, then one more is closed at once.
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  bool refused = false;
  while (!refused && std::chrono::steady_clock::now() < until) {  // bounded
    net::ip::tcp::socket extra(io);
    extra.connect(endpoint);
    const std::string get = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    boost::system::error_code ec;
    net::write(extra, net::buffer(get), ec);
    char c;
    extra.read_some(net::buffer(&c, 1), ec);
    refused = ec == net::error::eof || ec == net::error::connection_reset;
    if (!refused) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(refused);
  // Once they close, the page serves this address again.
  idle.clear();
  bool served = false;
  until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!served && std::chrono::steady_clock::now() < until) {  // bounded
    try {
      served = Get("/").status == 200;
    } catch (const std::exception&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  CHECK(served);
}

// A position marked MEDIATOR_ONLY never reaches a liaison of another party or a
// commander: a sentinel string is planted in one, then every answer those
// callers can get — reads, lists, history, notices, the notice stream, published
// reports, change answers and error messages — is searched for it.
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <fstream>
#include <iterator>
#include <sstream>

#include <nlohmann/json.hpp>

#include "services/auth/tokens.h"
#include "tests/e2e/e2e_fixtures.h"

using namespace baraza;
using namespace baraza::testing;

namespace {

const std::string kSentinel = "SENTINEL-7f3a-do-not-leak";

// Everything a caller was told: the answers' bytes and text, and error messages.
struct Transcript {
  std::string all;
  int answers = 0;
  void Add(const grpc::Status& s, const google::protobuf::Message& m) {
    all += s.error_message() + "\n" + s.error_details() + "\n" + m.DebugString() + "\n" +
           m.SerializeAsString() + "\n";
    ++answers;
  }
};

// Every RPC a liaison or commander may call that can touch the case, with
// the case id, as `caller`.
void AskEverything(client::BarazaClient& caller, int64_t case_id, int64_t group_id,
                   Transcript& t) {
  {
    v1::GetCaseRequest q;
    q.set_case_id(case_id);
    v1::Case r;
    t.Add(caller.GetCase(q, &r), r);
  }
  {
    v1::ListCasesResponse r;
    t.Add(caller.ListCases({}, &r), r);
    v1::ListCasesRequest q;
    q.set_group_id(group_id);
    t.Add(caller.ListCases(q, &r), r);
    q.set_view(v1::CASE_VIEW_FULL);  // whole cases, positions included
    t.Add(caller.ListCases(q, &r), r);
    q.clear_group_id();
    t.Add(caller.ListCases(q, &r), r);
  }
  {
    v1::ListCaseEventsRequest q;
    q.set_case_id(case_id);
    v1::ListCaseEventsResponse r;
    t.Add(caller.ListCaseEvents(q, &r), r);
  }
  {
    v1::ListNoticesResponse r;
    t.Add(caller.ListNotices({}, &r), r);
  }
  {
    auto ctx = caller.Context(false);
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
    auto reader = caller.WatchNotices(ctx.get(), v1::WatchNoticesRequest());
    v1::Notice n;
    while (reader->Read(&n)) t.Add(grpc::Status::OK, n);
    t.Add(reader->Finish(), v1::Notice());
  }
  {
    v1::GetContactGroupRequest q;
    q.set_group_id(group_id);
    v1::ContactGroup r;
    t.Add(caller.GetContactGroup(q, &r), r);
  }
  {
    v1::WhoAmIResponse r;
    t.Add(caller.WhoAmI({}, &r), r);
  }
  {
    v1::ListReportsResponse r;
    t.Add(caller.ListReports({}, &r), r);
    for (const auto& listed : r.reports()) {
      v1::GetReportRequest q;
      q.set_report_id(listed.id());
      v1::Report one;
      t.Add(caller.GetReport(q, &one), one);
    }
  }
  // Changes answer with the case as the caller may read it, or with an error.
  {
    v1::RequestExtensionRequest q;
    q.set_case_id(case_id);
    q.mutable_extension()->set_seconds(3600);
    q.set_reason("Travel.");
    v1::Case r;
    t.Add(caller.RequestExtension(q, &r), r);
  }
  {
    v1::RespondToNoticeRequest q;
    q.set_case_id(case_id);
    q.set_position("Our own position, for the group.");
    q.set_visibility(v1::VISIBILITY_GROUP);
    v1::Case r;
    t.Add(caller.RespondToNotice(q, &r), r);
    t.Add(caller.RespondToNotice(q, &r), r);  // a second answer is refused: its message too
  }
  {
    v1::RecordSettlementRequest q;
    q.set_case_id(case_id);
    q.set_text("x");
    v1::Case r;
    t.Add(caller.RecordSettlement(q, &r), r);
  }
  {
    v1::ExplainActionRequest q;
    q.set_case_id(case_id);
    q.set_text("An explanation.");
    v1::Case r;
    t.Add(caller.ExplainAction(q, &r), r);
  }
}

}  // namespace

TEST_CASE_METHOD(WithThreeParties,
                 "a mediator-only position reaches no liaison of another party and no commander",
                 "[security][confidentiality]") {
  auto mediator = Mediator();
  std::string commander_token = RegisterCommander(mediator, "Col. A. Diallo");
  auto commander = server.Client(commander_token);

  // The commander's notice of contemplated action against both armed parties:
  // the commander can read this case, and so can both parties.
  v1::Case filed;
  REQUIRE(commander
              .FileContemplatedAction(ContemplatedActionIn(s.group, {s.answers, s.silent}, 3600),
                                      &filed)
              .ok());

  // Party A tells the mediator alone where its weapons are.
  auto party_a = server.Client(s.answers_token);
  v1::RespondToNoticeRequest secret;
  secret.set_case_id(filed.id());
  secret.set_position("The technicals are hidden at " + kSentinel + ".");
  secret.set_visibility(v1::VISIBILITY_MEDIATOR_ONLY);
  v1::Case answered;
  REQUIRE(party_a.RespondToNotice(secret, &answered).ok());

  // The mediator sees it: the sentinel is really there to be found.
  v1::GetCaseRequest get;
  get.set_case_id(filed.id());
  v1::Case as_mediator;
  REQUIRE(mediator.GetCase(get, &as_mediator).ok());
  REQUIRE_THAT(as_mediator.DebugString(), Catch::Contains(kSentinel));

  // A published report on the case, and an observer who reads it.
  v1::PublishReportRequest publish;
  publish.set_case_id(filed.id());
  v1::Report report;
  REQUIRE(mediator.PublishReport(publish, &report).ok());
  v1::RegisterObserverRequest reg;
  reg.set_name("Donor liaison office");
  v1::RegisterObserverResponse issued;
  REQUIRE(mediator.RegisterObserver(reg, &issued).ok());
  auto observer = server.Client(issued.token());
  Transcript the_observer;
  AskEverything(observer, filed.id(), s.group, the_observer);
  CHECK(the_observer.all.find(kSentinel) == std::string::npos);
  CHECK_THAT(the_observer.all, Catch::Contains("Seizure of heavy weapons"));  // the report itself

  Transcript party_b, the_commander;
  auto b = server.Client(s.silent_token);
  AskEverything(b, filed.id(), s.group, party_b);
  AskEverything(commander, filed.id(), s.group, the_commander);
  // The other cases of the group too, and the filer's liaison (not in this case).
  auto filer = server.Client(s.filer_token);
  Transcript the_filer;
  AskEverything(filer, filed.id(), s.group, the_filer);

  CHECK(party_b.answers >= 12);
  CHECK(the_commander.answers >= 12);
  CHECK(party_b.all.find(kSentinel) == std::string::npos);
  CHECK(the_commander.all.find(kSentinel) == std::string::npos);
  CHECK(the_filer.all.find(kSentinel) == std::string::npos);
  // Party A's own list of whole cases carries its position: lists were searched for real.
  v1::ListCasesRequest full;
  full.set_view(v1::CASE_VIEW_FULL);
  v1::ListCasesResponse own;
  REQUIRE(party_a.ListCases(full, &own).ok());
  CHECK_THAT(own.DebugString(), Catch::Contains(kSentinel));
  // They did see the case itself (the search covered real answers).
  CHECK_THAT(party_b.all, Catch::Contains("Seizure of heavy weapons"));
  CHECK_THAT(the_commander.all, Catch::Contains("Seizure of heavy weapons"));
}

// A run with a failed call, then the log, the history and a dump of the
// database searched for every token; returns the log.
class NoTokenLeaks : public WithThreeParties {
 protected:
  explicit NoTokenLeaks(std::vector<std::string> args = {}) : WithThreeParties(0, std::move(args)) {}
  std::string CheckNoTokenLeaks();
};

class NoTokenLeaksInJson : public NoTokenLeaks {
 protected:
  NoTokenLeaksInJson() : NoTokenLeaks({"--log-format", "json"}) {}
};

std::string NoTokenLeaks::CheckNoTokenLeaks() {
  auto mediator = Mediator();
  std::string commander_token = RegisterCommander(mediator, "Col. A. Diallo");
  v1::Case filed;
  REQUIRE(mediator.FileDispute(Dispute(s, 3600), &filed).ok());
  // A failed call with a revoked token, so that error paths are logged too.
  v1::RevokeTokenRequest revoke;
  revoke.set_token_id(auth::HashToken(commander_token).substr(0, 12));
  v1::TokenInfo info;
  REQUIRE(mediator.RevokeToken(revoke, &info).ok());
  v1::WhoAmIResponse who;
  CHECK(server.Client(commander_token).WhoAmI({}, &who).error_code() ==
        grpc::StatusCode::UNAUTHENTICATED);
  REQUIRE(server.Stop() == 0);

  // Every text and blob of every table, as a dump would show it.
  std::string dump;
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(server.db_path().c_str(), &db) == SQLITE_OK);
  std::vector<std::string> tables;
  {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table'", -1, &st, nullptr);
    while (sqlite3_step(st) == SQLITE_ROW)
      tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
    sqlite3_finalize(st);
  }
  for (const auto& table : tables) {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, ("SELECT * FROM \"" + table + "\"").c_str(), -1, &st, nullptr);
    while (sqlite3_step(st) == SQLITE_ROW)
      for (int i = 0; i < sqlite3_column_count(st); ++i)
        if (auto* text = sqlite3_column_text(st, i)) dump += reinterpret_cast<const char*>(text) + std::string("\n");
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  std::ifstream log_file(dir.file("barazad.log"));
  std::string log((std::istreambuf_iterator<char>(log_file)), std::istreambuf_iterator<char>());

  REQUIRE(tables.size() >= 8);
  CHECK_THAT(dump, Catch::Contains("Checkpoint on the port road"));  // the dump is real
  for (const std::string& token :
       {server.mediator_token(), s.filer_token, s.answers_token, s.silent_token, commander_token}) {
    REQUIRE(token.size() == 67);
    CHECK(dump.find(token) == std::string::npos);
    CHECK(dump.find(token.substr(3)) == std::string::npos);  // nor its random part
    CHECK(log.find(token.substr(3)) == std::string::npos);
  }
  return log;
}

TEST_CASE_METHOD(NoTokenLeaks, "no token appears in the log, the history or a dump of the database",
                 "[security][confidentiality]") {
  CheckNoTokenLeaks();
}

TEST_CASE_METHOD(NoTokenLeaksInJson,
                 "no token appears in the JSON log, every line of which is a JSON object",
                 "[security][confidentiality][log]") {
  std::string log = CheckNoTokenLeaks();
  std::istringstream lines(log);
  int count = 0, refusals = 0;
  for (std::string line; std::getline(lines, line);) {
    ++count;
    INFO(line);
    nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    REQUIRE(j.is_object());
    CHECK(j["time"].is_string());
    CHECK(j["level"].is_string());
    CHECK(j["message"].is_string());
    // The refused WhoAmI with the revoked token: its RPC and peer as fields.
    if (j.contains("rpc") && j["rpc"] == "WhoAmI" && j.contains("peer")) {
      CHECK_THAT(j["peer"].get<std::string>(), Catch::Contains("127.0.0.1"));
      ++refusals;
    }
  }
  CHECK(count >= 5);
  CHECK(refusals >= 1);
}

TEST_CASE_METHOD(WithThreeParties,
                 "a contact point reaches nobody but the mediators and the liaison it belongs to",
                 "[security][confidentiality][outreach]") {
  const std::string address = "sentinel-7f3a-do-not-leak@jva.example.org";
  auto mediator = Mediator();
  auto party_a = server.Client(s.answers_token);
  v1::WhoAmIResponse who;
  REQUIRE(party_a.WhoAmI({}, &who).ok());
  int64_t liaison_a = std::stoll(who.subject().substr(who.subject().find(':') + 1));
  v1::AddContactPointRequest add;
  add.set_liaison_id(liaison_a);
  add.set_kind(v1::CONTACT_KIND_EMAIL);
  add.set_address(address);
  v1::ContactPoint point;
  REQUIRE(mediator.AddContactPoint(add, &point).ok());
  // A case both armed parties are in: its notices go to the contact point.
  v1::Case filed;
  REQUIRE(mediator.FileDispute(Dispute(s, 3600), &filed).ok());
  std::string commander_token = RegisterCommander(mediator, "Col. A. Diallo");

  // The liaison it belongs to sees it (the sentinel is there to be found).
  v1::ListContactPointsResponse own;
  REQUIRE(party_a.ListContactPoints({}, &own).ok());
  REQUIRE_THAT(own.DebugString(), Catch::Contains("sentinel-7f3a"));

  for (const std::string* token : {&s.silent_token, &s.filer_token, &commander_token}) {
    auto other = server.Client(*token);
    Transcript t;
    AskEverything(other, filed.id(), s.group, t);
    v1::ListContactPointsRequest theirs;
    theirs.set_liaison_id(liaison_a);
    v1::ListContactPointsResponse listed;
    auto status = other.ListContactPoints(theirs, &listed);
    t.Add(status, listed);
    CHECK_FALSE(status.ok());
    v1::ListDeliveriesRequest deliveries;
    deliveries.set_case_id(filed.id());
    v1::ListDeliveriesResponse record;
    t.Add(other.ListDeliveries(deliveries, &record), record);
    v1::AcknowledgeNoticeRequest ack;  // a notice of party A: answered as missing
    v1::ListNoticesRequest a_notices;
    a_notices.set_party_id(s.answers);
    v1::ListNoticesResponse notices;
    REQUIRE(mediator.ListNotices(a_notices, &notices).ok());
    ack.set_notice_id(notices.notices(0).id());
    v1::Notice acked;
    auto ack_status = other.AcknowledgeNotice(ack, &acked);
    t.Add(ack_status, acked);
    CHECK_FALSE(ack_status.ok());
    CHECK(t.all.find("sentinel-7f3a") == std::string::npos);
  }
  // Nor does the case's history name it, even to the mediator: events name the channel only.
  v1::ListCaseEventsRequest history;
  history.set_case_id(filed.id());
  v1::ListCaseEventsResponse events;
  REQUIRE(mediator.ListCaseEvents(history, &events).ok());
  CHECK(events.DebugString().find("sentinel-7f3a") == std::string::npos);
}

// End-to-end: the real barazad binary on 127.0.0.1, a real SQLite file, driven
// through the client library. Deadlines here are seconds long and the tests
// poll the server, with bounded waits, until the server has acted by itself.
#include <catch2/catch.hpp>
#include <thread>

#include "tests/e2e/e2e_fixtures.h"

using namespace baraza;
using namespace baraza::testing;
using namespace std::chrono_literals;


TEST_CASE_METHOD(WithThreeParties,
                 "dispute: one party answers, the silent one is reminded then judged by default",
                 "[e2e]") {
  auto mediator = Mediator();
  // The silent party's liaison is connected the whole time: every notice
  // reaches it, so the record shows the outreach a default judgement needs.
  ConnectedLiaison silent_phone(server, s.silent_token);

  v1::Case filed;
  REQUIRE(mediator.FileDispute(Dispute(s, 4), &filed).ok());
  CHECK(filed.state() == v1::CASE_STATE_NEGOTIATING);

  auto answering = server.Client(s.answers_token);
  v1::Case after_answer;
  REQUIRE(answering
              .RespondToNotice(Answer(filed.id(), "We will open the checkpoint from 06:00 to 18:00."),
                               &after_answer)
              .ok());

  v1::Case done = WaitForCase(mediator, filed.id(), 20s, [](const v1::Case& k) {
    return k.state() == v1::CASE_STATE_DEFAULT_JUDGEMENT;
  });
  REQUIRE(done.state() == v1::CASE_STATE_DEFAULT_JUDGEMENT);
  REQUIRE(done.outcome().defaulted_party_ids_size() == 1);
  CHECK(done.outcome().defaulted_party_ids(0) == s.silent);
  CHECK(RespondentOf(done, s.answers).status() == v1::RESPONDENT_STATUS_ANSWERED);
  CHECK(RespondentOf(done, s.silent).status() == v1::RESPONDENT_STATUS_DEFAULTED);

  auto events = History(mediator, filed.id());
  CHECK(Count(events, v1::EVENT_TYPE_REMINDED, s.silent) >= 1);
  CHECK(Count(events, v1::EVENT_TYPE_REMINDED, s.answers) == 0);
  CHECK(Count(events, v1::EVENT_TYPE_DEFAULT_JUDGEMENT_ENTERED, s.silent) == 1);
  CHECK(Count(events, v1::EVENT_TYPE_DEFAULT_JUDGEMENT_ENTERED, s.answers) == 0);
  for (const auto& e : events)
    if (e.type() == v1::EVENT_TYPE_DEFAULT_JUDGEMENT_ENTERED) CHECK(e.actor() == "barazad");

  // The silent party's liaison was told: a call, reminder(s), the judgement.
  auto silent = server.Client(s.silent_token);
  v1::ListNoticesResponse notices;
  REQUIRE(silent.ListNotices({}, &notices).ok());
  std::vector<v1::NoticeKind> kinds;
  for (const auto& n : notices.notices()) kinds.push_back(n.kind());
  CHECK(kinds.front() == v1::NOTICE_KIND_CALL_TO_NEGOTIATE);
  CHECK(std::count(kinds.begin(), kinds.end(), v1::NOTICE_KIND_REMINDER) >= 1);
  CHECK(std::count(kinds.begin(), kinds.end(), v1::NOTICE_KIND_DEFAULT_JUDGEMENT) == 1);

  v1::CloseCaseRequest close;
  close.set_case_id(filed.id());
  v1::Case closed;
  REQUIRE(mediator.CloseCase(close, &closed).ok());
  CHECK(closed.state() == v1::CASE_STATE_CLOSED);
  CHECK(server.Stop() == 0);
}

TEST_CASE("restart across the deadline: the default judgement is entered once", "[e2e]") {
  TempDir dir;
  ServerProcess server(dir);
  REQUIRE(server.Start());
  Setup s;
  int64_t case_id = 0;
  google::protobuf::Timestamp deadline;
  {
    auto mediator = server.Client(server.mediator_token());
    s = ThreeParties(mediator);
    v1::Case filed;
    REQUIRE(mediator.FileDispute(Dispute(s, 6), &filed).ok());
    case_id = filed.id();
    auto answering = server.Client(s.answers_token);
    v1::RespondToNoticeRequest respond;
    respond.set_case_id(case_id);
    respond.set_position("Agreed in principle.");
    respond.set_visibility(v1::VISIBILITY_MEDIATOR_ONLY);
    v1::Case ignored;
    REQUIRE(answering.RespondToNotice(respond, &ignored).ok());
    // Wait for the first reminder (at half the window), then stop the server
    // before the deadline.
    v1::Case reminded = WaitForCase(mediator, case_id, 10s, [&](const v1::Case& k) {
      return RespondentOf(k, s.silent).reminders_sent() >= 1;
    });
    REQUIRE(RespondentOf(reminded, s.silent).reminders_sent() >= 1);
    REQUIRE(reminded.state() == v1::CASE_STATE_NEGOTIATING);
    deadline = RespondentOf(reminded, s.silent).deadline();
    // The silent liaison reads the reminder and stays silent: outreach on record.
    auto silent = server.Client(s.silent_token);
    REQUIRE(AcknowledgeReminders(silent, case_id) >= 1);
  }
  REQUIRE(server.Stop() == 0);

  // Stay down until the deadline has passed (bounded: the window is 6 s).
  auto deadline_tp =
      std::chrono::system_clock::time_point(std::chrono::seconds(deadline.seconds()));
  std::this_thread::sleep_until(deadline_tp + 1500ms);

  REQUIRE(server.Start());
  {
    // Handled before SERVING: the answer is there at once.
    auto mediator = server.Client(server.mediator_token());
    v1::Case k = GetCase(mediator, case_id);
    CHECK(k.state() == v1::CASE_STATE_DEFAULT_JUDGEMENT);
    CHECK(Count(History(mediator, case_id), v1::EVENT_TYPE_DEFAULT_JUDGEMENT_ENTERED, s.silent) ==
          1);
  }
  // Once more, killed hard this time: still exactly one.
  server.Kill();
  REQUIRE(server.Start());
  auto mediator = server.Client(server.mediator_token());
  auto events = History(mediator, case_id);
  CHECK(Count(events, v1::EVENT_TYPE_DEFAULT_JUDGEMENT_ENTERED, s.silent) == 1);
  CHECK(Count(events, v1::EVENT_TYPE_DEFAULT_JUDGEMENT_ENTERED, s.answers) == 0);
}

TEST_CASE_METHOD(WithThreeParties, "WatchNotices delivers a new notice to a connected liaison",
                 "[e2e]") {
  auto mediator = Mediator();
  auto silent = server.Client(s.silent_token);
  auto ctx = silent.Context(false);
  ctx->set_deadline(std::chrono::system_clock::now() + 20s);
  auto reader = silent.WatchNotices(ctx.get(), v1::WatchNoticesRequest());
  std::this_thread::sleep_for(300ms);  // let the stream open before the notice exists

  v1::Case filed;
  REQUIRE(mediator.FileDispute(Dispute(s, 3600), &filed).ok());
  v1::Notice n;
  REQUIRE(reader->Read(&n));
  CHECK(n.case_id() == filed.id());
  CHECK(n.party_id() == s.silent);
  CHECK(n.kind() == v1::NOTICE_KIND_CALL_TO_NEGOTIATE);
  ctx->TryCancel();
  reader->Finish();
}

TEST_CASE_METHOD(WithThreeParties, "bad requests get the right code and write nothing", "[e2e]") {
  auto mediator = Mediator();
  v1::Case filed;
  REQUIRE(mediator.FileDispute(Dispute(s, 3600), &filed).ok());
  size_t events_before = History(mediator, filed.id()).size();
  v1::Case out;

  SECTION("no token") {
    auto anonymous = server.Client("");
    CHECK(anonymous.GetCase(v1::GetCaseRequest(), &out).error_code() ==
          grpc::StatusCode::UNAUTHENTICATED);
  }
  SECTION("unknown token") {
    auto stranger = server.Client("bz_0000");
    v1::GetCaseRequest req;
    req.set_case_id(filed.id());
    CHECK(stranger.GetCase(req, &out).error_code() == grpc::StatusCode::UNAUTHENTICATED);
  }
  SECTION("a liaison filing a dispute") {
    auto liaison = server.Client(s.filer_token);
    CHECK(liaison.FileDispute(Dispute(s, 60), &out).error_code() ==
          grpc::StatusCode::PERMISSION_DENIED);
  }
  SECTION("a window of zero, negative or over a year") {
    for (int64_t seconds : {0LL, -5LL, 367LL * 86400}) {
      auto req = Dispute(s, 0);
      req.mutable_window()->set_seconds(seconds);
      auto st = mediator.FileDispute(req, &out);
      CHECK(st.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
      CHECK_THAT(st.error_message(), Catch::Contains("window"));
    }
  }
  SECTION("a respondent outside the group") {
    auto req = Dispute(s, 60);
    req.add_respondent_party_ids(9999);
    CHECK(mediator.FileDispute(req, &out).error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  }
  SECTION("an unknown enum value") {
    auto req = Dispute(s, 60);
    req.set_dimension(static_cast<v1::OperationalDimension>(77));
    auto st = mediator.FileDispute(req, &out);
    CHECK(st.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK_THAT(st.error_message(), Catch::Contains("dimension"));
  }
  SECTION("an unknown case") {
    v1::GetCaseRequest req;
    req.set_case_id(424242);
    CHECK(mediator.GetCase(req, &out).error_code() == grpc::StatusCode::NOT_FOUND);
  }
  SECTION("the filer answering as if it were a respondent") {
    auto filer = server.Client(s.filer_token);
    v1::RespondToNoticeRequest req;
    req.set_case_id(filed.id());
    req.set_position("x");
    req.set_visibility(v1::VISIBILITY_GROUP);
    CHECK(filer.RespondToNotice(req, &out).error_code() == grpc::StatusCode::PERMISSION_DENIED);
  }
  SECTION("an over-long position") {
    auto liaison = server.Client(s.answers_token);
    v1::RespondToNoticeRequest req;
    req.set_case_id(filed.id());
    req.set_position(std::string(64 * 1024 + 1, 'x'));
    req.set_visibility(v1::VISIBILITY_GROUP);
    CHECK(liaison.RespondToNotice(req, &out).error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  }
  SECTION("a second settlement") {
    v1::RecordSettlementRequest req;
    req.set_case_id(filed.id());
    req.set_text("Road opens by day");
    req.add_accepting_party_ids(s.answers);
    REQUIRE(mediator.RecordSettlement(req, &out).ok());
    events_before += 1;
    auto st = mediator.RecordSettlement(req, &out);
    CHECK(st.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
    CHECK_THAT(st.error_message(), Catch::Contains("SETTLED"));
  }
  CHECK(History(mediator, filed.id()).size() == events_before);
  v1::ListCasesResponse all;
  REQUIRE(mediator.ListCases(v1::ListCasesRequest(), &all).ok());
  CHECK(all.cases_size() == 1);
}

TEST_CASE_METHOD(
    WithThreeParties,
    "a commander token issued by a mediator cannot read or file disputes", "[e2e]") {
  auto mediator = Mediator();
  v1::Case filed;
  REQUIRE(mediator.FileDispute(Dispute(s, 3600), &filed).ok());

  v1::RegisterCommanderRequest reg;
  reg.set_name("Col. A. Diallo, Sector South");
  v1::RegisterCommanderResponse issued;
  REQUIRE(mediator.RegisterCommander(reg, &issued).ok());
  CHECK(issued.commander().id() > 0);

  auto commander = server.Client(issued.token());
  v1::WhoAmIResponse who;
  REQUIRE(commander.WhoAmI({}, &who).ok());
  CHECK(who.role() == v1::ROLE_COMMANDER);
  CHECK(who.subject() == "commander:" + std::to_string(issued.commander().id()));

  v1::GetCaseRequest get;
  get.set_case_id(filed.id());
  v1::Case out;
  CHECK(commander.GetCase(get, &out).error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(commander.FileDispute(Dispute(s, 60), &out).error_code() ==
        grpc::StatusCode::PERMISSION_DENIED);
  // Only a mediator issues commander tokens.
  auto liaison = server.Client(s.answers_token);
  CHECK(liaison.RegisterCommander(reg, &issued).error_code() ==
        grpc::StatusCode::PERMISSION_DENIED);
}

TEST_CASE_METHOD(WithThreeParties,
                 "a list of cases leaves out their texts unless the whole cases are asked for",
                 "[e2e]") {
  auto mediator = Mediator();
  v1::Case filed;
  auto dispute = Dispute(s, 3600);
  dispute.set_description("Convoys have been held at the Kilo 12 checkpoint since Monday.");
  REQUIRE(mediator.FileDispute(dispute, &filed).ok());
  auto answering = server.Client(s.answers_token);
  v1::Case answered;
  REQUIRE(answering.RespondToNotice(Answer(filed.id(), "We open the checkpoint by day."), &answered)
              .ok());
  REQUIRE(answered.positions_size() == 1);

  for (auto view : {v1::CASE_VIEW_UNSPECIFIED, v1::CASE_VIEW_BASIC}) {
    v1::ListCasesRequest req;
    req.set_view(view);
    v1::ListCasesResponse page;
    REQUIRE(mediator.ListCases(req, &page).ok());
    REQUIRE(page.cases_size() == 1);
    const v1::Case& basic = page.cases(0);
    CHECK(basic.id() == filed.id());
    CHECK(basic.title() == filed.title());
    CHECK(basic.etag() == answered.etag());
    CHECK(basic.respondents_size() == answered.respondents_size());
    CHECK(basic.description().empty());
    CHECK(basic.positions_size() == 0);
  }

  v1::ListCasesRequest full;
  full.set_view(v1::CASE_VIEW_FULL);
  v1::ListCasesResponse page;
  REQUIRE(mediator.ListCases(full, &page).ok());
  REQUIRE(page.cases_size() == 1);
  CHECK(page.cases(0).description() == dispute.description());
  REQUIRE(page.cases(0).positions_size() == 1);
  CHECK(page.cases(0).positions(0).text() == "We open the checkpoint by day.");

  v1::ListCasesRequest unknown;
  unknown.set_view(static_cast<v1::CaseView>(9));
  grpc::Status st = mediator.ListCases(unknown, &page);
  CHECK(st.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK_THAT(st.error_message(), Catch::Contains("CASE_VIEW_FULL"));
}

TEST_CASE_METHOD(WithThreeParties, "ListNotices is paged and says when more notices follow",
                 "[e2e][notices]") {
  auto mediator = Mediator();
  for (int i = 0; i < 3; ++i) {
    v1::Case filed;
    REQUIRE(mediator.FileDispute(Dispute(s, 3600), &filed).ok());
  }
  auto silent = server.Client(s.silent_token);
  std::vector<int64_t> ids;
  v1::ListNoticesRequest q;
  q.set_page_size(2);
  for (int page = 0; page < 10; ++page) {  // bounded: 3 notices, 2 a page
    v1::ListNoticesResponse r;
    REQUIRE(silent.ListNotices(q, &r).ok());
    CHECK(r.notices_size() <= 2);
    for (const auto& n : r.notices()) ids.push_back(n.id());
    if (r.next_after_notice_id() == 0) break;
    CHECK(r.next_after_notice_id() == r.notices(r.notices_size() - 1).id());
    q.set_after_notice_id(r.next_after_notice_id());
  }
  REQUIRE(ids.size() == 3);  // every call to negotiate, none twice, in order
  CHECK(std::is_sorted(ids.begin(), ids.end()));
  CHECK(std::adjacent_find(ids.begin(), ids.end()) == ids.end());
}

TEST_CASE_METHOD(WithThreeParties,
                 "RespondToNotice answers the whole case, or without its positions when BASIC is asked",
                 "[e2e][view]") {
  auto mediator = Mediator();
  v1::Case filed;
  REQUIRE(mediator.FileDispute(Dispute(s, 3600), &filed).ok());
  auto answering = server.Client(s.answers_token);
  v1::Case full;
  REQUIRE(answering.RespondToNotice(Answer(filed.id(), "First: the road opens by day."), &full).ok());
  CHECK(full.positions_size() == 1);

  auto brief = Answer(filed.id(), "Second: escorts too.");
  brief.set_view(v1::CASE_VIEW_BASIC);
  v1::Case basic;
  REQUIRE(answering.RespondToNotice(brief, &basic).ok());
  CHECK(basic.positions_size() == 0);          // the growing texts left out...
  CHECK(basic.description().empty());
  CHECK(basic.etag() != full.etag());          // ...but the new version and its state are there
  CHECK(basic.state() == full.state());
  CHECK(RespondentOf(basic, s.answers).status() == v1::RESPONDENT_STATUS_ANSWERED);
  v1::GetCaseRequest get;
  get.set_case_id(filed.id());
  v1::Case stored;
  REQUIRE(mediator.GetCase(get, &stored).ok());
  CHECK(stored.positions_size() == 2);         // the position was written all the same

  auto bad = Answer(filed.id(), "Third: never written.");
  bad.set_view(static_cast<v1::CaseView>(9));
  v1::Case out;
  auto st = answering.RespondToNotice(bad, &out);
  CHECK(st.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK_THAT(st.error_message(), Catch::Contains("view"));
  REQUIRE(mediator.GetCase(get, &stored).ok());
  CHECK(stored.positions_size() == 2);
}

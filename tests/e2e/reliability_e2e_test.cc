// End-to-end reliability on the real barazad and its SQLite file: idempotent
// retries, etags, size limits, and SIGKILL at random moments while clients
// file and answer cases — nothing acknowledged is lost, nothing fires twice.
#include <catch2/catch.hpp>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>

#include "tests/e2e/e2e_fixtures.h"

using namespace baraza;
using namespace baraza::testing;
using namespace std::chrono_literals;

namespace {

client::BarazaClient QuickClient(const ServerProcess& server, const std::string& token) {
  client::ClientOptions o;
  o.server = server.address();
  o.token = token;
  o.timeout = 1500ms;
  o.retries = 1;
  return client::BarazaClient(o);
}

std::string IntegrityCheck(const std::string& path) {
  sqlite3* db = nullptr;
  std::string result = "cannot open";
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
      result = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return result;
}

}  // namespace

TEST_CASE_METHOD(WithThreeParties, "a retried request with the same request_id is applied once",
                 "[e2e][reliability]") {
  auto mediator = Mediator();
  auto req = Dispute(s, 3600);
  req.set_request_id("file-7f3a");
  v1::Case first, again;
  REQUIRE(mediator.FileDispute(req, &first).ok());
  REQUIRE(mediator.FileDispute(req, &again).ok());
  CHECK(again.id() == first.id());
  v1::ListCasesResponse all;
  REQUIRE(mediator.ListCases({}, &all).ok());
  CHECK(all.cases_size() == 1);

  auto liaison = server.Client(s.answers_token);
  v1::RespondToNoticeRequest answer;
  answer.set_case_id(first.id());
  answer.set_position("We open the road by day.");
  answer.set_visibility(v1::VISIBILITY_GROUP);
  answer.set_request_id("answer-1");
  v1::Case a1, a2;
  REQUIRE(liaison.RespondToNotice(answer, &a1).ok());
  size_t events = History(mediator, first.id()).size();
  REQUIRE(liaison.RespondToNotice(answer, &a2).ok());
  CHECK(a2.version() == a1.version());
  CHECK(a2.positions_size() == 1);
  CHECK(History(mediator, first.id()).size() == events);

  // The same id with a different request is refused and writes nothing.
  answer.set_position("We close the road.");
  v1::Case out;
  auto st = liaison.RespondToNotice(answer, &out);
  CHECK(st.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK_THAT(st.error_message(), Catch::Contains("answer-1"));
  CHECK(History(mediator, first.id()).size() == events);

  // A request_id that is not printable ASCII is refused.
  answer.set_request_id("two words");
  CHECK(liaison.RespondToNotice(answer, &out).error_code() == grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_CASE_METHOD(WithThreeParties, "a change sent with a stale etag is aborted",
                 "[e2e][reliability]") {
  auto mediator = Mediator();
  v1::Case filed;
  REQUIRE(mediator.FileDispute(Dispute(s, 3600), &filed).ok());
  REQUIRE_FALSE(filed.etag().empty());
  // Another mediator's change lands first.
  v1::GrantExtensionRequest extend;
  extend.set_case_id(filed.id());
  extend.set_party_id(s.silent);
  extend.mutable_extension()->set_seconds(3600);
  extend.set_reason("The liaison is travelling.");
  extend.set_etag(filed.etag());
  v1::Case extended;
  REQUIRE(mediator.GrantExtension(extend, &extended).ok());
  CHECK(extended.etag() != filed.etag());
  // A second change based on the old read is refused, naming the state.
  v1::WithdrawCaseRequest withdraw;
  withdraw.set_case_id(filed.id());
  withdraw.set_reason("Resolved outside the group.");
  withdraw.set_etag(filed.etag());
  v1::Case out;
  auto st = mediator.WithdrawCase(withdraw, &out);
  CHECK(st.error_code() == grpc::StatusCode::ABORTED);
  CHECK_THAT(st.error_message(), Catch::Contains("NEGOTIATING"));
  CHECK(GetCase(mediator, filed.id()).state() == v1::CASE_STATE_NEGOTIATING);
  withdraw.set_etag(extended.etag());
  CHECK(mediator.WithdrawCase(withdraw, &out).ok());
}

TEST_CASE_METHOD(WithThreeParties, "a request over the size limit is refused with RESOURCE_EXHAUSTED",
                 "[e2e][reliability]") {
  auto mediator = Mediator();
  auto req = Dispute(s, 3600);
  req.set_description(std::string(2 << 20, 'x'));
  v1::Case out;
  CHECK(mediator.FileDispute(req, &out).error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
  v1::ListCasesResponse all;
  REQUIRE(mediator.ListCases({}, &all).ok());
  CHECK(all.cases_size() == 0);
}

TEST_CASE("SIGKILL at random moments loses no acknowledged change and fires no deadline twice",
          "[e2e][reliability][crash]") {
  TempDir dir;
  ServerProcess server(dir);
  REQUIRE(server.Start());
  Setup s;
  {
    auto mediator = server.Client(server.mediator_token());
    s = ThreeParties(mediator);
  }
  std::mutex mu;
  std::set<int64_t> acknowledged_cases, acknowledged_answers;
  std::mt19937 rng(20261125);
  constexpr int kKills = 50;

  for (int round = 0; round < kKills; ++round) {
    std::atomic<bool> stop{false};
    auto mediator = QuickClient(server, server.mediator_token());
    auto liaison = QuickClient(server, s.answers_token);
    std::thread filer([&] {
      for (int i = 0; i < 200 && !stop; ++i) {  // bounded
        v1::Case c;
        if (mediator.FileDispute(Dispute(s, 2 + i % 3), &c).ok()) {
          std::lock_guard lock(mu);
          acknowledged_cases.insert(c.id());
        }
      }
    });
    std::thread answerer([&] {
      for (int i = 0; i < 200 && !stop; ++i) {  // bounded
        int64_t target = 0;
        {
          std::lock_guard lock(mu);
          for (int64_t id : acknowledged_cases)
            if (!acknowledged_answers.count(id)) target = id;
        }
        if (target == 0) {
          std::this_thread::sleep_for(5ms);
          continue;
        }
        v1::RespondToNoticeRequest req;
        req.set_case_id(target);
        req.set_position("Answered in round " + std::to_string(round));
        req.set_visibility(v1::VISIBILITY_GROUP);
        v1::Case out;
        auto st = liaison.RespondToNotice(req, &out);
        std::lock_guard lock(mu);
        // Acknowledged, or refused because its window had already closed: either way, done.
        if (st.ok()) acknowledged_answers.insert(target);
        if (st.error_code() == grpc::StatusCode::FAILED_PRECONDITION) acknowledged_answers.insert(-target);
      }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + rng() % 250));
    server.Kill();
    stop = true;
    filer.join();
    answerer.join();
    REQUIRE(server.Start());

    // Everything acknowledged before the kill is there (read in pages, not one call each).
    auto check = server.Client(server.mediator_token());
    std::map<int64_t, v1::Case> stored;
    v1::ListCasesRequest page;
    page.set_page_size(500);
    for (int i = 0; i < 1000; ++i) {  // bounded
      v1::ListCasesResponse resp;
      REQUIRE(check.ListCases(page, &resp).ok());
      for (const auto& c : resp.cases()) stored[c.id()] = c;
      if (resp.next_page_token().empty()) break;
      page.set_page_token(resp.next_page_token());
    }
    std::lock_guard lock(mu);
    for (int64_t id : acknowledged_cases) {
      auto it = stored.find(id);
      REQUIRE(it != stored.end());
      if (acknowledged_answers.count(id))
        CHECK(RespondentOf(it->second, s.answers).status() == v1::RESPONDENT_STATUS_ANSWERED);
    }
  }
  // Let every window close, then check each deadline fired once and only once.
  std::this_thread::sleep_for(5s);
  auto mediator = server.Client(server.mediator_token());
  REQUIRE(acknowledged_cases.size() > 10);
  for (int64_t id : acknowledged_cases) {
    v1::Case c = WaitForCase(mediator, id, 10s, [](const v1::Case& k) {
      return k.state() != v1::CASE_STATE_NEGOTIATING;
    });
    CHECK(c.state() != v1::CASE_STATE_NEGOTIATING);
    auto events = History(mediator, id);
    CHECK(Count(events, v1::EVENT_TYPE_NOTIFIED, s.answers) == 1);
    CHECK(Count(events, v1::EVENT_TYPE_NOTIFIED, s.silent) == 1);
    int judged = Count(events, v1::EVENT_TYPE_DEFAULT_JUDGEMENT_ENTERED, s.silent);
    int referred = Count(events, v1::EVENT_TYPE_REFERRED_TO_MEDIATOR, s.silent);
    CHECK(judged + referred == 1);
    CHECK(Count(events, v1::EVENT_TYPE_DEFAULT_JUDGEMENT_ENTERED, s.answers) +
              Count(events, v1::EVENT_TYPE_REFERRED_TO_MEDIATOR, s.answers) <=
          1);
    std::set<std::string> reminders;
    for (const auto& e : events)
      if (e.type() == v1::EVENT_TYPE_REMINDED) {
        std::string key = std::to_string(e.party_id()) + "/" + e.details().at("reminder");
        CHECK(reminders.insert(key).second);  // no reminder twice
      }
  }
  REQUIRE(server.Stop() == 0);
  CHECK(IntegrityCheck(server.db_path()) == "ok");
  // The hash-chained history survived every kill: no event half-written or lost from the chain.
  auto [audit_code, audit_out] =
      RunCommand(std::string(BARAZAD_PATH) + " audit verify --db " + server.db_path());
  INFO(audit_out);
  CHECK(audit_code == 0);
  CHECK_THAT(audit_out, Catch::StartsWith("ok: "));
}

TEST_CASE_METHOD(WithThreeParties,
                 "SIGTERM ends notice streams with UNAVAILABLE, refuses new calls and exits 0",
                 "[e2e][reliability]") {
  auto liaison = server.Client(s.silent_token);
  auto ctx = liaison.Context(false);
  ctx->set_deadline(std::chrono::system_clock::now() + 30s);
  auto reader = liaison.WatchNotices(ctx.get(), v1::WatchNoticesRequest());
  auto mediator = Mediator();
  v1::Case filed;
  REQUIRE(mediator.FileDispute(Dispute(s, 3600), &filed).ok());
  v1::Notice n;
  REQUIRE(reader->Read(&n));  // the stream is open and delivering
  std::string address = server.address();

  CHECK(server.Stop() == 0);  // SIGTERM, and wait for the exit code
  while (reader->Read(&n)) {
  }  // bounded: the stream ends when the server stops
  grpc::Status end = reader->Finish();
  CHECK(end.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK_THAT(end.error_message(), Catch::Contains("shutting down"));

  // Nothing listens any more: a new call is UNAVAILABLE.
  client::ClientOptions o;
  o.server = address;
  o.token = server.mediator_token();
  o.timeout = 1s;
  o.retries = 0;
  v1::Case out;
  v1::GetCaseRequest get;
  get.set_case_id(filed.id());
  CHECK(client::BarazaClient(o).GetCase(get, &out).error_code() == grpc::StatusCode::UNAVAILABLE);
  // And the database was closed cleanly.
  CHECK(IntegrityCheck(server.db_path()) == "ok");
}

TEST_CASE_METHOD(WithThreeParties,
                 "SIGTERM with clients connected but idle exits within a second, data intact",
                 "[e2e][reliability]") {
  auto mediator = Mediator();
  v1::Case filed;
  REQUIRE(mediator.FileDispute(Dispute(s, 3600), &filed).ok());
  // A liaison's open notice stream, and the mediator's channel, connected and idle.
  auto liaison = server.Client(s.silent_token);
  auto ctx = liaison.Context(false);
  ctx->set_deadline(std::chrono::system_clock::now() + 30s);
  auto reader = liaison.WatchNotices(ctx.get(), v1::WatchNoticesRequest());
  v1::Notice n;
  REQUIRE(reader->Read(&n));
  v1::WhoAmIResponse who;
  REQUIRE(mediator.WhoAmI({}, &who).ok());

  auto asked = std::chrono::steady_clock::now();
  int code = server.Stop();  // SIGTERM, and wait for the exit
  auto took = std::chrono::steady_clock::now() - asked;
  CHECK(code == 0);
  INFO("barazad took " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                       << " ms to stop");
  CHECK(took < 1s);
  while (reader->Read(&n)) {
  }  // bounded: the stream has ended
  CHECK(reader->Finish().error_code() == grpc::StatusCode::UNAVAILABLE);

  CHECK(IntegrityCheck(server.db_path()) == "ok");
  REQUIRE(server.Start());
  auto again = Mediator();  // a new port
  CHECK(GetCase(again, filed.id()).title() == filed.title());
}

TEST_CASE_METHOD(WithThreeParties, "a catalogue of malformed requests: each a clear error, nothing written",
                 "[e2e][reliability]") {
  auto mediator = Mediator();
  v1::Case filed;
  REQUIRE(mediator.FileDispute(Dispute(s, 3600), &filed).ok());
  auto snapshot = [&] {
    v1::ListCasesResponse all;
    REQUIRE(mediator.ListCases({}, &all).ok());
    size_t events = 0;
    for (const auto& c : all.cases()) events += History(mediator, c.id()).size();
    return std::pair(all.cases_size(), events);
  };
  const auto before = snapshot();
  v1::Case out;
  struct Expect {
    const char* what;
    grpc::Status status;
    grpc::StatusCode code;
    const char* mentions;
  };
  auto dispute = [&](auto edit) {
    auto req = Dispute(s, 3600);
    edit(req);
    return mediator.FileDispute(req, &out);
  };
  std::vector<Expect> catalogue = {
      {"group id zero", dispute([](auto& r) { r.set_group_id(0); }),
       grpc::StatusCode::INVALID_ARGUMENT, "group_id"},
      {"negative group id", dispute([](auto& r) { r.set_group_id(-4); }),
       grpc::StatusCode::INVALID_ARGUMENT, "group_id"},
      {"unknown group", dispute([](auto& r) { r.set_group_id(987654); }),
       grpc::StatusCode::NOT_FOUND, "987654"},
      {"a title over 200 bytes", dispute([](auto& r) { r.set_title(std::string(201, 't')); }),
       grpc::StatusCode::INVALID_ARGUMENT, "title"},
      {"a description over 64 KiB",
       dispute([](auto& r) { r.set_description(std::string(64 * 1024 + 1, 'd')); }),
       grpc::StatusCode::INVALID_ARGUMENT, "description"},
      {"a blank title", dispute([](auto& r) { r.set_title(" \t "); }),
       grpc::StatusCode::INVALID_ARGUMENT, "title"},
      {"a zero window", dispute([](auto& r) { r.mutable_window()->set_seconds(0); }),
       grpc::StatusCode::INVALID_ARGUMENT, "window"},
      {"a negative window", dispute([](auto& r) { r.mutable_window()->set_seconds(-60); }),
       grpc::StatusCode::INVALID_ARGUMENT, "window"},
      {"a huge window",
       dispute([](auto& r) { r.mutable_window()->set_seconds(int64_t{1} << 40); }),
       grpc::StatusCode::INVALID_ARGUMENT, "window"},
      {"no window", dispute([](auto& r) { r.clear_window(); }), grpc::StatusCode::INVALID_ARGUMENT,
       "window"},
      {"an unknown standard", dispute([](auto& r) { r.add_standards(static_cast<v1::Standard>(99)); }),
       grpc::StatusCode::INVALID_ARGUMENT, "standards"},
      {"no dimension",
       dispute([](auto& r) { r.set_dimension(v1::OPERATIONAL_DIMENSION_UNSPECIFIED); }),
       grpc::StatusCode::INVALID_ARGUMENT, "dimension"},
      {"a respondent named twice", dispute([&](auto& r) { r.add_respondent_party_ids(s.silent); }),
       grpc::StatusCode::INVALID_ARGUMENT, "twice"},
  };
  {
    v1::GetCaseRequest get;
    get.set_case_id(-1);
    catalogue.push_back({"a negative case id", mediator.GetCase(get, &out),
                         grpc::StatusCode::INVALID_ARGUMENT, "case_id"});
    v1::GrantExtensionRequest extend;
    extend.set_case_id(filed.id());
    extend.set_party_id(s.silent);
    extend.mutable_extension()->set_seconds(-5);
    extend.set_reason("x");
    catalogue.push_back({"a negative extension", mediator.GrantExtension(extend, &out),
                         grpc::StatusCode::INVALID_ARGUMENT, "extension"});
    v1::RespondToNoticeRequest answer;
    answer.set_case_id(filed.id());
    answer.set_position("yes");
    answer.set_visibility(static_cast<v1::Visibility>(7));
    catalogue.push_back({"an unknown visibility",
                         server.Client(s.answers_token).RespondToNotice(answer, &out),
                         grpc::StatusCode::INVALID_ARGUMENT, "visibility"});
  }
  for (const auto& e : catalogue) {
    INFO(e.what << ": " << e.status.error_message());
    CHECK(e.status.error_code() == e.code);
    CHECK_THAT(e.status.error_message(), Catch::Contains(e.mentions));
  }
  CHECK(snapshot() == before);
}

TEST_CASE_METHOD(WithThreeParties,
                 "a title that is not valid UTF-8 is refused by the client, naming the field",
                 "[e2e][reliability]") {
  auto mediator = Mediator();
  auto req = Dispute(s, 3600);
  req.set_title("Checkpoint \xff\xfe road");
  v1::Case out;
  auto st = mediator.FileDispute(req, &out);
  CHECK(st.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK_THAT(st.error_message(), Catch::Contains("title") && Catch::Contains("UTF-8"));
  v1::ListCasesResponse all;
  REQUIRE(mediator.ListCases({}, &all).ok());
  CHECK(all.cases_size() == 0);
}

namespace {
// A port on 127.0.0.1 that nothing listens on now.
int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  socklen_t len = sizeof a;
  REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
  close(fd);
  return ntohs(a.sin_port);
}
}  // namespace

TEST_CASE("notice watch reconnects after a restart and resumes with no gap and no duplicate",
          "[e2e][reliability][notices]") {
  TempDir dir;
  ServerProcess server(dir);
  server.listen = "127.0.0.1:" + std::to_string(FreePort());
  REQUIRE(server.Start());
  Setup s;
  {
    auto mediator = server.Client(server.mediator_token());
    s = ThreeParties(mediator);
    v1::Case filed;
    REQUIRE(mediator.FileDispute(Dispute(s, 3600), &filed).ok());
  }
  std::string token_file = WriteTokenFile(dir, "silent.token", s.silent_token);
  FILE* watch = popen((std::string(BARAZA_LIAISON_PATH) + " --server " + server.listen +
                       " --token-file " + token_file + " notice watch --count 2 --for 60 2>&1")
                          .c_str(),
                      "r");
  REQUIRE(watch);
  std::string out;
  char line[512];
  REQUIRE(fgets(line, sizeof line, watch));  // the first call to negotiate
  out += line;
  // barazad restarts on the same address; meanwhile a notice is missed by the stream.
  REQUIRE(server.Stop() == 0);
  REQUIRE(server.Start());
  {
    auto mediator = server.Client(server.mediator_token());
    v1::Case filed;
    REQUIRE(mediator.FileDispute(Dispute(s, 3600), &filed).ok());
  }
  while (fgets(line, sizeof line, watch)) out += line;  // ends after the second notice
  int status = pclose(watch);
  INFO(out);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK_THAT(out, Catch::Contains("reconnecting"));
  size_t calls = 0;
  for (size_t at = out.find("call-to-negotiate"); at != std::string::npos;
       at = out.find("call-to-negotiate", at + 1))
    ++calls;
  CHECK(calls == 2);  // the one before the restart and the one after, each once
}

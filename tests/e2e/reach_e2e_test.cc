// Reach, end to end: the real barazad sends notices to a real SMTP server and a
// real HTTP receiver that the test starts on 127.0.0.1; a delivery report comes
// back signed; the default judgement cites the receipts, a party no notice
// reached is referred instead, and a SIGKILL while sending loses nothing.
#include <catch2/catch.hpp>
#include <curl/curl.h>

#include <fstream>
#include <set>

#include "services/outreach/signature.h"
#include "tests/e2e/e2e_fixtures.h"
#include "tests/outreach/sink_process.h"

using namespace baraza;
using namespace baraza::testing;

namespace {

std::string SecretOf(const TempDir& dir, const std::string& file = "webhook.secret") {
  std::ifstream in(dir.file(file));
  std::string line;
  std::getline(in, line);
  return line;
}

// POSTs a signed delivery report to barazad; returns the HTTP status.
long PostReport(int port, const std::string& secret, const std::string& body) {
  CURL* curl = curl_easy_init();
  std::string url = "http://127.0.0.1:" + std::to_string(port) + "/v1/delivery-reports";
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  std::string sig = "X-Baraza-Signature: sha256=" + outreach::Sign(secret, body);
  headers = curl_slist_append(headers, sig.c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  long code = 0;
  if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return code;
}

int64_t AddContact(client::BarazaClient& m, int64_t liaison, v1::ContactKind kind,
                   const std::string& address) {
  v1::AddContactPointRequest req;
  req.set_liaison_id(liaison);
  req.set_kind(kind);
  req.set_address(address);
  v1::ContactPoint out;
  auto s = m.AddContactPoint(req, &out);
  INFO(s.error_message());
  REQUIRE(s.ok());
  return out.id();
}

int64_t LiaisonId(client::BarazaClient& liaison) {
  v1::WhoAmIResponse who;
  REQUIRE(liaison.WhoAmI({}, &who).ok());
  return std::stoll(who.subject().substr(who.subject().find(':') + 1));
}

std::vector<v1::Delivery> Deliveries(client::BarazaClient& m, int64_t case_id) {
  v1::ListDeliveriesRequest req;
  req.set_case_id(case_id);
  v1::ListDeliveriesResponse resp;
  REQUIRE(m.ListDeliveries(req, &resp).ok());
  return {resp.deliveries().begin(), resp.deliveries().end()};
}

// A running barazad whose mail relay and SMS gateway are the test's sinks.
class WithSinks {
 protected:
  explicit WithSinks(const std::vector<std::string>& more_args = {}) {
    REQUIRE(smtp.Start("smtp_sink.py", mail_dir.file("")));
    REQUIRE(http.Start("http_sink.py", hook_dir.file("")));
    server.extra_args = {"--smtp-relay", "smtp://127.0.0.1:" + std::to_string(smtp.port()),
                         "--mail-from", "baraza@mission.example.org",
                         "--sms-gateway", Hook("/accepted"),
                         "--delivery-reports", "127.0.0.1:0"};
    server.extra_args.insert(server.extra_args.end(), more_args.begin(), more_args.end());
    REQUIRE(server.Start());
    auto m = Mediator();
    s = ThreeParties(m);
  }
  client::BarazaClient Mediator() { return server.Client(server.mediator_token()); }
  std::string Hook(const std::string& path) {
    return "http://127.0.0.1:" + std::to_string(http.port()) + path;
  }
  int64_t Liaison(const std::string& token) {
    auto c = server.Client(token);
    return LiaisonId(c);
  }

  TempDir dir, mail_dir, hook_dir;
  SinkProcess smtp, http;
  ServerProcess server{dir};
  Setup s;
};

// The same, with mediators who read French (barazad --mediator-language fr).
class WithFrenchMediators : public WithSinks {
 protected:
  WithFrenchMediators() : WithSinks({"--mediator-language", "fr"}) {}
};

}  // namespace

TEST_CASE_METHOD(WithSinks,
                 "reach: each liaison gets an e-mail and a webhook naming the case and the "
                 "deadline; the silent party's reminders reach it and its judgement cites them",
                 "[e2e][reach]") {
  auto m = Mediator();
  for (const auto* token : {&s.answers_token, &s.silent_token}) {
    int64_t id = Liaison(*token);
    AddContact(m, id, v1::CONTACT_KIND_EMAIL, "liaison" + std::to_string(id) + "@party.example.org");
    AddContact(m, id, v1::CONTACT_KIND_WEBHOOK, Hook("/ok"));
  }
  int64_t sms = AddContact(m, Liaison(s.silent_token), v1::CONTACT_KIND_SMS, "+252612345678");
  v1::Case filed;
  REQUIRE(m.FileDispute(Dispute(s, 8), &filed).ok());
  REQUIRE(server.Client(s.answers_token)
              .RespondToNotice(Answer(filed.id(), "We will move the checkpoint."), &filed)
              .ok());
  v1::Case done = WaitForCase(m, filed.id(), 30s, [](const v1::Case& k) {
    return k.state() == v1::CASE_STATE_DEFAULT_JUDGEMENT;
  });
  REQUIRE(done.state() == v1::CASE_STATE_DEFAULT_JUDGEMENT);

  // The mail relay got the call to negotiate for both liaisons, naming the case and the deadline.
  auto mails = ReadRecords(mail_dir.file(""));
  std::string subject = "(case " + std::to_string(filed.id()) + ")";
  int calls = 0;
  for (const auto& mail : mails) {
    std::string body = mail.dump();
    if (body.find("Call to negotiate " + subject) == std::string::npos) continue;
    ++calls;
    CHECK(body.find("Deadline: ") != std::string::npos);
  }
  CHECK(calls == 2);
  // The webhook receiver got signed JSON for each, with its idempotency key.
  std::string secret = SecretOf(dir);
  int hooks = 0;
  std::set<std::string> keys;
  for (const auto& r : ReadRecords(hook_dir.file(""))) {
    if (r["path"] != "/ok") continue;
    auto body = nlohmann::json::parse(r["body"].get<std::string>());
    if (body["case_id"] != filed.id()) continue;
    ++hooks;
    CHECK(outreach::Verify(secret, r["body"], r["headers"]["x-baraza-signature"]));
    CHECK(r["headers"]["idempotency-key"] == body["idempotency_key"]);
    keys.insert(body["idempotency_key"].get<std::string>());
    if (body["kind"] == "call to negotiate") CHECK_FALSE(body["deadline"].is_null());
  }
  CHECK(hooks >= 3);  // a call to each liaison, and the silent one's reminders
  CHECK(keys.size() == static_cast<size_t>(hooks));  // one key per delivery

  // The SMS gateway accepted the SMS (sent); its delivery report comes back signed.
  std::string sms_key;
  for (const auto& d : Deliveries(m, filed.id()))
    if (d.contact_point_id() == sms && d.notice_kind() == v1::NOTICE_KIND_CALL_TO_NEGOTIATE) {
      CHECK(d.state() == v1::DELIVERY_STATE_SENT);
      sms_key = d.idempotency_key();
    }
  REQUIRE_FALSE(sms_key.empty());
  std::string report = R"({"idempotency_key":")" + sms_key + R"(","status":"delivered"})";
  CHECK(PostReport(server.reports_port(), "not the secret", report) == 401);
  // The webhook secret is known to every system that receives webhooks, parties'
  // systems among them: it cannot sign a report. The gateway's own secret can.
  CHECK(PostReport(server.reports_port(), secret, report) == 401);
  std::string gateway = SecretOf(dir, "delivery-reports.secret");
  REQUIRE_FALSE(gateway.empty());
  CHECK(gateway != secret);
  CHECK(PostReport(server.reports_port(), gateway, report) == 204);
  // A report about a webhook delivery (a party's own system) is refused.
  std::string webhook_key;
  for (const auto& d : Deliveries(m, filed.id()))
    if (d.kind() == v1::CONTACT_KIND_WEBHOOK && d.idempotency_key().size()) webhook_key = d.idempotency_key();
  REQUIRE_FALSE(webhook_key.empty());
  CHECK(PostReport(server.reports_port(), gateway,
                   R"({"idempotency_key":")" + webhook_key + R"(","status":"failed"})") == 404);
  for (const auto& d : Deliveries(m, filed.id()))
    if (d.idempotency_key() == sms_key) CHECK(d.state() == v1::DELIVERY_STATE_DELIVERED);

  // The judgement rests on a delivered reminder, and says when it arrived.
  bool cited = false;
  for (const auto& e : History(m, filed.id()))
    if (e.type() == v1::EVENT_TYPE_DEFAULT_JUDGEMENT_ENTERED && e.party_id() == s.silent)
      cited = e.details().count("reminder_delivered_at") > 0 &&
              e.details().at("reminder_delivered_at") != "-";
  CHECK(cited);
}

TEST_CASE_METHOD(WithSinks,
                 "reach: a party all of whose deliveries failed is referred to the mediator "
                 "with the reason",
                 "[e2e][reach]") {
  auto m = Mediator();
  int64_t silent = Liaison(s.silent_token);
  AddContact(m, silent, v1::CONTACT_KIND_EMAIL, "nosuchuser@snf.example.org");  // 550
  AddContact(m, silent, v1::CONTACT_KIND_WEBHOOK, Hook("/gone"));               // 404
  v1::Case filed;
  REQUIRE(m.FileDispute(Dispute(s, 6), &filed).ok());
  REQUIRE(server.Client(s.answers_token)
              .RespondToNotice(Answer(filed.id(), "Agreed."), &filed)
              .ok());
  v1::Case done = WaitForCase(m, filed.id(), 30s, [](const v1::Case& k) {
    return k.state() == v1::CASE_STATE_AWAITING_DECISION;
  });
  REQUIRE(done.state() == v1::CASE_STATE_AWAITING_DECISION);
  CHECK(RespondentOf(done, s.silent).status() == v1::RESPONDENT_STATUS_REFERRED);
  CHECK(done.outcome().defaulted_party_ids_size() == 0);
  std::string reason;
  for (const auto& e : History(m, filed.id()))
    if (e.type() == v1::EVENT_TYPE_REFERRED_TO_MEDIATOR && e.party_id() == s.silent)
      reason = e.details().at("reason");
  INFO(reason);
  CHECK_THAT(reason, Catch::Contains("no reminder reached Somali National Front"));
  CHECK_THAT(reason, Catch::Contains("deliveries failed"));
  // The whole group sees the referral: it names no address and quotes no reply.
  CHECK(reason.find("nosuchuser") == std::string::npos);
  CHECK(reason.find("127.0.0.1") == std::string::npos);
  CHECK(reason.find("550") == std::string::npos);
  for (const auto& d : Deliveries(m, filed.id()))
    if (d.party_id() == s.silent) CHECK(d.state() == v1::DELIVERY_STATE_FAILED);
}

TEST_CASE_METHOD(WithSinks,
                 "reach: SIGKILL while sending loses no delivery and repeats one only with its key",
                 "[e2e][reach][reliability]") {
  auto m = Mediator();
  // A receiver that takes 50 ms a request: the 80 deliveries take seconds to drain.
  AddContact(m, Liaison(s.silent_token), v1::CONTACT_KIND_WEBHOOK, Hook("/delay/50"));
  AddContact(m, Liaison(s.answers_token), v1::CONTACT_KIND_WEBHOOK, Hook("/delay/50"));
  std::vector<int64_t> cases;
  for (int i = 0; i < 40; ++i) {
    v1::Case filed;
    REQUIRE(m.FileDispute(Dispute(s, 3600), &filed).ok());
    cases.push_back(filed.id());
  }
  // Killed while the outbox drains (bounded: at most 5 s for the first requests).
  auto until = std::chrono::steady_clock::now() + 5s;
  while (ReadRecords(hook_dir.file("")).size() < 5 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(20ms);
  server.Kill();
  size_t before_restart = ReadRecords(hook_dir.file("")).size();
  CHECK(before_restart < 80);  // the kill fell while the outbox was draining
  REQUIRE(server.Start());
  m = Mediator();
  // Every delivery ends delivered (bounded wait).
  // (The filer's party has no contact point: its notices are undeliverable.)
  auto all_delivered = [&] {
    for (int64_t id : cases)
      for (const auto& d : Deliveries(m, id))
        if (d.contact_point_id() != 0 && d.state() != v1::DELIVERY_STATE_DELIVERED) return false;
    return true;
  };
  until = std::chrono::steady_clock::now() + 30s;
  while (!all_delivered() && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(200ms);
  REQUIRE(all_delivered());
  // Each delivery reached the receiver at least once; anything repeated carries
  // the same key, and nothing arrived that the record does not know.
  std::set<std::string> expected;
  for (int64_t id : cases)
    for (const auto& d : Deliveries(m, id)) {
      if (d.contact_point_id() == 0) continue;
      CHECK(d.attempts() == 1);  // recorded once
      expected.insert(d.idempotency_key());
    }
  std::set<std::string> received;
  for (const auto& r : ReadRecords(hook_dir.file(""))) {
    std::string key = r["headers"]["idempotency-key"];
    CHECK(expected.count(key) == 1);
    received.insert(key);
  }
  CHECK(received == expected);
}

TEST_CASE_METHOD(WithSinks, "reach: a slow receiver holds up only its own share of the outbox",
                 "[e2e][reach]") {
  auto m = Mediator();
  // Party A's system answers after 3 s (a party can make its own endpoint slow);
  // party B's at once. Their contact points fall to different sender threads.
  int64_t slow = AddContact(m, Liaison(s.answers_token), v1::CONTACT_KIND_WEBHOOK, Hook("/slow"));
  int64_t fast = AddContact(m, Liaison(s.silent_token), v1::CONTACT_KIND_WEBHOOK, Hook("/ok"));
  REQUIRE(slow % 4 != fast % 4);
  std::vector<int64_t> cases;
  for (int i = 0; i < 3; ++i) {
    v1::Case filed;
    REQUIRE(m.FileDispute(Dispute(s, 3600), &filed).ok());
    cases.push_back(filed.id());
  }
  auto fast_delivered = [&] {
    int n = 0;
    for (int64_t id : cases)
      for (const auto& d : Deliveries(m, id))
        n += d.contact_point_id() == fast && d.state() == v1::DELIVERY_STATE_DELIVERED;
    return n;
  };
  auto until = std::chrono::steady_clock::now() + 2500ms;  // the slow ones need 9 s
  while (fast_delivered() < 3 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(50ms);
  CHECK(fast_delivered() == 3);
  int slow_done = 0;
  for (int64_t id : cases)
    for (const auto& d : Deliveries(m, id))
      slow_done += d.contact_point_id() == slow && d.state() == v1::DELIVERY_STATE_DELIVERED;
  CHECK(slow_done < 3);  // still on their way: the fast ones did not wait for them
}

namespace {

// Waits until `done` holds for the records a sink has written, or `timeout`.
bool WaitForRecords(const std::string& dir, std::chrono::seconds timeout,
                    const std::function<bool(const std::vector<nlohmann::json>&)>& done) {
  auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {  // bounded by the timeout
    if (done(ReadRecords(dir))) return true;
    std::this_thread::sleep_for(100ms);
  }
  return done(ReadRecords(dir));
}

bool AnyContains(const std::vector<nlohmann::json>& records, const std::string& text) {
  for (const auto& r : records)
    if (r.dump().find(text) != std::string::npos) return true;
  return false;
}

std::vector<v1::Notice> NoticesOf(client::BarazaClient& c) {
  v1::ListNoticesResponse resp;
  auto status = c.ListNotices({}, &resp);
  INFO(status.error_message());
  REQUIRE(status.ok());
  return {resp.notices().begin(), resp.notices().end()};
}

}  // namespace

TEST_CASE_METHOD(WithSinks,
                 "reach: the mediators' e-mail gets an extension request and a case awaiting a "
                 "ruling, a commander's webhook the appeal against its action",
                 "[e2e][reach]") {
  auto m = Mediator();
  v1::AddContactPointRequest mediators;
  mediators.set_mediators(true);
  mediators.set_kind(v1::CONTACT_KIND_EMAIL);
  mediators.set_address("mediators@mission.example.org");
  v1::ContactPoint point;
  REQUIRE(m.AddContactPoint(mediators, &point).ok());
  CHECK(point.role() == v1::ROLE_MEDIATOR);

  // A party asks for more time: the mediators hear of it by e-mail, with the reason.
  v1::Case filed;
  REQUIRE(m.FileDispute(Dispute(s, 600), &filed).ok());
  v1::RequestExtensionRequest ask;
  ask.set_case_id(filed.id());
  ask.mutable_extension()->set_seconds(3 * 86400);
  ask.set_reason("Our delegate is travelling to Baidoa.");
  auto silent = server.Client(s.silent_token);
  REQUIRE(silent.RequestExtension(ask, &filed).ok());
  std::string subject = "Extension requested (case " + std::to_string(filed.id()) + ")";
  CHECK(WaitForRecords(mail_dir.file(""), 30s, [&](const std::vector<nlohmann::json>& mails) {
    return AnyContains(mails, subject) && AnyContains(mails, "travelling to Baidoa");
  }));
  auto told = NoticesOf(m);
  REQUIRE_FALSE(told.empty());
  CHECK(told.back().kind() == v1::NOTICE_KIND_EXTENSION_REQUESTED);
  CHECK(told.back().recipient_role() == v1::ROLE_MEDIATOR);
  // The reason is the mediators' alone: no party's notices carry it.
  for (const auto* token : {&s.silent_token, &s.answers_token, &s.filer_token}) {
    auto party = server.Client(*token);
    for (const auto& n : NoticesOf(party)) CHECK(n.text().find("Baidoa") == std::string::npos);
  }

  // A commander with a webhook of its own hears of an appeal against its action.
  std::string commander_token = RegisterCommander(m, "Col. A. Diallo, Sector South");
  auto commander = server.Client(commander_token);
  v1::WhoAmIResponse who;
  REQUIRE(commander.WhoAmI({}, &who).ok());
  int64_t commander_id = std::stoll(who.subject().substr(who.subject().find(':') + 1));
  v1::AddContactPointRequest hook;
  hook.set_commander_id(commander_id);
  hook.set_kind(v1::CONTACT_KIND_WEBHOOK);
  hook.set_address(Hook("/commander"));
  REQUIRE(m.AddContactPoint(hook, &point).ok());
  v1::ListContactPointsResponse own;
  REQUIRE(commander.ListContactPoints({}, &own).ok());
  REQUIRE(own.contact_points_size() == 1);
  CHECK(own.contact_points(0).address() == Hook("/commander"));
  // Confidential: a liaison cannot list the commander's, nor the mediators'.
  v1::ListContactPointsRequest theirs;
  theirs.set_commander_id(commander_id);
  v1::ListContactPointsResponse listed;
  CHECK(silent.ListContactPoints(theirs, &listed).error_code() == grpc::StatusCode::NOT_FOUND);
  v1::ListContactPointsRequest ours;
  ours.set_mediators(true);
  CHECK(silent.ListContactPoints(ours, &listed).error_code() == grpc::StatusCode::NOT_FOUND);

  v1::Case action;
  REQUIRE(commander.LogEmergencyAction(EmergencyActionIn(s.group, {s.answers, s.silent}), &action)
              .ok());
  v1::AppealActionRequest appeal;
  appeal.set_case_id(action.id());
  appeal.set_grounds("The roadblock was ours and nobody fired.");
  REQUIRE(server.Client(s.answers_token).AppealAction(appeal, &action).ok());
  CHECK(WaitForRecords(hook_dir.file(""), 30s, [&](const std::vector<nlohmann::json>& records) {
    for (const auto& r : records)
      if (r["path"] == "/commander" &&
          r["body"].get<std::string>().find("appealed your action") != std::string::npos)
        return true;
    return false;
  }));
  auto appeals = NoticesOf(commander);
  REQUIRE(appeals.size() == 1);
  CHECK(appeals[0].kind() == v1::NOTICE_KIND_APPEAL);
  CHECK(appeals[0].commander_id() == commander_id);
  // And the mediators, who rule on it.
  CHECK(WaitForRecords(mail_dir.file(""), 30s, [&](const std::vector<nlohmann::json>& mails) {
    return AnyContains(mails, "Awaiting ruling (case " + std::to_string(action.id()) + ")");
  }));
  // Each mediators' and commander's delivery is on the case's outreach record.
  auto delivered = [&] {
    int staff = 0;
    for (const auto& d : Deliveries(m, action.id()))
      if (d.party_id() == 0 && d.state() == v1::DELIVERY_STATE_DELIVERED) ++staff;
    return staff;
  };
  for (int i = 0; i < 100 && delivered() < 2; ++i) std::this_thread::sleep_for(100ms);
  CHECK(delivered() == 2);
}

TEST_CASE_METHOD(WithFrenchMediators,
                 "reach: each recipient's e-mail subject and text are in its language: the "
                 "mediators' in theirs, a French liaison's in French",
                 "[e2e][reach][i18n]") {
  auto m = Mediator();
  v1::AddContactPointRequest mediators;
  mediators.set_mediators(true);
  mediators.set_kind(v1::CONTACT_KIND_EMAIL);
  mediators.set_address("mediators@mission.example.org");
  v1::ContactPoint point;
  REQUIRE(m.AddContactPoint(mediators, &point).ok());
  int64_t silent_id = Liaison(s.silent_token);
  AddContact(m, silent_id, v1::CONTACT_KIND_EMAIL, "silent@party.example.org");
  v1::SetLanguageRequest fr;
  fr.set_liaison_id(silent_id);
  fr.set_language("fr");
  v1::SetLanguageResponse set;
  REQUIRE(m.SetLanguage(fr, &set).ok());

  v1::Case filed;
  REQUIRE(m.FileDispute(Dispute(s, 600), &filed).ok());
  v1::RequestExtensionRequest ask;
  ask.set_case_id(filed.id());
  ask.mutable_extension()->set_seconds(3 * 86400);
  ask.set_reason("Our delegate is travelling to Baidoa.");
  REQUIRE(server.Client(s.silent_token).RequestExtension(ask, &filed).ok());
  std::string affaire = "(affaire " + std::to_string(filed.id()) + ")";
  CHECK(WaitForRecords(mail_dir.file(""), 30s, [&](const std::vector<nlohmann::json>& mails) {
    return AnyContains(mails, "Baraza : Prolongation demandée " + affaire) &&
           AnyContains(mails, "Baraza : Appel à négocier " + affaire);
  }));
  for (const auto& mail : ReadRecords(mail_dir.file(""))) {
    std::string body = mail.dump();
    INFO(body);
    if (body.find("Prolongation demandée") != std::string::npos)
      CHECK(body.find("travelling to Baidoa") != std::string::npos);  // as the party wrote it
    if (body.find("Appel à négocier") != std::string::npos)
      CHECK(body.find("votre partie est appelée à négocier") != std::string::npos);
  }
}

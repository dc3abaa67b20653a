// The application layer over the in-memory store and a fake clock: access
// rules, bad input that writes nothing, and the deadline runner.
#include <catch2/catch.hpp>

#include <future>

#include "services/app/application.h"
#include "services/auth/tokens.h"
#include "services/scheduler/deadline_runner.h"
#include "storage/memory_case_store.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fixtures.h"

using namespace baraza;
using namespace baraza::testing;

namespace {

template <typename T, typename Fn>
Result<T> Wait(Fn&& start) {
  std::promise<Result<T>> p;
  start([&p](Result<T> r) { p.set_value(std::move(r)); });
  return p.get_future().get();
}

struct World {
  MemoryCaseStore store;
  FakeClock clock{kT0};
  NoticeHub hub;
  Application app{store, clock, hub};
  ContactGroup group;
  std::map<Id, std::string> tokens;  // party → liaison token

  World() {
    ContactGroup g;
    g.name = "Kismayo contact group";
    g.kind = GroupKind::kStanding;
    auto created = Wait<ContactGroup>([&](auto cb) { app.CreateContactGroup(Mediator(), g, cb); });
    REQUIRE(created.ok());
    for (auto [name, cat] : std::vector<std::pair<std::string, PartyCategory>>{
             {"Women's Association", PartyCategory::kWomensGroup},
             {"Juba Valley Alliance", PartyCategory::kArmedFaction},
             {"Government", PartyCategory::kGovernment}}) {
      Party p;
      p.group_id = created->id;
      p.name = name;
      p.category = cat;
      auto party = Wait<Party>([&](auto cb) { app.AddParty(Mediator(), p, cb); });
      REQUIRE(party.ok());
      auto l = Wait<RegisteredLiaison>(
          [&](auto cb) { app.RegisterLiaison(Mediator(), party->id, "liaison of " + name, cb); });
      REQUIRE(l.ok());
      tokens[party->id] = l->token;
    }
    group = *store.GetGroup(created->id);
  }

  Actor Liaison(Id party) { return *app.Authenticate(tokens.at(party)); }

  Case File() {
    auto f = TwoRespondentDispute();
    f.group_id = group.id;
    f.filed_by_party_id = group.parties[0].id;
    f.respondent_party_ids = {group.parties[1].id, group.parties[2].id};
    auto c = Wait<Case>([&](auto cb) { app.FileDispute(Mediator(), f, cb); });
    REQUIRE(c.ok());
    return *c;
  }
};

}  // namespace

TEST_CASE("authenticate with a liaison token gives that party", "[app]") {
  World w;
  Id party = w.group.parties[1].id;
  auto actor = w.app.Authenticate(w.tokens[party]);
  REQUIRE(actor.ok());
  CHECK(actor->role == Role::kLiaison);
  CHECK(actor->party_id == party);
  CHECK(actor->group_id == w.group.id);
  CHECK(w.app.Authenticate("bz_unknown").status().code() == Code::kUnauthenticated);
}

TEST_CASE("a revoked token is refused at once, even just after a call used it", "[app][auth]") {
  World w;
  Id party = w.group.parties[1].id;
  REQUIRE(w.app.Authenticate(w.tokens[party]).ok());  // now in the token cache
  auto listed = w.app.ListTokens(Mediator());
  REQUIRE(listed.ok());
  std::string id;
  for (const auto& t : *listed)
    if (t.hash == auth::HashToken(w.tokens[party])) id = t.PublicId();
  REQUIRE_FALSE(id.empty());
  auto revoked = Wait<TokenRecord>([&](auto cb) { w.app.RevokeToken(Mediator(), id, cb); });
  REQUIRE(revoked.ok());
  auto again = w.app.Authenticate(w.tokens[party]);
  REQUIRE_FALSE(again.ok());
  CHECK(again.status().code() == Code::kUnauthenticated);
  CHECK_THAT(again.status().message(), Catch::Contains("revoked"));
  // Other tokens are untouched.
  CHECK(w.app.Authenticate(w.tokens[w.group.parties[2].id]).ok());
}

TEST_CASE("a retried revocation answers as the first and revokes nothing more", "[app][auth]") {
  World w;
  Id party = w.group.parties[1].id;
  std::string id = auth::HashToken(w.tokens[party]).substr(0, 12);
  RequestKey key{"revoke-1", "RevokeToken:" + id};
  auto first = Wait<TokenRecord>([&](auto cb) { w.app.RevokeToken(Mediator(), id, cb, key); });
  REQUIRE(first.ok());
  w.clock.Advance(kSecond);
  auto retry = Wait<TokenRecord>([&](auto cb) { w.app.RevokeToken(Mediator(), id, cb, key); });
  REQUIRE(retry.ok());
  CHECK(retry->PublicId() == id);
  CHECK(retry->revoked_at == first->revoked_at);  // not revoked a second time
  // Without the key, a second revocation says it was revoked already.
  auto again = Wait<TokenRecord>([&](auto cb) { w.app.RevokeToken(Mediator(), id, cb); });
  CHECK(again.status().code() == Code::kFailedPrecondition);
}

TEST_CASE("only a mediator lists or revokes tokens", "[app][auth]") {
  World w;
  Actor liaison = w.Liaison(w.group.parties[1].id);
  CHECK(w.app.ListTokens(liaison).status().code() == Code::kPermissionDenied);
  auto listed = w.app.ListTokens(Mediator());
  REQUIRE(listed.ok());
  auto r = Wait<TokenRecord>(
      [&](auto cb) { w.app.RevokeToken(liaison, (*listed)[0].PublicId(), cb); });
  CHECK(r.status().code() == Code::kPermissionDenied);
  CHECK((*w.app.ListTokens(Mediator()))[0].revoked_at == 0);
}

TEST_CASE("a liaison token expires after its lifetime, by default 90 days", "[app][auth]") {
  World w;
  Id party = w.group.parties[1].id;
  w.clock.Advance(Application::kDefaultTokenTtl - 1);
  REQUIRE(w.app.Authenticate(w.tokens[party]).ok());
  w.clock.Advance(1);
  auto expired = w.app.Authenticate(w.tokens[party]);
  REQUIRE_FALSE(expired.ok());
  CHECK(expired.status().code() == Code::kUnauthenticated);
  CHECK_THAT(expired.status().message(), Catch::Contains("expired"));
}

TEST_CASE("a token lifetime given at registration is kept, and a negative one refused",
          "[app][auth]") {
  World w;
  Id party = w.group.parties[1].id;
  auto l = Wait<RegisteredLiaison>(
      [&](auto cb) { w.app.RegisterLiaison(Mediator(), party, "night shift", cb, kDay); });
  REQUIRE(l.ok());
  w.clock.Advance(kDay);
  CHECK(w.app.Authenticate(l->token).status().code() == Code::kUnauthenticated);
  auto bad = Wait<RegisteredLiaison>(
      [&](auto cb) { w.app.RegisterLiaison(Mediator(), party, "nobody", cb, -kDay); });
  CHECK(bad.status().code() == Code::kInvalidArgument);
}

TEST_CASE("a mediator registers a commander whose token acts as that commander", "[app]") {
  World w;
  auto issued = Wait<RegisteredCommander>(
      [&](auto cb) { w.app.RegisterCommander(Mediator(), "Col. A. Diallo, Sector South", cb); });
  REQUIRE(issued.ok());
  auto actor = w.app.Authenticate(issued->token);
  REQUIRE(actor.ok());
  CHECK(actor->role == Role::kCommander);
  CHECK(actor->subject_id == issued->commander.id);
  CHECK(actor->Label() == "commander:" + std::to_string(issued->commander.id));
  CHECK(actor->party_id == 0);
}

TEST_CASE("only a mediator registers a commander, and a name is required", "[app]") {
  World w;
  Id party = w.group.parties[1].id;
  auto by_liaison = Wait<RegisteredCommander>(
      [&](auto cb) { w.app.RegisterCommander(w.Liaison(party), "Col. Diallo", cb); });
  CHECK(by_liaison.status().code() == Code::kPermissionDenied);
  auto blank = Wait<RegisteredCommander>([&](auto cb) { w.app.RegisterCommander(Mediator(), "  ", cb); });
  CHECK(blank.status().code() == Code::kInvalidArgument);
  CHECK(*w.store.CountTokens(Role::kCommander) == 0);
}

TEST_CASE("a commander cannot file a dispute nor read a case", "[app]") {
  World w;
  Case c = w.File();
  auto issued = Wait<RegisteredCommander>(
      [&](auto cb) { w.app.RegisterCommander(Mediator(), "Col. Diallo", cb); });
  REQUIRE(issued.ok());
  Actor commander = *w.app.Authenticate(issued->token);
  auto f = TwoRespondentDispute();
  f.group_id = w.group.id;
  f.respondent_party_ids = {w.group.parties[1].id};
  auto filed = Wait<Case>([&](auto cb) { w.app.FileDispute(commander, f, cb); });
  CHECK(filed.status().code() == Code::kPermissionDenied);
  CHECK(w.app.GetCase(commander, c.id).status().code() == Code::kNotFound);
}

TEST_CASE("the first mediator token is issued once", "[app]") {
  World w;
  auto first = w.app.IssueFirstMediatorToken();
  REQUIRE(first.ok());
  CHECK_FALSE(first->empty());
  CHECK(w.app.Authenticate(*first)->role == Role::kMediator);
  CHECK(w.app.IssueFirstMediatorToken()->empty());
}

TEST_CASE("a case of another party answers exactly as a missing case", "[app]") {
  World w;
  Case c = w.File();
  // A fourth party in the same group, not in the case.
  Party p;
  p.group_id = w.group.id;
  p.name = "Outsider";
  p.category = PartyCategory::kNgo;
  auto outsider = Wait<Party>([&](auto cb) { w.app.AddParty(Mediator(), p, cb); });
  auto l = Wait<RegisteredLiaison>([&](auto cb) { w.app.RegisterLiaison(Mediator(), outsider->id, "x", cb); });
  Actor stranger = *w.app.Authenticate(l->token);
  auto hidden = w.app.GetCase(stranger, c.id);
  auto missing = w.app.GetCase(stranger, 4242);
  CHECK(hidden.status().code() == Code::kNotFound);
  CHECK(hidden.status().message() == "case " + std::to_string(c.id) + " does not exist");
  CHECK(missing.status().message() == "case 4242 does not exist");
  CHECK(w.app.ListCaseEvents(stranger, c.id).status().code() == Code::kNotFound);
  auto respond = Wait<CaseRef>([&](auto cb) {
    w.app.ChangeCase(stranger, c.id,
                     [](const Case& k, const Actor& a, UnixMillis now) {
                       return workflow::Respond(k, "x", Visibility::kGroup, a, now);
                     },
                     cb);
  });
  CHECK(respond.status().code() == Code::kNotFound);
  CHECK(w.app.ListCases(stranger, {})->empty());
  CHECK(w.app.ListNotices(stranger, w.group.parties[1].id, 0, 10).status().code() ==
        Code::kPermissionDenied);
}

TEST_CASE("bad input leaves the store unchanged", "[app]") {
  World w;
  Case c = w.File();
  auto before_events = w.store.ListEvents(c.id)->size();
  auto before_notices = w.store.ListNotices(Recipient::Party(w.group.parties[1].id), 0, 100)->size();
  auto f = TwoRespondentDispute();
  f.group_id = w.group.id;
  f.respondent_party_ids = {w.group.parties[1].id, 9999};
  auto bad = Wait<Case>([&](auto cb) { w.app.FileDispute(Mediator(), f, cb); });
  CHECK(bad.status().code() == Code::kInvalidArgument);
  auto settle_twice = [&] {
    return Wait<CaseRef>([&](auto cb) {
      w.app.ChangeCase(Mediator(), c.id,
                       [&](const Case& k, const Actor& a, UnixMillis now) {
                         return workflow::RecordSettlement(k, "deal", {w.group.parties[1].id}, a, now);
                       },
                       cb);
    });
  };
  REQUIRE(settle_twice().ok());
  auto events_after_settle = w.store.ListEvents(c.id)->size();
  auto second = settle_twice();
  CHECK(second.status().code() == Code::kFailedPrecondition);
  CHECK(w.store.ListEvents(c.id)->size() == events_after_settle);
  CHECK(events_after_settle == before_events + 1);
  CHECK(w.store.ListCases({})->size() == 1);
  CHECK(w.store.ListNotices(Recipient::Party(w.group.parties[1].id), 0, 100)->size() == before_notices + 1);
}

TEST_CASE("a liaison's answer hides another party's mediator-only position", "[app]") {
  World w;
  Case c = w.File();
  Id a = w.group.parties[1].id, b = w.group.parties[2].id;
  auto r = Wait<CaseRef>([&](auto cb) {
    w.app.ChangeCase(w.Liaison(a), c.id,
                     [](const Case& k, const Actor& who, UnixMillis now) {
                       return workflow::Respond(k, "SENTINEL-7f3a", Visibility::kMediatorOnly, who, now);
                     },
                     cb);
  });
  REQUIRE(r.ok());
  auto seen_by_b = w.app.GetCase(w.Liaison(b), c.id);
  REQUIRE(seen_by_b.ok());
  CHECK((*seen_by_b)->positions.empty());
  auto history_for_b = w.app.ListCaseEvents(w.Liaison(b), c.id);
  REQUIRE(history_for_b.ok());
  for (const auto& e : *history_for_b)
    for (const auto& [k, v] : e.details) CHECK(v.find("SENTINEL") == std::string::npos);
  CHECK((*w.app.GetCase(Mediator(), c.id))->positions.size() == 1);  // the shared case was not redacted in place
}

TEST_CASE("deadline runner reminds and then judges by default exactly once", "[app][scheduler]") {
  World w;
  Case c = w.File();
  Id a = w.group.parties[1].id, b = w.group.parties[2].id;
  REQUIRE(Wait<CaseRef>([&](auto cb) {
            w.app.ChangeCase(w.Liaison(a), c.id,
                             [](const Case& k, const Actor& who, UnixMillis now) {
                               return workflow::Respond(k, "we agree", Visibility::kGroup, who, now);
                             },
                             cb);
          }).ok());
  std::vector<Notice> delivered;
  w.hub.Subscribe(Recipient::Party(b), [&](const Notice& n) { delivered.push_back(n); });
  DeadlineRunner runner(w.app);

  CHECK(runner.RunDue(kT0 + kDay)->events == 0);
  CHECK(runner.RunDue(kT0 + kWindow / 2)->events == 1);  // first reminder to B
  CHECK(runner.RunDue(kT0 + kWindow / 2)->events == 0);  // not twice
  // B's liaison reads the reminder (and says nothing): the receipt is on record.
  REQUIRE(delivered.size() == 1);
  REQUIRE(Wait<Notice>([&](auto cb) {
            w.app.AcknowledgeNotice(w.Liaison(b), delivered[0].id, cb);
          }).ok());
  CHECK(runner.RunDue(kT0 + kWindow * 9 / 10)->events == 1);
  CHECK(runner.RunDue(kT0 + kWindow)->events == 1);  // default judgement against B
  CHECK(runner.RunDue(kT0 + kWindow + kDay)->events == 0);
  CHECK(runner.RunDue(kT0)->events == 0);  // clock moved back

  auto done = *w.store.GetCase(c.id);
  CHECK(done.state == CaseState::kDefaultJudgement);
  CHECK(done.outcome.defaulted_party_ids == std::vector<Id>{b});
  int judgements = 0;
  auto history = w.store.ListEvents(c.id);
  REQUIRE(history.ok());
  for (const auto& e : *history)
    judgements += e.type == EventType::kDefaultJudgementEntered;
  CHECK(judgements == 1);
  CHECK(w.store.DeadlinesOf(c.id)->empty());
  // Party B's liaison was sent two reminders and the judgement as they committed.
  REQUIRE(delivered.size() >= 3);
  CHECK(delivered[0].kind == NoticeKind::kReminder);
  CHECK(delivered[2].kind == NoticeKind::kDefaultJudgement);
}

TEST_CASE("token hashes are SHA-256 hex and tokens are random", "[app][auth]") {
  CHECK(auth::HashToken("abc") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  auto t1 = auth::GenerateToken(), t2 = auth::GenerateToken();
  REQUIRE(t1.ok());
  CHECK(t1->size() == 3 + 64);
  CHECK(*t1 != *t2);
  CHECK(auth::ParseBearer("Bearer xyz").value() == "xyz");
  CHECK(auth::ParseBearer("xyz").status().code() == Code::kUnauthenticated);
  CHECK(auth::ParseBearer("").status().code() == Code::kUnauthenticated);
}

namespace {

// Party A's answer to case `c` as a change of the application.
Result<Case> Answer(World& w, Id case_id, const std::string& text, const RequestKey& key,
                    const std::string& etag = {}) {
  Id a = w.group.parties[1].id;
  auto r = Wait<CaseRef>([&](auto cb) {
    w.app.ChangeCase(w.Liaison(a), case_id,
                     [text](const Case& k, const Actor& who, UnixMillis now) {
                       return workflow::Respond(k, text, Visibility::kGroup, who, now);
                     },
                     cb, key, etag);
  });
  if (!r.ok()) return r.status();
  return **r;
}

}  // namespace

TEST_CASE("a retried change with the same request_id answers as the first and writes nothing",
          "[app][idempotency]") {
  World w;
  Case c = w.File();
  RequestKey key{"retry-1", "RespondToNotice:abc"};
  auto first = Answer(w, c.id, "we agree", key);
  REQUIRE(first.ok());
  size_t events = w.store.ListEvents(c.id)->size();
  w.clock.Advance(kSecond);
  auto again = Answer(w, c.id, "we agree", key);
  REQUIRE(again.ok());
  CHECK(again->version == first->version);
  CHECK(again->positions.size() == 1);
  CHECK(w.store.ListEvents(c.id)->size() == events);
  CHECK(w.store.GetCase(c.id)->version == first->version);
}

TEST_CASE("the same request_id for a different request is refused and writes nothing",
          "[app][idempotency]") {
  World w;
  Case c = w.File();
  REQUIRE(Answer(w, c.id, "we agree", {"id-7", "RespondToNotice:aaa"}).ok());
  size_t events = w.store.ListEvents(c.id)->size();
  auto other = Answer(w, c.id, "we refuse", {"id-7", "RespondToNotice:bbb"});
  CHECK(other.status().code() == Code::kInvalidArgument);
  CHECK_THAT(other.status().message(), Catch::Contains("id-7"));
  CHECK(w.store.ListEvents(c.id)->size() == events);
}

TEST_CASE("a retried filing creates one case", "[app][idempotency]") {
  World w;
  auto f = TwoRespondentDispute();
  f.group_id = w.group.id;
  f.filed_by_party_id = w.group.parties[0].id;
  f.respondent_party_ids = {w.group.parties[1].id};
  RequestKey key{"file-once", "FileDispute:123"};
  auto one = Wait<Case>([&](auto cb) { w.app.FileDispute(Mediator(), f, cb, key); });
  auto two = Wait<Case>([&](auto cb) { w.app.FileDispute(Mediator(), f, cb, key); });
  REQUIRE(one.ok());
  REQUIRE(two.ok());
  CHECK(one->id == two->id);
  CHECK(w.app.ListCases(Mediator(), {})->size() == 1);
  // Another actor may use the same id for its own request.
  RequestKey same_id{"file-once", "AddParty:456"};
  Party p{0, w.group.id, "Elders of Kismayo", PartyCategory::kTraditionalAuthority, 0, 0};
  Actor other_mediator{Role::kMediator, 2, 0, 0};
  CHECK(Wait<Party>([&](auto cb) { w.app.AddParty(other_mediator, p, cb, same_id); }).ok());
}

TEST_CASE("a change with a stale etag is aborted and names the current state",
          "[app][idempotency]") {
  World w;
  Case c = w.File();
  std::string seen = c.Etag();
  REQUIRE(Answer(w, c.id, "first answer", {}, seen).ok());  // the etag was current
  auto stale = Answer(w, c.id, "second thoughts", {}, seen);
  CHECK(stale.status().code() == Code::kAborted);
  CHECK_THAT(stale.status().message(), Catch::Contains("NEGOTIATING"));
  CHECK(w.store.GetCase(c.id)->positions.size() == 1);
}

TEST_CASE("publish report commits the report and its event together, once per request_id",
          "[app][report]") {
  World w;
  Case c = w.File();
  RequestKey key{"publish-1", "PublishReport:abc"};
  auto first = Wait<Report>([&](auto cb) { w.app.PublishReport(Mediator(), c.id, 0, cb, key); });
  REQUIRE(first.ok());
  auto again = Wait<Report>([&](auto cb) { w.app.PublishReport(Mediator(), c.id, 0, cb, key); });
  REQUIRE(again.ok());
  CHECK(*again == *first);
  auto reports = w.store.ListReports({0, c.id, 0, 10});
  REQUIRE(reports.ok());
  CHECK(reports->size() == 1);
  auto events = w.store.ListEvents(c.id);
  REQUIRE(events.ok());
  CHECK(std::count_if(events->begin(), events->end(), [](const Event& e) {
          return e.type == EventType::kReportPublished;
        }) == 1);
  CHECK(w.store.GetCase(c.id)->version == c.version + 1);
}

TEST_CASE("publish report by a liaison, or on a missing case, writes nothing", "[app][report]") {
  World w;
  Case c = w.File();
  Id party = w.group.parties[1].id;
  auto by_liaison =
      Wait<Report>([&](auto cb) { w.app.PublishReport(w.Liaison(party), c.id, 0, cb); });
  CHECK(by_liaison.status().code() == Code::kPermissionDenied);
  auto missing = Wait<Report>([&](auto cb) { w.app.PublishReport(Mediator(), 999, 0, cb); });
  CHECK(missing.status().code() == Code::kNotFound);
  auto bad_correction = Wait<Report>([&](auto cb) { w.app.PublishReport(Mediator(), c.id, 5, cb); });
  CHECK(bad_correction.status().code() == Code::kNotFound);
  CHECK(w.store.ListReports({0, 0, 0, 10})->empty());
  CHECK(w.store.GetCase(c.id)->version == c.version);
}

TEST_CASE("an observer token reads reports and is no actor in any case", "[app][report]") {
  World w;
  auto issued = Wait<RegisteredObserver>(
      [&](auto cb) { w.app.RegisterObserver(Mediator(), "Donor liaison office", cb); });
  REQUIRE(issued.ok());
  auto observer = w.app.Authenticate(issued->token);
  REQUIRE(observer.ok());
  CHECK(observer->role == Role::kObserver);
  Case c = w.File();
  CHECK(w.app.GetCase(*observer, c.id).status().code() == Code::kNotFound);
  CHECK(w.app.ListCases(*observer, {}).status().code() == Code::kPermissionDenied);
  CHECK(w.app.ListReports(*observer, {}).ok());
  auto by_liaison = Wait<RegisteredObserver>(
      [&](auto cb) { w.app.RegisterObserver(w.Liaison(w.group.parties[1].id), "x", cb); });
  CHECK(by_liaison.status().code() == Code::kPermissionDenied);
}

TEST_CASE("deadline runner refers a party no reminder reached to the mediator, with the reason",
          "[app][scheduler][outreach]") {
  World w;
  Case c = w.File();
  Id b = w.group.parties[2].id;
  DeadlineRunner runner(w.app);
  CHECK(runner.RunDue(kT0 + kWindow / 2)->events == 2);  // a reminder to each respondent
  CHECK(runner.RunDue(kT0 + kWindow)->events == 2);      // both referred, none judged
  auto done = *w.store.GetCase(c.id);
  CHECK(done.state == CaseState::kAwaitingDecision);
  CHECK(done.outcome.defaulted_party_ids.empty());
  CHECK(done.FindRespondent(b)->status == RespondentStatus::kReferred);
  // No liaison had a contact point: every notice was recorded undeliverable.
  auto deliveries = w.store.ListDeliveries(c.id);
  REQUIRE(deliveries.ok());
  REQUIRE_FALSE(deliveries->empty());
  for (const auto& d : *deliveries) CHECK(d.state == DeliveryState::kUndeliverable);
  bool cited = false;
  auto events = w.store.ListEvents(c.id);
  REQUIRE(events.ok());
  for (const auto& e : *events)
    if (e.type == EventType::kReferredToMediator && e.party_id == b)
      cited = e.details.at("reason").find("no reminder reached Government before its deadline: "
                                          "2 deliveries failed (last: no liaison of the party has "
                                          "a contact point)") != std::string::npos;
  CHECK(cited);
}

ContactPoint LiaisonPoint(Id liaison_id, ContactKind kind, const std::string& address) {
  ContactPoint p;
  p.liaison_id = liaison_id;
  p.kind = kind;
  p.address = address;
  return p;
}

TEST_CASE("a notice to a party with contact points queues one delivery per point in the same write",
          "[app][outreach]") {
  World w;
  Id b = w.group.parties[2].id;
  Id liaison_id = w.Liaison(b).subject_id;
  for (auto [kind, address] : std::vector<std::pair<ContactKind, std::string>>{
           {ContactKind::kEmail, "hawa.nur@gov.example.org"},
           {ContactKind::kSms, "+252612345678"}}) {
    REQUIRE(Wait<ContactPoint>([&](auto cb) {
              w.app.AddContactPoint(Mediator(), LiaisonPoint(liaison_id, kind, address), cb);
            }).ok());
  }
  auto bad = Wait<ContactPoint>([&](auto cb) {
    w.app.AddContactPoint(Mediator(), LiaisonPoint(liaison_id, ContactKind::kSms, "0612345678"),
                          cb);
  });
  CHECK(bad.status().code() == Code::kInvalidArgument);
  CHECK_THAT(bad.status().message(), Catch::StartsWith("address: "));
  // Contact points are confidential: another party's liaison cannot list them.
  CHECK(w.app.ListContactPoints(w.Liaison(w.group.parties[1].id), Role::kLiaison, liaison_id)
            .status()
            .code() == Code::kNotFound);
  CHECK(w.app.ListContactPoints(w.Liaison(b), Role::kLiaison, 0)->size() == 2);

  Case c = w.File();
  auto deliveries = *w.store.ListDeliveries(c.id);
  int to_b = 0;
  for (const auto& d : deliveries)
    if (d.party_id == b) {
      ++to_b;
      CHECK(d.state == DeliveryState::kQueued);
      CHECK(d.notice_kind == NoticeKind::kCallToNegotiate);
      CHECK(d.IdempotencyKey() == "baraza-n" + std::to_string(d.notice_id) + "-c" +
                                      std::to_string(d.contact_point_id));
    }
  CHECK(to_b == 2);
}

TEST_CASE("deadline runner tells its observer how late each due deadline was handled",
          "[app][scheduler][metrics]") {
  struct Lags : DeadlineObserver {
    std::vector<Millis> seen;
    void DeadlineHandled(Millis lag) override { seen.push_back(lag); }
  } lags;
  World w;
  Case c = w.File();
  auto pending = *w.store.DeadlinesOf(c.id);
  REQUIRE_FALSE(pending.empty());
  UnixMillis first = pending.front().due_at;
  for (const auto& d : pending) first = std::min(first, d.due_at);
  int due_first = 0;
  for (const auto& d : pending) due_first += d.due_at == first;
  DeadlineRunner runner(w.app, 1000, &lags);
  REQUIRE(runner.RunDue(first - 1).ok());
  CHECK(lags.seen.empty());  // nothing due yet
  REQUIRE(runner.RunDue(first + 250).ok());
  CHECK(lags.seen == std::vector<Millis>(due_first, 250));
}

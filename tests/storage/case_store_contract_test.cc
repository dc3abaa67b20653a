// The CaseStore contract, run against every store: SQLite (the server's),
// PostgreSQL and in-memory (the unit tests'): cases, parties, tokens, requests.
// Part two is case_store_records_contract_test.cc; SQLite alone: sqlite_store_test.cc.
#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <map>
#include <thread>

#include "storage/case_codec.h"
#include "storage/memory_case_store.h"
#include "storage/sqlite_case_store.h"
#include "tests/fakes/fixtures.h"
#include "tests/fakes/legacy_schema.h"
#include "tests/fakes/store_factories.h"
#include "tests/fakes/store_helpers.h"
#include "tests/fakes/temp_dir.h"

using namespace baraza;
using namespace baraza::testing;

TEMPLATE_TEST_CASE("store keeps groups, parties and liaisons", "[store]", MemoryStore, SqliteStore, PostgresStore) {
  TestType factory;
  BARAZA_MAKE_STORE(store, factory);
  ContactGroup g = Seed(*store);
  Status s = store->WriteAndWait([&](WriteTx& tx) {
    Liaison l;
    l.party_id = g.parties[1].id;
    l.name = "Hassan";
    return tx.InsertLiaison(l).status();
  });
  REQUIRE(s.ok());
  auto got = store->GetGroup(g.id);
  REQUIRE(got.ok());
  CHECK(got->name == g.name);
  REQUIRE(got->parties.size() == 3);
  CHECK(got->parties[1].liaison_count == 1);
  CHECK(got->parties[0].liaison_count == 0);
  CHECK(store->GetGroup(999).status().code() == Code::kNotFound);
  auto groups = store->ListGroups(0, 10);
  REQUIRE(groups.ok());
  CHECK(groups->size() == 1);
}

TEMPLATE_TEST_CASE("store refuses a duplicate party name in a group", "[store]", MemoryStore,
                   SqliteStore, PostgresStore) {
  TestType factory;
  BARAZA_MAKE_STORE(store, factory);
  ContactGroup g = Seed(*store);
  Status s = store->WriteAndWait([&](WriteTx& tx) {
    Party p = g.parties[0];
    return tx.InsertParty(p).status();
  });
  CHECK(s.code() == Code::kAlreadyExists);
  CHECK(store->GetGroup(g.id)->parties.size() == 3);
}

TEMPLATE_TEST_CASE("store saves a case with its events, notices and deadlines together", "[store]",
                   MemoryStore, SqliteStore, PostgresStore) {
  TestType factory;
  BARAZA_MAKE_STORE(store, factory);
  ContactGroup g = Seed(*store);
  auto t = FileIn(*store, g);
  auto c = store->GetCase(t.next.id);
  REQUIRE(c.ok());
  CHECK(c->title == t.next.title);
  CHECK(c->respondents.size() == 2);
  CHECK(store->ListEvents(c->id)->size() == 3);
  auto notices = store->ListNotices(Recipient::Party(g.parties[1].id), 0, 10);
  REQUIRE(notices.ok());
  REQUIRE(notices->size() == 1);
  CHECK(notices->front().id > 0);
  CHECK(store->DeadlinesOf(c->id)->size() == 4);
  CHECK(**store->NextDeadline() == kT0 + kWindow / 2);
  CHECK(store->CasesDue(kT0, 10)->empty());
  CHECK(*store->CasesDue(kT0 + kWindow / 2, 10) == std::vector<Id>{c->id});
}

TEMPLATE_TEST_CASE("store lists cases by group, party and state, newest first", "[store]",
                   MemoryStore, SqliteStore, PostgresStore) {
  TestType factory;
  BARAZA_MAKE_STORE(store, factory);
  ContactGroup g = Seed(*store);
  Id first = FileIn(*store, g).next.id;
  Id second = FileIn(*store, g).next.id;
  CaseFilter all;
  auto cases = store->ListCases(all);
  REQUIRE(cases.ok());
  REQUIRE(cases->size() == 2);
  CHECK((*cases)[0].id == second);
  CaseFilter page;
  page.before_id = second;
  CHECK(store->ListCases(page)->front().id == first);
  CaseFilter by_party;
  by_party.party_id = g.parties[2].id;
  CHECK(store->ListCases(by_party)->size() == 2);
  by_party.party_id = 999;
  CHECK(store->ListCases(by_party)->empty());
  CaseFilter settled;
  settled.state = CaseState::kSettled;
  CHECK(store->ListCases(settled)->empty());
}

TEMPLATE_TEST_CASE("store rejects a case saved over a newer version", "[store]", MemoryStore,
                   SqliteStore, PostgresStore) {
  TestType factory;
  BARAZA_MAKE_STORE(store, factory);
  ContactGroup g = Seed(*store);
  auto t = FileIn(*store, g);
  std::vector<Notice> none;
  Status s = store->WriteAndWait(
      [&](WriteTx& tx) { return tx.SaveCase(t.next, {}, none, {}); });  // same version again
  CHECK(s.code() == Code::kAborted);
  CHECK(store->ListEvents(t.next.id)->size() == 3);
}

TEMPLATE_TEST_CASE("store writes nothing of a write that fails halfway", "[store]", MemoryStore,
                   SqliteStore, PostgresStore) {
  TestType factory;
  BARAZA_MAKE_STORE(store, factory);
  ContactGroup g = Seed(*store);
  Status s = store->WriteAndWait([&](WriteTx& tx) -> Status {
    ContactGroup other;
    other.name = "second";
    auto id = tx.InsertGroup(other);
    if (!id.ok()) return id.status();
    return Status::Internal("injected failure after the first insert");
  });
  CHECK(s.code() == Code::kInternal);
  CHECK(store->ListGroups(0, 10)->size() == 1);
}

TEMPLATE_TEST_CASE("store finds tokens by hash only", "[store]", MemoryStore, SqliteStore, PostgresStore) {
  TestType factory;
  BARAZA_MAKE_STORE(store, factory);
  TokenRecord t;
  t.hash = "abc123";
  t.role = Role::kMediator;
  t.subject_id = 1;
  REQUIRE(store->WriteAndWait([&](WriteTx& tx) { return tx.InsertToken(t); }).ok());
  auto found = store->FindToken("abc123");
  REQUIRE(found.ok());
  REQUIRE(found->has_value());
  CHECK((*found)->role == Role::kMediator);
  CHECK_FALSE(store->FindToken("nope")->has_value());
  CHECK(*store->CountTokens(Role::kMediator) == 1);
  CHECK(*store->CountTokens(Role::kLiaison) == 0);
}

namespace {
// A case filed in `g` with `n` (at most 2) positions, "case ID answer K", the
// first group-visible and the second mediator-only; their texts in `said`.
workflow::Transition FileWithPositions(CaseStore& store, const ContactGroup& g, int n,
                                       std::vector<std::string>* said) {
  workflow::Transition t = FileIn(store, g);
  for (int k = 0; k < n; ++k) {
    const std::string text = "case " + std::to_string(t.next.id) + " answer " + std::to_string(k);
    auto answer = workflow::Respond(t.next, text,
                                    k == 0 ? Visibility::kGroup : Visibility::kMediatorOnly,
                                    LiaisonOf(g.parties[1 + k].id), kT0 + (k + 1) * kSecond);
    REQUIRE(answer.ok());
    Save(store, *answer);
    t = *answer;
    said->push_back(text);
  }
  return t;
}

std::vector<std::string> TextsOf(const Case& c) {
  std::vector<std::string> texts;
  for (const Position& p : c.positions) texts.push_back(p.text);
  return texts;
}
}  // namespace

TEMPLATE_TEST_CASE("store lists a page of cases each with its own positions, mediator-only "
                   "text unsealed",
                   "[store]", MemoryStore, SqliteStore, PostgresStore) {
  TestType factory;
  BARAZA_MAKE_STORE(store, factory);
  ContactGroup g = Seed(*store);
  // 70 cases (more than one query's worth of positions at once), with 0, 1
  // or 2 positions each, the second one mediator-only.
  std::map<Id, std::vector<std::string>> said;
  for (int i = 0; i < 70; ++i) {
    std::vector<std::string> texts;
    workflow::Transition t = FileWithPositions(*store, g, i % 3, &texts);
    said[t.next.id] = texts;
  }
  // Reopened: nothing cached, so each store reads the positions from its tables.
  factory.Reopen(store);
  CaseFilter page;
  page.group_id = g.id;
  page.limit = 100;
  auto cases = store->ListCases(page);
  REQUIRE(cases.ok());
  REQUIRE(cases->size() == 70);
  for (const Case& c : *cases) {
    INFO("case " << c.id);
    CHECK(TextsOf(c) == said.at(c.id));
  }
}

TEMPLATE_TEST_CASE("store reads a case with its own positions in order, mediator-only text "
                   "unsealed, and names a case that does not exist",
                   "[store]", MemoryStore, SqliteStore, PostgresStore) {
  TestType factory;
  BARAZA_MAKE_STORE(store, factory);
  ContactGroup g = Seed(*store);
  workflow::Transition quiet = FileIn(*store, g);  // no position
  std::vector<std::string> said;
  workflow::Transition t = FileWithPositions(*store, g, 2, &said);
  // Reopened: nothing cached, so each store reads the case from its tables.
  factory.Reopen(store);
  auto got = store->GetCase(t.next.id);
  REQUIRE(got.ok());
  CHECK(got->id == t.next.id);
  CHECK(got->title == t.next.title);
  CHECK(got->version == t.next.version);
  CHECK(TextsOf(*got) == said);
  REQUIRE(got->positions.size() == 2);
  for (size_t i = 0; i < 2; ++i) {  // every column, as the transition made it
    const Position& want = t.next.positions.at(i);
    CHECK(got->positions[i].id == want.id);
    CHECK(got->positions[i].party_id == want.party_id);
    CHECK(got->positions[i].visibility == want.visibility);
    CHECK(got->positions[i].stated_at == want.stated_at);
  }
  CHECK(got->positions[0].id < got->positions[1].id);
  CHECK(got->positions[1].visibility == Visibility::kMediatorOnly);
  auto none = store->GetCase(quiet.next.id);
  REQUIRE(none.ok());
  CHECK(none->positions.empty());
  auto missing = store->GetCase(t.next.id + 1000);
  CHECK(missing.status().code() == Code::kNotFound);
}

TEMPLATE_TEST_CASE("store lists tokens and revokes one by its public id, once", "[store]",
                   MemoryStore, SqliteStore, PostgresStore) {
  TestType factory;
  BARAZA_MAKE_STORE(store, factory);
  for (int i = 0; i < 2; ++i) {
    TokenRecord t;
    t.hash = std::string(i == 0 ? "aaaaaaaaaaaa" : "bbbbbbbbbbbb") + std::string(52, '0');
    t.role = Role::kLiaison;
    t.label = "liaison " + std::to_string(i);
    t.created_at = kT0 + i;
    REQUIRE(store->WriteAndWait([&](WriteTx& tx) { return tx.InsertToken(t); }).ok());
  }
  auto listed = store->ListTokens();
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 2);
  CHECK((*listed)[0].PublicId() == "aaaaaaaaaaaa");

  Result<TokenRecord> revoked = Status::Internal("not run");
  auto revoke = [&](const std::string& id) {
    return store->WriteAndWait([&](WriteTx& tx) {
      revoked = tx.RevokeToken(id, kT0 + 100);
      return revoked.status();
    });
  };
  REQUIRE(revoke("bbbbbbbbbbbb").ok());
  CHECK(revoked->label == "liaison 1");
  CHECK((*store->FindToken(std::string("bbbbbbbbbbbb") + std::string(52, '0')))->revoked_at ==
        kT0 + 100);
  CHECK((*store->FindToken(std::string("aaaaaaaaaaaa") + std::string(52, '0')))->revoked_at == 0);
  CHECK(revoke("bbbbbbbbbbbb").code() == Code::kFailedPrecondition);
  CHECK(revoke("cccccccccccc").code() == Code::kNotFound);
  CHECK(revoke("bbbb").code() == Code::kNotFound);  // a prefix is not an id
}

TEMPLATE_TEST_CASE("store numbers commanders from one", "[store]", MemoryStore, SqliteStore, PostgresStore) {
  TestType factory;
  BARAZA_MAKE_STORE(store, factory);
  std::vector<Id> ids;
  REQUIRE(store
              ->WriteAndWait([&](WriteTx& tx) -> Status {
                for (const char* name : {"Col. Diallo", "Maj. Okafor"}) {
                  Commander c;
                  c.name = name;
                  auto id = tx.InsertCommander(c);
                  if (!id.ok()) return id.status();
                  ids.push_back(*id);
                }
                return Status::Ok();
              })
              .ok());
  CHECK(ids == std::vector<Id>{1, 2});
}

TEMPLATE_TEST_CASE("store keeps a group's appeal window", "[store]", MemoryStore, SqliteStore, PostgresStore) {
  TestType factory;
  BARAZA_MAKE_STORE(store, factory);
  ContactGroup g = ThreePartyGroup(0);
  g.appeal_window = 3 * kDay;
  Id id = 0;
  REQUIRE(store
              ->WriteAndWait([&](WriteTx& tx) -> Status {
                auto r = tx.InsertGroup(g);
                if (r.ok()) id = *r;
                return r.status();
              })
              .ok());
  CHECK(store->GetGroup(id)->appeal_window == 3 * kDay);
}

TEMPLATE_TEST_CASE("store keeps a group's time zone and each reader's language, changed later",
                   "[store][i18n]", MemoryStore, SqliteStore) {
  TestType factory;
  auto store = factory.Make();
  ContactGroup g = ThreePartyGroup(0);
  g.time_zone = "Africa/Mogadishu";
  Id group = 0, liaison = 0, commander = 0;
  REQUIRE(store
              ->WriteAndWait([&](WriteTx& tx) -> Status {
                BARAZA_ASSIGN_OR_RETURN(group, tx.InsertGroup(g));
                Party p = g.parties[0];
                p.group_id = group;
                BARAZA_ASSIGN_OR_RETURN(Id party, tx.InsertParty(p));
                Liaison l;
                l.party_id = party;
                l.name = "Abdi";
                l.language = "fr";
                BARAZA_ASSIGN_OR_RETURN(liaison, tx.InsertLiaison(l));
                Commander k;
                k.name = "Col. Diallo";
                BARAZA_ASSIGN_OR_RETURN(commander, tx.InsertCommander(k));
                return Status::Ok();
              })
              .ok());
  CHECK(store->GetGroup(group)->time_zone == "Africa/Mogadishu");
  CHECK(store->GetLiaison(liaison)->language == "fr");
  CHECK(store->GetCommander(commander)->language.empty());
  REQUIRE(store
              ->WriteAndWait([&](WriteTx& tx) -> Status {
                BARAZA_RETURN_IF_ERROR(tx.SetReaderLanguage(Role::kLiaison, liaison, "ar", kT0));
                return tx.SetReaderLanguage(Role::kCommander, commander, "pt-BR", kT0);
              })
              .ok());
  CHECK(store->GetLiaison(liaison)->language == "ar");
  CHECK(store->GetCommander(commander)->language == "pt-BR");
  Status missing = store->WriteAndWait([&](WriteTx& tx) {
    return tx.SetReaderLanguage(Role::kLiaison, liaison + 100, "fr", kT0);
  });
  CHECK(missing.code() == Code::kNotFound);
}

TEMPLATE_TEST_CASE("store keeps an emergency action with its appeals and answers", "[store]",
                   MemoryStore, SqliteStore, PostgresStore) {
  TestType factory;
  BARAZA_MAKE_STORE(store, factory);
  ContactGroup g = Seed(*store);
  auto f = ActionAffectingAAndB();
  f.group_id = g.id;
  f.affected_party_ids = {g.parties[1].id, g.parties[2].id};
  Actor commander = CommanderActor(4);
  auto logged = workflow::LogEmergencyAction(1, f, g, commander, kT0);
  REQUIRE(logged.ok());
  Save(*store, *logged);
  CHECK(*store->DeadlinesOf(1) ==
        std::vector<Deadline>{{1, 0, DeadlineKind::kAppealWindowClose, kT0 + g.appeal_window}});
  Case c = *store->GetCase(1);
  auto explained = workflow::ExplainAction(c, "The crowd was under fire.", commander, kT0 + 1);
  REQUIRE(explained.ok());
  Save(*store, *explained);
  auto appealed = workflow::FileAppeal(explained->next, "It was our checkpoint.", "Apology",
                                       LiaisonOf(g.parties[1].id), kT0 + 2);
  REQUIRE(appealed.ok());
  Save(*store, *appealed);
  auto answered = workflow::AnswerAppeal(appealed->next, 1, "Shots came from it.", commander, kT0 + 3);
  REQUIRE(answered.ok());
  Save(*store, *answered);

  Case got = *store->GetCase(1);
  CHECK(got.kind == CaseKind::kEmergencyAction);
  CHECK(got.state == CaseState::kUnderAppeal);
  CHECK(got.filed_by_commander_id == 4);
  CHECK(got.action.narrowness == f.action.narrowness);
  CHECK(got.action.occurred_at == f.action.occurred_at);
  CHECK(got.affected_party_ids == f.affected_party_ids);
  CHECK(got.appeal_deadline == kT0 + g.appeal_window);
  REQUIRE(got.explanations.size() == 1);
  CHECK(got.explanations[0].text == "The crowd was under fire.");
  REQUIRE(got.appeals.size() == 1);
  CHECK(got.appeals[0].requested_remedy == "Apology");
  REQUIRE(got.appeals[0].answer.has_value());
  CHECK(got.appeals[0].answer->text == "Shots came from it.");
  CHECK(store->DeadlinesOf(1)->empty());  // appealed: nothing left for the server to do
  // An affected party finds the case among its own.
  CaseFilter by_party;
  by_party.party_id = g.parties[2].id;
  CHECK(store->ListCases(by_party)->size() == 1);
}

TEMPLATE_TEST_CASE("store lists the cases a commander filed", "[store]", MemoryStore, SqliteStore, PostgresStore) {
  TestType factory;
  BARAZA_MAKE_STORE(store, factory);
  ContactGroup g = Seed(*store);
  FileIn(*store, g);  // a mediator's dispute
  auto f = ActionAffectingAAndB();
  f.group_id = g.id;
  f.affected_party_ids = {g.parties[1].id};
  auto logged = workflow::LogEmergencyAction(2, f, g, CommanderActor(4), kT0);
  REQUIRE(logged.ok());
  Save(*store, *logged);
  CaseFilter mine;
  mine.commander_id = 4;
  auto cases = store->ListCases(mine);
  REQUIRE(cases.ok());
  REQUIRE(cases->size() == 1);
  CHECK(cases->front().id == 2);
  mine.commander_id = 5;
  CHECK(store->ListCases(mine)->empty());
}

// ------------------------------------------------------- SQLite only ---

TEMPLATE_TEST_CASE("store finds a request by actor and id", "[store]", MemoryStore, SqliteStore, PostgresStore) {
  TestType factory;
  BARAZA_MAKE_STORE(store, factory);
  StoredRequest r{"liaison:3", "abc-1", "RespondToNotice:ff", 7, "{\"id\":7}", kT0};
  REQUIRE(store->WriteAndWait([&](WriteTx& tx) { return tx.InsertRequest(r); }).ok());
  std::optional<StoredRequest> found, other_actor;
  REQUIRE(store
              ->WriteAndWait([&](WriteTx& tx) -> Status {
                auto a = tx.FindRequest("liaison:3", "abc-1");
                auto b = tx.FindRequest("liaison:4", "abc-1");
                if (!a.ok()) return a.status();
                if (!b.ok()) return b.status();
                found = *a;
                other_actor = *b;
                return Status::Ok();
              })
              .ok());
  REQUIRE(found.has_value());
  CHECK(found->fingerprint == "RespondToNotice:ff");
  CHECK(found->object_id == 7);
  CHECK(found->response == "{\"id\":7}");
  CHECK_FALSE(other_actor.has_value());
  // The same actor and id cannot be stored twice.
  CHECK_FALSE(store->WriteAndWait([&](WriteTx& tx) { return tx.InsertRequest(r); }).ok());
}

TEMPLATE_TEST_CASE("store finds the request keys of a batch's writes: stored before, written "
                   "earlier in the batch, or none",
                   "[store]", SqliteStore, PostgresStore) {  // the stores that batch writes
  TestType factory;
  BARAZA_MAKE_STORE(store, factory);
  // The batch's writes name keys 0..99, each twice (a client's retry queued
  // behind its first call), and store what they miss: keys 0..69 of
  // liaison:1 (more than one look-up's 64), 70..99 of ten other actors, three
  // each (more look-ups than are sent together). Keys 0..39 and 90..99 were
  // stored before: of the first actor and of every other.
  auto key = [](int i) { return "key-" + std::to_string(i % 100); };
  auto actor = [](int i) {
    return i % 100 < 70 ? std::string("liaison:1")
                        : "liaison:" + std::to_string(2 + (i % 100 - 70) % 10);
  };
  auto before = [](int i) { return i % 100 < 40 || i % 100 >= 90; };
  REQUIRE(store
              ->WriteAndWait([&](WriteTx& tx) -> Status {
                for (int k = 0; k < 100; ++k)
                  if (before(k))
                    BARAZA_RETURN_IF_ERROR(
                        tx.InsertRequest(StoredRequest{actor(k), key(k), "before", k, "", kT0}));
                return Status::Ok();
              })
              .ok());
  constexpr int kWrites = 200;
  std::vector<std::string> seen(kWrites);
  auto results = WriteBatched(
      *store, kWrites,
      [&](int i, WriteTx& tx) -> Status {
        BARAZA_ASSIGN_OR_RETURN(auto prior, tx.FindRequest(actor(i), key(i)));
        if (prior) {
          seen[i] = prior->fingerprint;
          return Status::Ok();
        }
        seen[i] = "none";
        return tx.InsertRequest(StoredRequest{actor(i), key(i), "batch", i, "", kT0});
      },
      [&](int i) { return CaseStore::RequestRef{actor(i), key(i)}; });
  for (int i = 0; i < kWrites; ++i) {
    INFO("write " << i << " of " << actor(i));
    REQUIRE(results[i].ok());
    CHECK(seen[i] == (before(i) ? "before" : i < 100 ? "none" : "batch"));
  }
  // Another actor's key of the same id is another request.
  std::optional<StoredRequest> other;
  REQUIRE(store
              ->WriteAndWait([&](WriteTx& tx) -> Status {
                BARAZA_ASSIGN_OR_RETURN(other, tx.FindRequest("liaison:2", "key-0"));
                return Status::Ok();
              })
              .ok());
  CHECK_FALSE(other.has_value());
}

// The CaseStore contract, part two, run against every store: what a store keeps
// beside cases (reports, history heads, deadlines, notices, contact points, counts).
#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <future>
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

TEMPLATE_TEST_CASE("store keeps published reports and lists them newest first", "[store][report]",
                   MemoryStore, SqliteStore, PostgresStore) {
  TestType factory;
  BARAZA_MAKE_STORE(store, factory);
  ContactGroup g = Seed(*store);
  auto t = FileIn(*store, g);
  std::vector<Report> written;
  for (int i = 0; i < 3; ++i) {
    Status s = store->WriteAndWait([&](WriteTx& tx) -> Status {
      BARAZA_ASSIGN_OR_RETURN(Id id, tx.NextReportId());
      BARAZA_ASSIGN_OR_RETURN(HistoryHeads heads, tx.Heads(t.next.id));
      Report r = SampleReport(id, t.next, heads.log);
      if (i == 2) r.corrects_report_id = 1;
      written.push_back(r);
      return tx.InsertReport(r);
    });
    REQUIRE(s.ok());
  }
  CHECK(written[0].id == 1);
  CHECK(written[2].id == 3);
  auto got = store->GetReport(2);
  REQUIRE(got.ok());
  CHECK(*got == written[1]);
  CHECK(store->GetReport(99).status().code() == Code::kNotFound);

  auto all = store->ListReports({g.id, 0, 0, 10});
  REQUIRE(all.ok());
  REQUIRE(all->size() == 3);
  CHECK((*all)[0].id == 3);
  CHECK((*all)[0].corrects_report_id == 1);
  auto page = store->ListReports({0, t.next.id, 3, 1});
  REQUIRE(page.ok());
  REQUIRE(page->size() == 1);
  CHECK((*page)[0].id == 2);
  CHECK(store->ListReports({g.id + 1, 0, 0, 10})->empty());
  CHECK(store->ListReports({0, t.next.id + 1, 0, 10})->empty());

  auto groups = store->ReportingGroups(0, 10);
  REQUIRE(groups.ok());
  CHECK(*groups == std::vector<Id>{g.id});
  CHECK(store->ReportingGroups(g.id, 10)->empty());
}

TEMPLATE_TEST_CASE("store gives the history heads and a case's events inside a write",
                   "[store][report]", MemoryStore, SqliteStore, PostgresStore) {
  TestType factory;
  BARAZA_MAKE_STORE(store, factory);
  ContactGroup g = Seed(*store);
  HistoryHeads empty;
  REQUIRE(store->WriteAndWait([&](WriteTx& tx) -> Status {
                 BARAZA_ASSIGN_OR_RETURN(empty, tx.Heads(1));
                 return Status::Ok();
               }).ok());
  CHECK(empty.log.rfind("1:", 0) == 0);  // the group's registry event only
  CHECK(empty.case_last.empty());

  auto t = FileIn(*store, g);
  HistoryHeads heads;
  std::vector<Event> events;
  REQUIRE(store->WriteAndWait([&](WriteTx& tx) -> Status {
                 BARAZA_ASSIGN_OR_RETURN(heads, tx.Heads(t.next.id));
                 BARAZA_ASSIGN_OR_RETURN(events, tx.ListEvents(t.next.id));
                 return Status::Ok();
               }).ok());
  // The seeding's registry event, then the case's.
  CHECK(heads.log.rfind(std::to_string(1 + t.events.size()) + ":", 0) == 0);
  CHECK(heads.log.size() == 2 + 64);
  CHECK(heads.case_last.size() == 64);
  REQUIRE(events.size() == t.events.size());
  CHECK(events.back().type == t.events.back().type);
}

TEST_CASE("every store chains the same history to the same head", "[store][report]") {
  std::vector<HistoryHeads> heads;
  MemoryStore memory;
  SqliteStore sqlite;
  PostgresStore postgres;
  std::vector<std::unique_ptr<CaseStore>> stores;
  stores.push_back(memory.Make());
  stores.push_back(sqlite.Make());
  if (auto pg = postgres.Make()) stores.push_back(std::move(pg));
  for (auto& store : stores) {
    ContactGroup g = Seed(*store);
    auto t = FileIn(*store, g);
    HistoryHeads h;
    REQUIRE(store->WriteAndWait([&](WriteTx& tx) -> Status {
                   BARAZA_ASSIGN_OR_RETURN(h, tx.Heads(t.next.id));
                   return Status::Ok();
                 }).ok());
    heads.push_back(h);
  }
  for (size_t i = 1; i < heads.size(); ++i) {
    CHECK(heads[0].log == heads[i].log);
    CHECK(heads[0].case_last == heads[i].case_last);
  }
}

TEMPLATE_TEST_CASE("store writes see a group as it is after parties and liaisons are added",
                   "[store]", MemoryStore, SqliteStore, PostgresStore) {
  TestType factory;
  BARAZA_MAKE_STORE(store, factory);
  ContactGroup g = Seed(*store);
  auto group_in_write = [&] {
    ContactGroup seen;
    REQUIRE(store->WriteAndWait([&](WriteTx& tx) -> Status {
                   BARAZA_ASSIGN_OR_RETURN(seen, tx.GetGroup(g.id));
                   return Status::Ok();
                 }).ok());
    return seen;
  };
  CHECK(group_in_write().parties.size() == 3);
  REQUIRE(store->WriteAndWait([&](WriteTx& tx) {
                 Party p{0, g.id, "Elders' council", PartyCategory::kTraditionalAuthority, 0, 0};
                 return tx.InsertParty(p).status();
               }).ok());
  CHECK(group_in_write().parties.size() == 4);
  REQUIRE(store->WriteAndWait([&](WriteTx& tx) {
                 return tx.InsertLiaison(Liaison{0, g.parties[0].id, "Amina", 0}).status();
               }).ok());
  CHECK(group_in_write().parties[0].liaison_count == 1);
  // A case id handed out and used is not handed out again.
  FileIn(*store, g);
  Id next = 0;
  REQUIRE(store->WriteAndWait([&](WriteTx& tx) -> Status {
                 BARAZA_ASSIGN_OR_RETURN(next, tx.NextCaseId());
                 return Status::Ok();
               }).ok());
  CHECK(next == 2);
}

TEMPLATE_TEST_CASE("store replaces a case's pending deadlines with the ones it is saved with",
                   "[store]", MemoryStore, SqliteStore, PostgresStore) {
  TestType factory;
  BARAZA_MAKE_STORE(store, factory);
  ContactGroup g = Seed(*store);
  Case c = FileIn(*store, g).next;
  Id a = g.parties[1].id, b = g.parties[2].id;
  auto save = [&](std::vector<Deadline> deadlines) {
    c.version += 1;
    std::vector<Notice> none;
    REQUIRE(store->WriteAndWait([&](WriteTx& tx) { return tx.SaveCase(c, {}, none, deadlines); }).ok());
    auto stored = store->DeadlinesOf(c.id);
    REQUIRE(stored.ok());
    auto key = [](const Deadline& d) { return std::tuple(d.party_id, static_cast<int>(d.kind), d.due_at); };
    std::sort(stored->begin(), stored->end(), [&](auto& x, auto& y) { return key(x) < key(y); });
    std::sort(deadlines.begin(), deadlines.end(), [&](auto& x, auto& y) { return key(x) < key(y); });
    CHECK(*stored == deadlines);
  };
  save({{c.id, a, DeadlineKind::kWindowClose, kT0 + 100}, {c.id, b, DeadlineKind::kWindowClose, kT0 + 100},
        {c.id, a, DeadlineKind::kReminder, kT0 + 50}});
  // One kept as it was, one moved, one gone, one new.
  save({{c.id, a, DeadlineKind::kWindowClose, kT0 + 100}, {c.id, b, DeadlineKind::kWindowClose, kT0 + 200},
        {c.id, b, DeadlineKind::kReminder, kT0 + 150}});
  save({});
  CHECK(store->NextDeadline()->has_value() == false);
}

TEMPLATE_TEST_CASE("store keeps notices and contact points of the mediators and of commanders apart",
                   "[store][outreach]", MemoryStore, SqliteStore, PostgresStore) {
  TestType factory;
  BARAZA_MAKE_STORE(store, factory);
  ContactGroup g = Seed(*store);
  Case c = FileIn(*store, g).next;
  Id a = g.parties[1].id;
  ContactPoint mediators, commander, liaison;
  mediators.role = Role::kMediator;
  mediators.address = "mediators@mission.example.org";
  commander.role = Role::kCommander;
  commander.commander_id = 1;
  commander.kind = ContactKind::kSms;
  commander.address = "+252612345670";
  REQUIRE(store
              ->WriteAndWait([&](WriteTx& tx) -> Status {
                Commander k;
                k.name = "Col. Diallo";
                if (auto id = tx.InsertCommander(k); !id.ok()) return id.status();
                CHECK(tx.GetCommander(1)->name == "Col. Diallo");
                CHECK(tx.GetCommander(2).status().code() == Code::kNotFound);
                Liaison l;
                l.party_id = a;
                l.name = "Abdi";
                auto lid = tx.InsertLiaison(l);
                if (!lid.ok()) return lid.status();
                liaison.liaison_id = *lid;
                liaison.party_id = a;
                liaison.address = "abdi@jva.example.org";
                for (ContactPoint* p : {&mediators, &commander, &liaison}) {
                  auto id = tx.InsertContactPoint(*p);
                  if (!id.ok()) return id.status();
                  p->id = *id;
                }
                // Each recipient's notices go to its own contact points only.
                auto to_mediators = tx.ContactPointsFor(Recipient::Mediators());
                auto to_commander = tx.ContactPointsFor(Recipient::Commander(1));
                auto to_party = tx.ContactPointsFor(Recipient::Party(a));
                REQUIRE(to_mediators->size() == 1);
                CHECK(to_mediators->front().id == mediators.id);
                REQUIRE(to_commander->size() == 1);
                CHECK(to_commander->front().id == commander.id);
                REQUIRE(to_party->size() == 1);
                CHECK(to_party->front().id == liaison.id);
                CHECK(tx.ContactPointsFor(Recipient::Commander(2))->empty());
                return Status::Ok();
              })
              .ok());
  CHECK(store->ListContactPoints(Role::kMediator, 0)->size() == 1);
  CHECK(store->ListContactPoints(Role::kCommander, 1)->front().address == "+252612345670");
  // The liaison's list holds its own only, though the commander's id may be the same number.
  auto of_liaison = store->ListContactPoints(Role::kLiaison, liaison.liaison_id);
  REQUIRE(of_liaison->size() == 1);
  CHECK(of_liaison->front().id == liaison.id);

  std::vector<Notice> notices = {
      Notice{0, c.id, Recipient::Mediators(), NoticeKind::kExtensionRequested, "more time", kT0, 0},
      Notice{0, c.id, Recipient::Commander(1), NoticeKind::kAppeal, "appealed", kT0, 0},
      Notice{0, c.id, Recipient::Party(a), NoticeKind::kReminder, "remember", kT0, kT0 + 9}};
  c.version += 1;
  REQUIRE(store->WriteAndWait([&](WriteTx& tx) { return tx.SaveCase(c, {}, notices, {}); }).ok());
  auto of_mediators = store->ListNotices(Recipient::Mediators(), 0, 10);
  REQUIRE(of_mediators->size() == 1);
  CHECK(of_mediators->front().kind == NoticeKind::kExtensionRequested);
  CHECK(of_mediators->front().PartyId() == 0);
  auto of_commander = store->ListNotices(Recipient::Commander(1), 0, 10);
  REQUIRE(of_commander->size() == 1);
  CHECK(store->GetNotice(of_commander->front().id)->to == Recipient::Commander(1));
  CHECK(store->ListNotices(Recipient::Commander(2), 0, 10)->empty());
  auto of_party = store->ListNotices(Recipient::Party(a), 0, 100);
  REQUIRE_FALSE(of_party->empty());
  for (const Notice& n : *of_party) CHECK(n.to == Recipient::Party(a));
}

TEMPLATE_TEST_CASE("store counts cases by state and the deadlines pending and overdue",
                   "[store][metrics]", MemoryStore, SqliteStore) {
  TestType factory;
  auto store = factory.Make();
  ContactGroup g = Seed(*store);
  auto empty = store->Counts(kT0);
  REQUIRE(empty.ok());
  CHECK(empty->cases_by_state.empty());
  CHECK(empty->deadlines_pending == 0);
  CHECK_FALSE(empty->oldest_overdue.has_value());
  Id first = FileIn(*store, g).next.id;
  Id second = FileIn(*store, g).next.id;
  std::vector<Deadline> all = *store->DeadlinesOf(first);
  for (const auto& d : *store->DeadlinesOf(second)) all.push_back(d);
  const UnixMillis at = kT0 + kWindow / 2;
  int64_t overdue = 0;
  for (const auto& d : all) overdue += d.due_at <= at;
  REQUIRE(overdue > 0);
  REQUIRE(overdue < static_cast<int64_t>(all.size()));

  auto before = store->Counts(kT0);
  REQUIRE(before.ok());
  CHECK(before->cases_by_state ==
        std::vector<std::pair<CaseState, int64_t>>{{CaseState::kNegotiating, 2}});
  CHECK(before->deadlines_pending == static_cast<int64_t>(all.size()));
  CHECK(before->deadlines_overdue == 0);
  CHECK_FALSE(before->oldest_overdue.has_value());
  auto later = store->Counts(at);
  REQUIRE(later.ok());
  CHECK(later->deadlines_overdue == overdue);
  CHECK(later->oldest_overdue == std::optional<UnixMillis>(at));
}

// What clients hear of a write whose batch the store ran twice (the SQL stores
// run a batch again, a write at a time, when one of its writes failed after
// changing something): each of its notices once, under the id stored.
#include <catch2/catch.hpp>

#include <future>
#include <map>
#include <mutex>

#include "services/app/application.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fixtures.h"
#include "tests/fakes/store_factories.h"
#include "tests/fakes/store_helpers.h"

using namespace baraza;
using namespace baraza::testing;

TEMPLATE_TEST_CASE("a write whose batch is run again publishes its notices once, with their "
                   "stored ids",
                   "[app]", SqliteStore, PostgresStore) {
  TestType factory;
  BARAZA_MAKE_STORE(store, factory);
  FakeClock clock{kT0};
  NoticeHub hub;
  Application app{*store, clock, hub};
  ContactGroup g = Seed(*store);
  std::mutex mu;
  std::map<Id, int> heard;  // notice id → times published
  for (const Party& p : g.parties)
    hub.Subscribe(Recipient::Party(p.id), [&](const Notice& n) {
      std::lock_guard lock(mu);
      heard[n.id] += 1;
    });

  // One batch: a filing, then a write that inserts a row and then fails, so
  // that the store rolls the batch back and runs it again.
  std::promise<void> release;
  auto gate = release.get_future().share();
  store->Write([gate](WriteTx&) { gate.wait(); return Status::Ok(); }, [](Status) {});
  auto filing = TwoRespondentDispute();
  filing.group_id = g.id;
  filing.filed_by_party_id = g.parties[0].id;
  filing.respondent_party_ids = {g.parties[1].id, g.parties[2].id};
  std::promise<Result<Case>> filed;
  app.FileDispute(Mediator(), filing, [&](Result<Case> r) { filed.set_value(std::move(r)); });
  std::promise<Status> failed;
  store->Write(
      [](WriteTx& tx) -> Status {
        ContactGroup doomed;
        doomed.name = "written, then failed";
        auto id = tx.InsertGroup(doomed);
        if (!id.ok()) return id.status();
        return Status::Internal("this write fails after its insert");
      },
      [&](Status s) { failed.set_value(s); });
  release.set_value();
  auto c = filed.get_future().get();
  REQUIRE(c.ok());
  CHECK_FALSE(failed.get_future().get().ok());

  std::map<Id, int> stored;
  for (const Party& p : g.parties) {
    auto notices = store->ListNotices(Recipient::Party(p.id), 0, 100);
    REQUIRE(notices.ok());
    for (const Notice& n : *notices) stored[n.id] = 1;
  }
  REQUIRE(stored.size() == 3);  // one for each party of the dispute
  std::lock_guard lock(mu);
  for (auto [id, n] : heard) UNSCOPED_INFO("heard notice " << id << " x" << n);
  for (auto [id, n] : stored) UNSCOPED_INFO("stored notice " << id);
  CHECK(heard == stored);
}

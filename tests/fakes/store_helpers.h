// Test helpers that put the fixture group and cases into any CaseStore through
// its write transactions, as the application does. For storage tests only.
#pragma once

#include <catch2/catch.hpp>

#include <functional>
#include <future>
#include <memory>
#include <vector>

#include "services/workflow/case_machine.h"
#include "storage/case_store.h"
#include "tests/fakes/fixtures.h"

namespace baraza::testing {

// Queues `n` writes while the writer is held busy by a first one, so that they
// are committed together, and returns their outcomes in order.
// `key_of` (optional): the request key write i is made under.
inline std::vector<Status> WriteBatched(CaseStore& store, int n,
                                        std::function<Status(int, WriteTx&)> fn,
                                        std::function<CaseStore::RequestRef(int)> key_of = {}) {
  std::promise<void> release;
  auto gate = release.get_future().share();
  store.Write([gate](WriteTx&) { gate.wait(); return Status::Ok(); }, [](Status) {});
  std::vector<std::future<Status>> results;
  for (int i = 0; i < n; ++i) {
    auto p = std::make_shared<std::promise<Status>>();
    results.push_back(p->get_future());
    store.Write([i, fn](WriteTx& tx) { return fn(i, tx); }, [p](Status s) { p->set_value(s); },
                key_of ? key_of(i) : CaseStore::RequestRef{});
  }
  release.set_value();
  std::vector<Status> out;
  for (auto& f : results) out.push_back(f.get());
  return out;
}

// Creates the fixture group and parties in the store; returns the group.
inline ContactGroup Seed(CaseStore& store) {
  ContactGroup g = ThreePartyGroup(0);
  Status s = store.WriteAndWait([&](WriteTx& tx) -> Status {
    auto gid = tx.InsertGroup(g);
    if (!gid.ok()) return gid.status();
    for (auto& p : g.parties) {
      p.group_id = *gid;
      auto pid = tx.InsertParty(p);
      if (!pid.ok()) return pid.status();
      p.id = *pid;
    }
    g.id = *gid;
    return Status::Ok();
  });
  REQUIRE(s.ok());
  return g;
}

inline workflow::Transition FileIn(CaseStore& store, const ContactGroup& g) {
  workflow::Transition out;
  Status s = store.WriteAndWait([&](WriteTx& tx) -> Status {
    auto id = tx.NextCaseId();
    if (!id.ok()) return id.status();
    auto f = TwoRespondentDispute();
    f.group_id = g.id;
    f.filed_by_party_id = g.parties[0].id;
    f.respondent_party_ids = {g.parties[1].id, g.parties[2].id};
    auto t = workflow::FileDispute(*id, f, g, Mediator(), kT0);
    if (!t.ok()) return t.status();
    out = *t;
    return tx.SaveCase(out.next, out.events, out.notices, workflow::PendingDeadlines(out.next));
  });
  REQUIRE(s.ok());
  return out;
}

// Saves one transition of the core as the application does.
inline void Save(CaseStore& store, workflow::Transition t) {
  Status s = store.WriteAndWait([&](WriteTx& tx) {
    return tx.SaveCase(t.next, t.events, t.notices, workflow::PendingDeadlines(t.next));
  });
  REQUIRE(s.ok());
}

// A report on case `c` as a mediator would publish it, with `head` as its history head.
inline Report SampleReport(Id id, const Case& c, const std::string& head) {
  Report r;
  r.id = id;
  r.case_id = c.id;
  r.group_id = c.group_id;
  r.published_at = kT0 + id;
  r.published_by = "mediator:1";
  r.title = "Report on case #" + std::to_string(c.id) + ": <script>x</script>";
  r.history_head = head;
  r.case_head = std::string(64, 'c');
  r.sections = {{"The case", {{"Case", "#1 \"quoted\" \n two lines"}, {"Kind", "dispute"}}},
                {"Outcome", {{"Outcome", "none yet"}}}};
  return r;
}

// SQL that turns a database back to the layout before schema version 4:
// positions inside the case bodies, no positions table. For migration tests.
inline constexpr const char* kPositionsBackIntoBodies =
    "UPDATE cases SET body = json_set(body, '$.positions', json((SELECT json_group_array("
    "json_object('id', id, 'party_id', party_id, 'text', text, 'visibility', visibility, "
    "'stated_at', stated_at)) FROM (SELECT * FROM positions p WHERE p.case_id = cases.id "
    "ORDER BY id)))); DROP TABLE positions;";

}  // namespace baraza::testing

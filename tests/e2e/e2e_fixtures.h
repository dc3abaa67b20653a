// Shared by the end-to-end tests: a group of three parties with liaisons on a
// real barazad, and bounded polling helpers. Not thread-safe.
#pragma once

#include <atomic>
#include <thread>

#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <google/protobuf/util/time_util.h>

#include "tests/e2e/server_process.h"

namespace baraza::testing {

using namespace std::chrono_literals;

// Writes `token` into a new file `name` of `dir`, readable by its owner only (as
// the CLIs require); returns its path.
inline std::string WriteTokenFile(const TempDir& dir, const std::string& name, const std::string& token) {
  std::string path = dir.file(name);
  {
    std::ofstream out(path);
    out << token << "\n";
  }
  ::chmod(path.c_str(), 0600);
  return path;
}

// Runs a command line through the shell; returns its exit status and everything
// it printed (stdout and stderr together).
inline std::pair<int, std::string> RunCommand(const std::string& command) {
  std::string out;
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  REQUIRE(p);
  char buf[512];
  while (fgets(buf, sizeof buf, p)) out += buf;
  int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

struct Setup {
  int64_t group = 0;
  int64_t filer = 0, answers = 0, silent = 0;
  std::string filer_token, answers_token, silent_token;
};

inline int64_t AddParty(client::BarazaClient& m, int64_t group, const std::string& name,
                 v1::PartyCategory category) {
  v1::AddPartyRequest req;
  req.set_group_id(group);
  req.set_name(name);
  req.set_category(category);
  v1::Party p;
  auto s = m.AddParty(req, &p);
  REQUIRE(s.ok());
  return p.id();
}

inline std::string RegisterLiaison(client::BarazaClient& m, int64_t party) {
  v1::RegisterLiaisonRequest req;
  req.set_party_id(party);
  req.set_name("liaison of " + std::to_string(party));
  v1::RegisterLiaisonResponse resp;
  auto s = m.RegisterLiaison(req, &resp);
  REQUIRE(s.ok());
  REQUIRE(resp.token().size() == 67);
  return resp.token();
}

// Creates a contact group; `appeal_window_seconds` 0 keeps the server's default.
inline int64_t CreateGroup(client::BarazaClient& m, const std::string& name,
                           v1::GroupKind kind = v1::GROUP_KIND_STANDING,
                           int appeal_window_seconds = 0) {
  v1::CreateContactGroupRequest g;
  g.set_name(name);
  g.set_kind(kind);
  if (appeal_window_seconds > 0) g.mutable_appeal_window()->set_seconds(appeal_window_seconds);
  v1::ContactGroup group;
  auto s = m.CreateContactGroup(g, &group);
  INFO(s.error_message());
  REQUIRE(s.ok());
  return group.id();
}

// A group of three parties, each with a liaison.
// `appeal_window_seconds` 0 keeps the server's default (7 days).
inline Setup ThreeParties(client::BarazaClient& m, int appeal_window_seconds = 0) {
  Setup s;
  s.group = CreateGroup(m, "Kismayo contact group", v1::GROUP_KIND_STANDING, appeal_window_seconds);
  s.filer = AddParty(m, s.group, "Kismayo Women's Association", v1::PARTY_CATEGORY_WOMENS_GROUP);
  s.answers = AddParty(m, s.group, "Juba Valley Alliance", v1::PARTY_CATEGORY_ARMED_FACTION);
  s.silent = AddParty(m, s.group, "Somali National Front", v1::PARTY_CATEGORY_ARMED_FACTION);
  s.filer_token = RegisterLiaison(m, s.filer);
  s.answers_token = RegisterLiaison(m, s.answers);
  s.silent_token = RegisterLiaison(m, s.silent);
  return s;
}

// A dispute raised in `group` by `filer` against `respondents`.
inline v1::FileDisputeRequest DisputeIn(int64_t group, int64_t filer,
                                        const std::vector<int64_t>& respondents,
                                        int window_seconds) {
  v1::FileDisputeRequest f;
  f.set_group_id(group);
  f.set_title("Checkpoint on the port road");
  f.set_description("A checkpoint blocks aid convoys to the camps.");
  f.add_standards(v1::STANDARD_PEACE_PROCESS);
  f.set_dimension(v1::OPERATIONAL_DIMENSION_HUMANITARIAN_AID);
  f.set_filed_by_party_id(filer);
  for (int64_t p : respondents) f.add_respondent_party_ids(p);
  f.mutable_window()->set_seconds(window_seconds);
  return f;
}

// A notice of contemplated action in `group` against `targets`.
inline v1::FileContemplatedActionRequest ContemplatedActionIn(int64_t group,
                                                            const std::vector<int64_t>& targets,
                                                            int window_seconds) {
  v1::FileContemplatedActionRequest req;
  req.set_group_id(group);
  req.set_title("Seizure of heavy weapons outside the cantonment");
  req.set_description("The mission contemplates seizing the technicals parked at Kamsuma.");
  req.add_standards(v1::STANDARD_PEACE_AGREEMENT);
  req.set_dimension(v1::OPERATIONAL_DIMENSION_DDR);
  for (int64_t p : targets) req.add_target_party_ids(p);
  req.mutable_window()->set_seconds(window_seconds);
  return req;
}

// An emergency action an hour ago in `group` that affected `affected`.
inline v1::LogEmergencyActionRequest EmergencyActionIn(int64_t group,
                                                     const std::vector<int64_t>& affected) {
  v1::LogEmergencyActionRequest req;
  req.set_group_id(group);
  req.set_title("Roadblock cleared at Bulo Gaduud");
  req.set_description("A platoon removed a roadblock where a crowd was being fired upon.");
  for (int64_t p : affected) req.add_affected_party_ids(p);
  auto* a = req.mutable_action();
  *a->mutable_occurred_at() = google::protobuf::util::TimeUtil::GetCurrentTime() -
                              google::protobuf::util::TimeUtil::SecondsToDuration(3600);
  a->set_location("Bulo Gaduud junction");
  a->set_threat("Gunmen were firing on civilians queuing for water.");
  a->set_narrowness("Fire was returned only at the shooters; nobody was pursued or detained.");
  return req;
}

// The group's women's association against both factions.
inline v1::FileDisputeRequest Dispute(const Setup& s, int window_seconds) {
  return DisputeIn(s.group, s.filer, {s.answers, s.silent}, window_seconds);
}

// A liaison's answer to the call to negotiate on case `id`.
inline v1::RespondToNoticeRequest Answer(int64_t id, const std::string& position,
                                         v1::Visibility visibility = v1::VISIBILITY_GROUP) {
  v1::RespondToNoticeRequest r;
  r.set_case_id(id);
  r.set_position(position);
  r.set_visibility(visibility);
  return r;
}

inline v1::Case GetCase(client::BarazaClient& c, int64_t id) {
  v1::GetCaseRequest req;
  req.set_case_id(id);
  v1::Case out;
  auto s = c.GetCase(req, &out);
  REQUIRE(s.ok());
  return out;
}

// Polls until `pred` holds for the case, for at most `limit`.
template <typename Pred>
inline v1::Case WaitForCase(client::BarazaClient& c, int64_t id, std::chrono::seconds limit, Pred pred) {
  auto until = std::chrono::steady_clock::now() + limit;
  v1::Case k = GetCase(c, id);
  while (!pred(k) && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(100ms);
    k = GetCase(c, id);
  }
  return k;
}

inline std::vector<v1::Event> History(client::BarazaClient& c, int64_t id) {
  v1::ListCaseEventsRequest req;
  req.set_case_id(id);
  v1::ListCaseEventsResponse resp;
  REQUIRE(c.ListCaseEvents(req, &resp).ok());
  return {resp.events().begin(), resp.events().end()};
}

inline int Count(const std::vector<v1::Event>& events, v1::EventType type, int64_t party) {
  int n = 0;
  for (const auto& e : events) n += e.type() == type && e.party_id() == party;
  return n;
}

inline const v1::Respondent& RespondentOf(const v1::Case& k, int64_t party) {
  for (const auto& r : k.respondents())
    if (r.party_id() == party) return r;
  FAIL("no respondent " << party);
  return k.respondents(0);
}

// A running barazad with a group of three parties, each with a liaison, as
// most tests here start.
// Registers a commander and returns its token.
inline std::string RegisterCommander(client::BarazaClient& m, const std::string& name) {
  v1::RegisterCommanderRequest req;
  req.set_name(name);
  v1::RegisterCommanderResponse resp;
  auto s = m.RegisterCommander(req, &resp);
  REQUIRE(s.ok());
  return resp.token();
}

// A liaison whose phone stays connected but who never answers: its open
// WatchNotices stream receives every notice of its party, which the record
// counts as delivered (the outreach a default judgement needs). Stops when destroyed.
class ConnectedLiaison {
 public:
  ConnectedLiaison(const ServerProcess& server, const std::string& token)
      : client_(server.Client(token)), ctx_(client_.Context(false)) {
    reader_ = client_.WatchNotices(ctx_.get(), v1::WatchNoticesRequest());
    thread_ = std::thread([this] {
      v1::Notice n;
      while (reader_->Read(&n)) ++received_;
    });
  }
  ~ConnectedLiaison() {
    ctx_->TryCancel();
    thread_.join();
    reader_->Finish();
  }
  int received() const { return received_.load(); }

 private:
  client::BarazaClient client_;
  std::unique_ptr<grpc::ClientContext> ctx_;
  std::unique_ptr<grpc::ClientReader<v1::Notice>> reader_;
  std::thread thread_;
  std::atomic<int> received_{0};
};

// The liaison reads (acknowledges) every reminder of its party in case `id`;
// returns how many it acknowledged.
inline int AcknowledgeReminders(client::BarazaClient& liaison, int64_t id) {
  v1::ListNoticesResponse notices;
  REQUIRE(liaison.ListNotices({}, &notices).ok());
  int acked = 0;
  for (const auto& n : notices.notices()) {
    if (n.case_id() != id || n.kind() != v1::NOTICE_KIND_REMINDER) continue;
    v1::AcknowledgeNoticeRequest ack;
    ack.set_notice_id(n.id());
    v1::Notice out;
    auto status = liaison.AcknowledgeNotice(ack, &out);
    INFO(status.error_message());
    REQUIRE(status.ok());
    ++acked;
  }
  return acked;
}

class WithThreeParties {
 protected:
  // `args`: more barazad flags (ServerProcess::extra_args).
  explicit WithThreeParties(int appeal_window_seconds = 0, std::vector<std::string> args = {}) {
    server.extra_args = std::move(args);
    REQUIRE(server.Start());
    auto m = Mediator();
    s = ThreeParties(m, appeal_window_seconds);
  }
  client::BarazaClient Mediator() { return server.Client(server.mediator_token()); }

  TempDir dir;
  ServerProcess server{dir};
  Setup s;
};


}  // namespace baraza::testing

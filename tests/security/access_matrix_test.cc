// Walks the whole access matrix (tests/security/access_matrix.tsv) against the
// real server: every RPC × {mediator, liaison of party A, liaison of party B,
// commander, observer, no token, revoked token} × {own case, another's case, a missing
// case}, each on a fresh case, and fails on any cell that differs. A case that
// exists but is not the caller's must answer exactly as a missing one (an emergency
// action of the caller's group is the caller's to read: AppealAction "other").
#include <catch2/catch.hpp>
#include <google/protobuf/descriptor.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "services/api/access_policy.h"
#include "services/auth/tokens.h"
#include "tests/e2e/e2e_fixtures.h"

using namespace baraza;
using namespace baraza::testing;

namespace {

void RequireOk(const grpc::Status& s) {
  INFO(s.error_message());
  REQUIRE(s.ok());
}

const std::vector<std::string> kPrincipals = {"mediator", "liaison_a", "liaison_b", "commander",
                                              "observer", "no_token",  "revoked_token"};
constexpr int64_t kMissingCase = 987654;

// A case the cell's call is made on, and the party it concerns.
struct Target {
  int64_t case_id = 0;
  int64_t party = 0;
};

class World {
 public:
  explicit World(ServerProcess& server) : server_(server), m_(Client(server.mediator_token())) {
    v1::CreateContactGroupRequest g;
    g.set_name("Kismayo contact group");
    g.set_kind(v1::GROUP_KIND_STANDING);
    v1::ContactGroup group;
    RequireOk(m_.CreateContactGroup(g, &group));
    g1 = group.id();
    g.set_name("Baidoa contact group");
    RequireOk(m_.CreateContactGroup(g, &group));
    g2 = group.id();
    filer = AddParty(m_, g1, "Kismayo Women's Association", v1::PARTY_CATEGORY_WOMENS_GROUP);
    a = AddParty(m_, g1, "Juba Valley Alliance", v1::PARTY_CATEGORY_ARMED_FACTION);
    b = AddParty(m_, g1, "Somali National Front", v1::PARTY_CATEGORY_ARMED_FACTION);
    tokens["mediator"] = server.mediator_token();
    tokens["liaison_a"] = RegisterLiaison(m_, a);
    tokens["liaison_b"] = RegisterLiaison(m_, b);
    tokens["commander"] = RegisterCommander(m_, "Col. A. Diallo");
    other_commander_ = RegisterCommander(m_, "Maj. B. Okafor");
    v1::RegisterObserverRequest observer;
    observer.set_name("Donor liaison office");
    v1::RegisterObserverResponse issued;
    RequireOk(m_.RegisterObserver(observer, &issued));
    tokens["observer"] = issued.token();
    // A published report for the calls that read one.
    v1::Case c;
    RequireOk(m_.FileDispute(DisputeIn(g1, filer, {a}, 3600), &c));
    v1::PublishReportRequest publish;
    publish.set_case_id(c.id());
    v1::Report published;
    RequireOk(m_.PublishReport(publish, &published));
    report = published.id();
    // A notice to each party, for the calls that acknowledge one, and liaison A's id.
    RequireOk(m_.FileDispute(DisputeIn(g1, filer, {a, b}, 3600), &c));
    for (int64_t party : {a, b}) {
      v1::ListNoticesRequest q;
      q.set_party_id(party);
      v1::ListNoticesResponse notices;
      RequireOk(m_.ListNotices(q, &notices));
      REQUIRE(notices.notices_size() > 0);
      notice_of[party] = notices.notices(0).id();
    }
    v1::WhoAmIResponse who;
    RequireOk(Client(tokens["liaison_a"]).WhoAmI({}, &who));
    liaison_a = std::stoll(who.subject().substr(who.subject().find(':') + 1));
    tokens["no_token"] = "";
    std::string revoked = RegisterLiaison(m_, a);
    REQUIRE(Revoke(revoked) == grpc::StatusCode::OK);
    tokens["revoked_token"] = revoked;
  }

  client::BarazaClient Client(const std::string& token) {
    client::ClientOptions o;
    o.server = server_.address();
    o.token = token;
    o.timeout = std::chrono::seconds(5);
    o.retries = 0;
    return client::BarazaClient(o);
  }
  client::BarazaClient As(const std::string& principal) { return Client(tokens.at(principal)); }

  // The party a principal speaks for (A for those who speak for none).
  int64_t PartyOf(const std::string& p) const { return p == "liaison_b" ? b : a; }
  int64_t OtherParty(const std::string& p) const { return p == "liaison_b" ? a : b; }

  // A dispute-like case: for the commander, "own" is its contemplated action.
  Target Dispute(const std::string& principal, const std::string& target) {
    if (target == "missing") return {kMissingCase, a};
    v1::Case c;
    if (principal == "commander") {
      auto cl = Client(target == "own" ? tokens["commander"] : server_.mediator_token());
      RequireOk(cl.FileContemplatedAction(ContemplatedActionIn(g1, {a}, 3600), &c));
      return {c.id(), a};
    }
    int64_t party = target == "own" ? PartyOf(principal) : OtherParty(principal);
    RequireOk(m_.FileDispute(DisputeIn(g1, filer, {party}, 3600), &c));
    return {c.id(), party};
  }

  // An emergency action, explained and appealed: for the commander, "own" is one it logged.
  Target Action(const std::string& principal, const std::string& target) {
    if (target == "missing") return {kMissingCase, a};
    bool mine = principal == "commander" && target == "own";
    int64_t party = principal == "commander" ? a
                    : target == "own"        ? PartyOf(principal)
                                             : OtherParty(principal);
    auto commander = Client(mine ? tokens["commander"] : other_commander_);
    v1::Case c;
    RequireOk(commander.LogEmergencyAction(EmergencyActionIn(g1, {party}), &c));
    v1::ExplainActionRequest explain;
    explain.set_case_id(c.id());
    explain.set_text("The crowd was under fire.");
    RequireOk(commander.ExplainAction(explain, &c));
    v1::AppealActionRequest appeal;
    appeal.set_case_id(c.id());
    appeal.set_grounds("Our men were not shooting.");
    auto liaison = Client(party == a ? LiaisonToken(a) : tokens["liaison_b"]);
    RequireOk(liaison.AppealAction(appeal, &c));
    return {c.id(), party};
  }

  // The public id of a token: the first 12 hex digits of its SHA-256.
  static std::string IdOf(const std::string& token) { return auth::HashToken(token).substr(0, 12); }
  grpc::StatusCode Revoke(const std::string& token) {
    v1::RevokeTokenRequest r;
    r.set_token_id(IdOf(token));
    v1::TokenInfo info;
    return m_.RevokeToken(r, &info).error_code();
  }

  std::string LiaisonToken(int64_t party) { return party == a ? tokens["liaison_a"] : tokens["liaison_b"]; }

  client::BarazaClient& mediator() { return m_; }

  int64_t g1 = 0, g2 = 0, filer = 0, a = 0, b = 0, report = 0, liaison_a = 0;
  std::map<int64_t, int64_t> notice_of;  // party → a notice addressed to it
  std::map<std::string, std::string> tokens;

 private:
  ServerProcess& server_;
  client::BarazaClient m_;
  std::string other_commander_;
};

// One RPC of the matrix: whether it takes a target, and how to call it.
struct Rpc {
  enum Scope { kNone, kDispute, kAction, kGroup } scope;
  std::function<grpc::Status(World&, client::BarazaClient&, const std::string& principal,
                             const Target&)>
      call;
};

template <typename Req, typename Resp>
grpc::Status Call(grpc::Status (client::BarazaClient::*method)(const Req&, Resp*),
                  client::BarazaClient& cl, const Req& req) {
  Resp resp;
  return (cl.*method)(req, &resp);
}

using C = client::BarazaClient;

std::map<std::string, Rpc> Rpcs() {
  std::map<std::string, Rpc> r;
  r["CreateContactGroup"] = {Rpc::kNone, [](World&, C& cl, auto&, auto&) {
    v1::CreateContactGroupRequest q;
    q.set_name("Ad hoc group");
    q.set_kind(v1::GROUP_KIND_AD_HOC);
    return Call(&C::CreateContactGroup, cl, q);
  }};
  r["GetContactGroup"] = {Rpc::kGroup, [](World&, C& cl, auto&, const Target& t) {
    v1::GetContactGroupRequest q;
    q.set_group_id(t.case_id);
    return Call(&C::GetContactGroup, cl, q);
  }};
  r["ListContactGroups"] = {Rpc::kNone, [](World&, C& cl, auto&, auto&) {
    return Call(&C::ListContactGroups, cl, v1::ListContactGroupsRequest());
  }};
  r["AddParty"] = {Rpc::kNone, [](World& w, C& cl, auto&, auto&) {
    static int n = 0;
    v1::AddPartyRequest q;
    q.set_group_id(w.g1);
    q.set_name("Elders' council " + std::to_string(++n));
    q.set_category(v1::PARTY_CATEGORY_TRADITIONAL_AUTHORITY);
    return Call(&C::AddParty, cl, q);
  }};
  r["RegisterLiaison"] = {Rpc::kNone, [](World& w, C& cl, auto&, auto&) {
    v1::RegisterLiaisonRequest q;
    q.set_party_id(w.a);
    q.set_name("second liaison");
    return Call(&C::RegisterLiaison, cl, q);
  }};
  r["GetParticipationRecord"] = {Rpc::kNone, [](World& w, C& cl, auto&, auto&) {
    v1::GetParticipationRecordRequest q;
    q.set_party_id(w.a);
    return Call(&C::GetParticipationRecord, cl, q);
  }};
  r["WhoAmI"] = {Rpc::kNone, [](World&, C& cl, auto&, auto&) {
    return Call(&C::WhoAmI, cl, v1::WhoAmIRequest());
  }};
  // liaison_a's language: its own, or a mediator's to set; nobody else's.
  r["SetLanguage"] = {Rpc::kNone, [](World& w, C& cl, auto&, auto&) {
    v1::SetLanguageRequest q;
    q.set_liaison_id(w.liaison_a);
    q.set_language("fr");
    return Call(&C::SetLanguage, cl, q);
  }};
  r["RegisterCommander"] = {Rpc::kNone, [](World&, C& cl, auto&, auto&) {
    v1::RegisterCommanderRequest q;
    q.set_name("Lt. C. Mensah");
    return Call(&C::RegisterCommander, cl, q);
  }};
  r["RegisterObserver"] = {Rpc::kNone, [](World&, C& cl, auto&, auto&) {
    v1::RegisterObserverRequest q;
    q.set_name("Security Council panel of experts");
    return Call(&C::RegisterObserver, cl, q);
  }};
  r["PublishReport"] = {Rpc::kDispute, [](World&, C& cl, auto&, const Target& t) {
    v1::PublishReportRequest q;
    q.set_case_id(t.case_id);
    return Call(&C::PublishReport, cl, q);
  }};
  r["GetReport"] = {Rpc::kNone, [](World& w, C& cl, auto&, auto&) {
    v1::GetReportRequest q;
    q.set_report_id(w.report);
    return Call(&C::GetReport, cl, q);
  }};
  r["ListReports"] = {Rpc::kNone, [](World&, C& cl, auto&, auto&) {
    return Call(&C::ListReports, cl, v1::ListReportsRequest());
  }};
  r["ListTokens"] = {Rpc::kNone, [](World&, C& cl, auto&, auto&) {
    return Call(&C::ListTokens, cl, v1::ListTokensRequest());
  }};
  r["RevokeToken"] = {Rpc::kNone, [](World& w, C& cl, auto&, auto&) {
    std::string unused = RegisterLiaison(w.mediator(), w.a);  // a token nobody uses, to revoke
    v1::RevokeTokenRequest q;
    q.set_token_id(World::IdOf(unused));
    return Call(&C::RevokeToken, cl, q);
  }};
  r["FileDispute"] = {Rpc::kNone, [](World& w, C& cl, auto&, auto&) {
    return Call(&C::FileDispute, cl, DisputeIn(w.g1, w.filer, {w.a}, 3600));
  }};
  r["GetCase"] = {Rpc::kDispute, [](World&, C& cl, auto&, const Target& t) {
    v1::GetCaseRequest q;
    q.set_case_id(t.case_id);
    return Call(&C::GetCase, cl, q);
  }};
  r["ListCases"] = {Rpc::kNone, [](World&, C& cl, auto&, auto&) {
    return Call(&C::ListCases, cl, v1::ListCasesRequest());
  }};
  r["RespondToNotice"] = {Rpc::kDispute, [](World&, C& cl, auto&, const Target& t) {
    v1::RespondToNoticeRequest q;
    q.set_case_id(t.case_id);
    q.set_position("We will talk.");
    q.set_visibility(v1::VISIBILITY_GROUP);
    return Call(&C::RespondToNotice, cl, q);
  }};
  r["RequestExtension"] = {Rpc::kDispute, [](World&, C& cl, auto&, const Target& t) {
    v1::RequestExtensionRequest q;
    q.set_case_id(t.case_id);
    q.mutable_extension()->set_seconds(86400);
    q.set_reason("Our commander is away.");
    return Call(&C::RequestExtension, cl, q);
  }};
  r["GrantExtension"] = {Rpc::kDispute, [](World&, C& cl, auto&, const Target& t) {
    v1::GrantExtensionRequest q;
    q.set_case_id(t.case_id);
    q.set_party_id(t.party);
    q.mutable_extension()->set_seconds(86400);
    q.set_reason("Travel.");
    return Call(&C::GrantExtension, cl, q);
  }};
  r["GrantCapacitySupport"] = {Rpc::kDispute, [](World&, C& cl, auto&, const Target& t) {
    v1::GrantCapacitySupportRequest q;
    q.set_case_id(t.case_id);
    q.set_party_id(t.party);
    q.set_kind(v1::SUPPORT_KIND_TRANSLATION);
    q.set_description("An interpreter for the meeting.");
    return Call(&C::GrantCapacitySupport, cl, q);
  }};
  r["RecordSettlement"] = {Rpc::kDispute, [](World&, C& cl, auto&, const Target& t) {
    v1::RecordSettlementRequest q;
    q.set_case_id(t.case_id);
    q.set_text("The checkpoint opens by day.");
    q.add_accepting_party_ids(t.party);
    return Call(&C::RecordSettlement, cl, q);
  }};
  r["RecordMissionDecision"] = {Rpc::kDispute, [](World&, C& cl, auto&, const Target& t) {
    v1::RecordMissionDecisionRequest q;
    q.set_case_id(t.case_id);
    q.set_text("The checkpoint is removed.");
    q.set_rationale("It blocks aid.");
    return Call(&C::RecordMissionDecision, cl, q);
  }};
  r["WithdrawCase"] = {Rpc::kDispute, [](World&, C& cl, auto&, const Target& t) {
    v1::WithdrawCaseRequest q;
    q.set_case_id(t.case_id);
    q.set_reason("Resolved locally.");
    return Call(&C::WithdrawCase, cl, q);
  }};
  r["CloseCase"] = {Rpc::kDispute, [](World&, C& cl, auto&, const Target& t) {
    v1::CloseCaseRequest q;
    q.set_case_id(t.case_id);
    return Call(&C::CloseCase, cl, q);
  }};
  r["ListCaseEvents"] = {Rpc::kDispute, [](World&, C& cl, auto&, const Target& t) {
    v1::ListCaseEventsRequest q;
    q.set_case_id(t.case_id);
    return Call(&C::ListCaseEvents, cl, q);
  }};
  r["FileContemplatedAction"] = {Rpc::kNone, [](World& w, C& cl, auto&, auto&) {
    return Call(&C::FileContemplatedAction, cl, ContemplatedActionIn(w.g1, {w.a}, 3600));
  }};
  r["LogEmergencyAction"] = {Rpc::kNone, [](World& w, C& cl, auto&, auto&) {
    return Call(&C::LogEmergencyAction, cl, EmergencyActionIn(w.g1, {w.a}));
  }};
  r["ExplainAction"] = {Rpc::kAction, [](World&, C& cl, auto&, const Target& t) {
    v1::ExplainActionRequest q;
    q.set_case_id(t.case_id);
    q.set_text("More detail.");
    return Call(&C::ExplainAction, cl, q);
  }};
  r["AppealAction"] = {Rpc::kAction, [](World&, C& cl, auto&, const Target& t) {
    v1::AppealActionRequest q;
    q.set_case_id(t.case_id);
    q.set_grounds("A second appeal.");
    return Call(&C::AppealAction, cl, q);
  }};
  r["AnswerAppeal"] = {Rpc::kAction, [](World&, C& cl, auto&, const Target& t) {
    v1::AnswerAppealRequest q;
    q.set_case_id(t.case_id);
    q.set_appeal_id(1);
    q.set_text("They were.");
    return Call(&C::AnswerAppeal, cl, q);
  }};
  r["RuleOnAppeal"] = {Rpc::kAction, [](World&, C& cl, auto&, const Target& t) {
    v1::RuleOnAppealRequest q;
    q.set_case_id(t.case_id);
    q.set_ruling(v1::RULING_UPHELD);
    q.set_reasons("The threat was clear.");
    return Call(&C::RuleOnAppeal, cl, q);
  }};
  r["ListNotices"] = {Rpc::kNone, [](World& w, C& cl, const std::string& p, auto&) {
    v1::ListNoticesRequest q;
    if (p == "mediator") q.set_party_id(w.a);
    return Call(&C::ListNotices, cl, q);
  }};
  r["AddContactPoint"] = {Rpc::kNone, [](World& w, C& cl, auto&, auto&) {
    v1::AddContactPointRequest q;
    q.set_liaison_id(w.liaison_a);
    q.set_kind(v1::CONTACT_KIND_EMAIL);
    q.set_address("abdi@jva.example.org");
    return Call(&C::AddContactPoint, cl, q);
  }};
  r["ListContactPoints"] = {Rpc::kNone, [](World& w, C& cl, const std::string& p, auto&) {
    v1::ListContactPointsRequest q;  // a liaison's or commander's own; a mediator names liaison A
    if (p == "mediator" || p == "observer") q.set_liaison_id(w.liaison_a);
    return Call(&C::ListContactPoints, cl, q);
  }};
  r["RemoveContactPoint"] = {Rpc::kNone, [](World& w, C& cl, auto&, auto&) {
    v1::AddContactPointRequest add;  // a fresh one for each cell, added by the mediator
    add.set_liaison_id(w.liaison_a);
    add.set_kind(v1::CONTACT_KIND_SMS);
    add.set_address("+252612345678");
    v1::ContactPoint point;
    RequireOk(w.mediator().AddContactPoint(add, &point));
    v1::RemoveContactPointRequest q;
    q.set_contact_point_id(point.id());
    return Call(&C::RemoveContactPoint, cl, q);
  }};
  r["AcknowledgeNotice"] = {Rpc::kNone, [](World& w, C& cl, const std::string& p, auto&) {
    v1::AcknowledgeNoticeRequest q;  // a notice of the caller's own party
    q.set_notice_id(w.notice_of.at(w.PartyOf(p)));
    return Call(&C::AcknowledgeNotice, cl, q);
  }};
  r["ListDeliveries"] = {Rpc::kDispute, [](World&, C& cl, auto&, const Target& t) {
    v1::ListDeliveriesRequest q;
    q.set_case_id(t.case_id);
    return Call(&C::ListDeliveries, cl, q);
  }};
  r["WatchNotices"] = {Rpc::kNone, [](World&, C& cl, auto&, auto&) {
    // Allowed: the stream stays open (ends at the short deadline). Refused: it ends at once.
    auto ctx = cl.Context(false);
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(300));
    auto reader = cl.WatchNotices(ctx.get(), v1::WatchNoticesRequest());
    v1::Notice n;
    while (reader->Read(&n)) {
    }
    return reader->Finish();
  }};
  return r;
}

// What a cell records: the access codes by name; anything else means the call
// got past access control.
std::string CellOf(const grpc::Status& s) {
  switch (s.error_code()) {
    case grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::StatusCode::NOT_FOUND: return "NOT_FOUND";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    default: return "allowed";
  }
}

std::vector<std::string> TargetsOf(Rpc::Scope scope) {
  if (scope == Rpc::kNone) return {"-"};
  return {"own", "other", "missing"};
}

}  // namespace

TEST_CASE("the access matrix holds cell by cell on the real server", "[security][matrix]") {
  // The committed policy: rpc, principal, target, expected.
  std::map<std::tuple<std::string, std::string, std::string>, std::string> expected;
  {
    std::ifstream in(BARAZA_ACCESS_MATRIX);
    REQUIRE(in);
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream row(line);
      std::string rpc, principal, target, cell;
      row >> rpc >> principal >> target >> cell;
      if (rpc == "rpc") continue;  // the header
      expected[{rpc, principal, target}] = cell;
    }
  }

  TempDir dir;
  ServerProcess server(dir);
  // 146 cells are refused tokens from 127.0.0.1; slowing them is auth_slowing_test's.
  server.extra_args = {"--auth-slow-after", "0"};
  REQUIRE(server.Start());
  World w(server);
  auto rpcs = Rpcs();

  // Every RPC of the API is in the matrix and in the policy table of the code.
  for (const char* service : {"baraza.v1.ContactGroupService", "baraza.v1.AccessService",
                              "baraza.v1.CaseService", "baraza.v1.NoticeService",
                              "baraza.v1.ReportService", "baraza.v1.OutreachService"}) {
    const auto* d = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service);
    REQUIRE(d);
    for (int i = 0; i < d->method_count(); ++i) {
      std::string m = d->method(i)->name();
      INFO(m);
      CHECK(rpcs.count(m) == 1);
      bool in_code = false;
      for (const auto& e : api::kAccessPolicy) in_code = in_code || e.method == m;
      CHECK(in_code);
    }
  }

  std::ostringstream actual_table, differences;
  actual_table << "rpc\tprincipal\ttarget\texpected\n";
  int cells = 0, wrong = 0;
  for (const auto& [name, rpc] : rpcs) {
    for (const auto& principal : kPrincipals) {
      for (const auto& target : TargetsOf(rpc.scope)) {
        Target t;
        if (rpc.scope == Rpc::kDispute) t = w.Dispute(principal, target);
        if (rpc.scope == Rpc::kAction) t = w.Action(principal, target);
        if (rpc.scope == Rpc::kGroup)
          t.case_id = target == "own" ? w.g1 : target == "other" ? w.g2 : kMissingCase;
        auto cl = w.As(principal);
        grpc::Status got = rpc.call(w, cl, principal, t);
        std::string cell = CellOf(got);
        ++cells;
        actual_table << name << "\t" << principal << "\t" << target << "\t" << cell << "\n";
        auto it = expected.find({name, principal, target});
        std::string want = it == expected.end() ? "(missing from the matrix)" : it->second;
        // An allowed call must be well formed: only state may stop it.
        bool malformed = cell == "allowed" && got.error_code() == grpc::StatusCode::INVALID_ARGUMENT;
        if (cell != want || malformed) {
          ++wrong;
          differences << name << " " << principal << " " << target << ": expected " << want
                      << ", got " << got.error_code() << " " << got.error_message() << "\n";
        }
      }
    }
  }
  if (const char* out = std::getenv("BARAZA_WRITE_MATRIX")) std::ofstream(out) << actual_table.str();
  INFO(differences.str());
  CHECK(cells == static_cast<int>(expected.size()));
  CHECK(wrong == 0);
}

TEST_CASE("a case that is not yours answers exactly as a missing one", "[security][matrix]") {
  TempDir dir;
  ServerProcess server(dir);
  REQUIRE(server.Start());
  World w(server);
  auto liaison_a = w.As("liaison_a");
  Target others = w.Dispute("liaison_a", "other");
  v1::GetCaseRequest q;
  v1::Case c;
  q.set_case_id(others.case_id);
  grpc::Status theirs = liaison_a.GetCase(q, &c);
  q.set_case_id(kMissingCase);
  grpc::Status missing = liaison_a.GetCase(q, &c);
  CHECK(theirs.error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(theirs.error_code() == missing.error_code());
  // The same words, the id aside.
  auto words = [](std::string m, int64_t id) {
    auto at = m.find(std::to_string(id));
    if (at != std::string::npos) m.replace(at, std::to_string(id).size(), "<id>");
    return m;
  };
  CHECK(words(theirs.error_message(), others.case_id) == words(missing.error_message(), kMissingCase));
}

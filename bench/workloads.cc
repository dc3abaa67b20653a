#include "bench/workloads.h"

#include <grpcpp/generic/generic_stub.h>

#include <algorithm>
#include <atomic>
#include <iostream>

#include "baraza/v1/baraza.grpc.pb.h"
#include "echo.grpc.pb.h"

namespace baraza::bench {

namespace v1 = baraza::v1;

namespace {

std::string Bytes(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  for (const auto& s : slices) out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return out;
}

}  // namespace

bool Seed(const std::string& address, const std::string& mediator, Seeded* s) {
  auto ch = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  auto groups = v1::ContactGroupService::NewStub(ch);
  auto kases = v1::CaseService::NewStub(ch);
  v1::CreateContactGroupRequest g;
  g.set_name("Benchmark contact group");
  g.set_kind(v1::GROUP_KIND_STANDING);
  v1::ContactGroup group;
  if (!Unary(mediator, [&](auto* c) { return groups->CreateContactGroup(c, g, &group); }).ok()) return false;
  s->group = group.id();
  int64_t parties[2];
  for (int i = 0; i < 2; ++i) {
    v1::AddPartyRequest p;
    p.set_group_id(group.id());
    p.set_name(i == 0 ? "Respondent faction" : "Filing association");
    p.set_category(i == 0 ? v1::PARTY_CATEGORY_ARMED_FACTION : v1::PARTY_CATEGORY_CIVIL_SOCIETY);
    v1::Party party;
    if (!Unary(mediator, [&](auto* c) { return groups->AddParty(c, p, &party); }).ok()) return false;
    parties[i] = party.id();
  }
  s->party = parties[0];
  v1::RegisterLiaisonRequest l;
  l.set_party_id(parties[0]);
  l.set_name("Benchmark liaison");
  v1::RegisterLiaisonResponse lr;
  if (!Unary(mediator, [&](auto* c) { return groups->RegisterLiaison(c, l, &lr); }).ok()) return false;
  s->liaison_token = lr.token();
  return true;
}



// The RPC that `kind` measures (echo, echo-later, get, list, respond, file).
Rpc RpcFor(const std::string& kind, const std::string& mediator, const Seeded& s) {
  int64_t span = std::max<int64_t>(1, s.last_case - s.first_case + 1);
  int64_t answered_span = std::max<int64_t>(1, s.last_answered - s.first_answered + 1);
  const std::string as_mediator = "Bearer " + mediator;
  if (kind == "echo" || kind == "echo-later")
    return {kind == "echo" ? "/baraza.bench.Echo/Ping" : "/baraza.bench.Echo/PingLater", "",
            [](int64_t) { return baraza::bench::PingRequest().SerializeAsString(); },
            [](const std::string& reply, int64_t) {
              return baraza::bench::PingResponse().ParseFromString(reply);
            }};
  if (kind == "get") {
    auto id = [=](int64_t n) { return s.first_case + n % span; };
    return {"/baraza.v1.CaseService/GetCase", as_mediator,
            [=](int64_t n) {
              v1::GetCaseRequest r;
              r.set_case_id(id(n));
              return r.SerializeAsString();
            },
            [=](const std::string& reply, int64_t n) {
              v1::Case c;
              return c.ParseFromString(reply) && c.id() == id(n);
            }};
  }
  if (kind == "list") {
    v1::ListCasesRequest r;
    r.set_group_id(s.group);
    r.set_page_size(20);
    return {"/baraza.v1.CaseService/ListCases", as_mediator,
            [bytes = r.SerializeAsString()](int64_t) { return bytes; },
            [=](const std::string& reply, int64_t) {
              v1::ListCasesResponse page;
              if (!page.ParseFromString(reply) || page.cases_size() != 20) return false;
              for (const auto& c : page.cases())
                if (c.group_id() != s.group) return false;
              return true;
            }};
  }
  // ListNotices as the respondents' liaison, 20 a page from a moving start, in
  // English ("notices") or French ("notices-fr"): what rendering on read costs
  // (issue 17: at most 10% over reading them as stored).
  if (kind == "notices" || kind == "notices-fr") {
    Rpc rpc{"/baraza.v1.NoticeService/ListNotices", "Bearer " + s.liaison_token,
            [=](int64_t n) {
              v1::ListNoticesRequest r;
              r.set_after_notice_id(n % std::max<int64_t>(1, span));
              r.set_page_size(20);
              return r.SerializeAsString();
            },
            [](const std::string& reply, int64_t) {
              v1::ListNoticesResponse page;
              return page.ParseFromString(reply) && page.notices_size() > 0 &&
                     !page.notices(0).text().empty();
            }};
    if (kind == "notices-fr") rpc.language = "fr";
    return rpc;
  }
  if (kind == "respond-basic") {  // a position added, the answer without the growing texts
    auto id = [=](int64_t n) { return s.first_answered + n % answered_span; };
    return {"/baraza.v1.CaseService/RespondToNotice", "Bearer " + s.liaison_token,
            [=](int64_t n) {
              v1::RespondToNoticeRequest r;
              r.set_case_id(id(n));
              r.set_position("Position " + std::to_string(n));
              r.set_visibility(v1::VISIBILITY_GROUP);
              r.set_request_id("bench-" + std::to_string(n));
              r.set_view(v1::CASE_VIEW_BASIC);
              return r.SerializeAsString();
            },
            [=](const std::string& reply, int64_t n) {
              v1::Case c;
              return c.ParseFromString(reply) && c.id() == id(n) && c.positions_size() == 0;
            }};
  }
  if (kind == "respond") {
    auto id = [=](int64_t n) { return s.first_answered + n % answered_span; };
    return {"/baraza.v1.CaseService/RespondToNotice", "Bearer " + s.liaison_token,
            [=](int64_t n) {
              v1::RespondToNoticeRequest r;
              r.set_case_id(id(n));
              r.set_position("Position " + std::to_string(n));
              r.set_visibility(v1::VISIBILITY_GROUP);
              r.set_request_id("bench-" + std::to_string(n));
              return r.SerializeAsString();
            },
            [=](const std::string& reply, int64_t n) {
              v1::Case c;
              if (!c.ParseFromString(reply) || c.id() != id(n)) return false;
              const std::string text = "Position " + std::to_string(n);
              return std::any_of(c.positions().begin(), c.positions().end(),
                                 [&](const v1::Position& p) { return p.text() == text; });
            }};
  }
  // "file" (also how the disputes are seeded)
  return {"/baraza.v1.CaseService/FileDispute", as_mediator,
          [=](int64_t n) {
            v1::FileDisputeRequest f;
            f.set_group_id(s.group);
            f.set_title("Load dispute " + std::to_string(n));
            f.set_description("Filed by baraza-bench.");
            f.add_standards(v1::STANDARD_PEACE_PROCESS);
            f.set_dimension(v1::OPERATIONAL_DIMENSION_HUMANITARIAN_AID);
            f.add_respondent_party_ids(s.party);
            f.mutable_window()->set_seconds(30 * 86400);
            f.set_request_id("bench-file-" + std::to_string(n));
            return f.SerializeAsString();
          },
          [](const std::string& reply, int64_t n) {
            v1::Case c;
            return c.ParseFromString(reply) && c.id() > 0 &&
                   c.title() == "Load dispute " + std::to_string(n);
          }};
}

Issue Workload(const std::string& kind, const std::vector<std::shared_ptr<grpc::Channel>>& chans,
               const std::string& mediator, const Seeded& s) {
  auto stubs = std::make_shared<std::vector<std::unique_ptr<grpc::GenericStub>>>();
  for (auto& ch : chans) stubs->push_back(std::make_unique<grpc::GenericStub>(ch));
  auto rpc = std::make_shared<Rpc>(RpcFor(kind, mediator, s));
  // One counter for the whole process: every request_id is new, so that no
  // measurement is answered from the replay of an earlier one.
  static std::atomic<int64_t> shared_counter{0};
  auto* counter = &shared_counter;
  struct Call {
    grpc::ClientContext ctx;
    grpc::ByteBuffer req, resp;
  };
  return [=](int slot, std::function<void(grpc::Status)> done) {
    int64_t n = counter->fetch_add(1);
    auto* c = new Call;
    c->ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    if (!rpc->authorization.empty()) c->ctx.AddMetadata("authorization", rpc->authorization);
    if (!rpc->language.empty()) c->ctx.AddMetadata("baraza-language", rpc->language);
    std::string bytes = rpc->request(n);
    grpc::Slice slice(bytes);
    c->req = grpc::ByteBuffer(&slice, 1);
    (*stubs)[slot % stubs->size()]->UnaryCall(
        &c->ctx, rpc->method, grpc::StubOptions(), &c->req, &c->resp,
        [c, n, rpc, done = std::move(done)](grpc::Status st) {
          if (st.ok() && n % kCheckEvery == 0 && !rpc->check(Bytes(c->resp), n))
            st = grpc::Status(grpc::StatusCode::DATA_LOSS,
                              "the reply to " + rpc->method + " is not the one asked for");
          delete c;
          done(st);
        });
  };
}

// Files `cases` disputes against the seeded party, 64 at a time, and records
// the range of their ids (a fresh database numbers them without gaps).
// Seeds `cases` disputes to read and as many to answer (see Seeded).
bool FileCases(const std::string& address, const std::vector<std::shared_ptr<grpc::Channel>>& chans,
               const std::string& mediator, int n, const Seeded& s, int64_t* first, int64_t* last) {
  Result r = Drive(64, n, 600, Workload("file", chans, mediator, s));
  if (r.errors > 0 || r.ok != n) {
    std::cerr << "baraza-bench: filing disputes failed: " << r.first_error << std::endl;
    return false;
  }
  auto kases = v1::CaseService::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  v1::ListCasesRequest newest;
  newest.set_group_id(s.group);
  newest.set_page_size(1);
  v1::ListCasesResponse page;
  if (!Unary(mediator, [&](auto* c) { return kases->ListCases(c, newest, &page); }).ok() ||
      page.cases_size() != 1)
    return false;
  *last = page.cases(0).id();  // nothing else files meanwhile: the ids run without gaps
  *first = *last - n + 1;
  return true;
}

bool SeedCases(const std::string& address, const std::vector<std::shared_ptr<grpc::Channel>>& chans,
               const std::string& mediator, int cases, Seeded* s) {
  int64_t first = 0, last = 0;
  if (!FileCases(address, chans, mediator, 2 * cases, *s, &first, &last)) return false;
  s->first_case = first;
  s->last_case = first + cases - 1;
  s->first_answered = s->last_case + 1;
  s->last_answered = last;
  return true;
}

}  // namespace baraza::bench

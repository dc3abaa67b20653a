// baraza-bench-reach: what reach costs. Durable writes (FileDispute) with and
// without two webhook contact points per liaison, and how fast the outbox drains
// to a webhook receiver, all on 127.0.0.1 with bounded time and requests.
#include <CLI/CLI.hpp>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <mutex>
#include <thread>

#include "baraza/v1/baraza.grpc.pb.h"
#include "bench/bench_support.h"
#include "services/process/tuning.h"

namespace fs = std::filesystem;
namespace v1 = baraza::v1;
namespace http = boost::beast::http;
using boost::asio::ip::tcp;
using namespace baraza::bench;

namespace {

// A webhook receiver: answers every request 200 and counts them, with the time
// of the first and the last. Asynchronous on one thread of its own; stopping
// the io_context ends every connection.
class Receiver {
 public:
  Receiver() : acceptor_(io_, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)) {
    Accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~Receiver() {
    io_.stop();
    thread_.join();
  }
  int port() const { return acceptor_.local_endpoint().port(); }
  int64_t count() const { return count_.load(); }
  // Seconds from the first request to the last; 0 before two arrived.
  double Span() {
    std::lock_guard lock(mu_);
    return count_ < 2 ? 0 : std::chrono::duration<double>(last_ - first_).count();
  }

 private:
  struct Session : std::enable_shared_from_this<Session> {
    Session(tcp::socket s, Receiver* r) : socket(std::move(s)), receiver(r) {}
    void Read() {
      req = {};
      http::async_read(socket, buffer, req,
                       [self = shared_from_this()](boost::system::error_code ec, size_t) {
                         if (ec) return;
                         self->receiver->Counted();
                         self->res = {http::status::ok, self->req.version()};
                         self->res.keep_alive(self->req.keep_alive());
                         self->res.body() = "ok";
                         self->res.prepare_payload();
                         http::async_write(self->socket, self->res,
                                           [self](boost::system::error_code ec, size_t) {
                                             if (!ec && self->req.keep_alive()) self->Read();
                                           });
                       });
    }
    tcp::socket socket;
    Receiver* receiver;
    boost::beast::flat_buffer buffer;
    http::request<http::string_body> req;
    http::response<http::string_body> res;
  };

  void Accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
      if (ec) return;
      std::make_shared<Session>(std::move(socket), this)->Read();
      Accept();
    });
  }
  void Counted() {
    auto now = Clock::now();
    std::lock_guard lock(mu_);
    if (count_ == 0) first_ = now;
    last_ = now;
    count_ += 1;
  }

  boost::asio::io_context io_;
  tcp::acceptor acceptor_;
  std::thread thread_;
  std::atomic<int64_t> count_{0};
  std::mutex mu_;
  Clock::time_point first_, last_;
};

struct World {
  int64_t group = 0, respondent = 0, filer = 0;
};

// A group with a respondent and a filing party, each with one liaison; with
// `points`, each liaison gets that many webhook contact points at `hook`.
bool Seed(const std::string& address, const std::string& mediator, int points,
          const std::string& hook, World* w) {
  auto ch = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  auto groups = v1::ContactGroupService::NewStub(ch);
  auto outreach = v1::OutreachService::NewStub(ch);
  v1::CreateContactGroupRequest g;
  g.set_name("Reach benchmark group");
  g.set_kind(v1::GROUP_KIND_STANDING);
  v1::ContactGroup group;
  if (!Unary(mediator, [&](auto* c) { return groups->CreateContactGroup(c, g, &group); }).ok())
    return false;
  w->group = group.id();
  for (int i = 0; i < 2; ++i) {
    v1::AddPartyRequest p;
    p.set_group_id(group.id());
    p.set_name(i == 0 ? "Respondent faction" : "Filing association");
    p.set_category(i == 0 ? v1::PARTY_CATEGORY_ARMED_FACTION : v1::PARTY_CATEGORY_CIVIL_SOCIETY);
    v1::Party party;
    if (!Unary(mediator, [&](auto* c) { return groups->AddParty(c, p, &party); }).ok()) return false;
    (i == 0 ? w->respondent : w->filer) = party.id();
    v1::RegisterLiaisonRequest l;
    l.set_party_id(party.id());
    l.set_name("Liaison " + std::to_string(i));
    v1::RegisterLiaisonResponse lr;
    if (!Unary(mediator, [&](auto* c) { return groups->RegisterLiaison(c, l, &lr); }).ok())
      return false;
    for (int k = 0; k < points; ++k) {
      v1::AddContactPointRequest a;
      a.set_liaison_id(lr.liaison().id());
      a.set_kind(v1::CONTACT_KIND_WEBHOOK);
      a.set_address(hook + "/" + std::to_string(i) + "/" + std::to_string(k));
      v1::ContactPoint out;
      if (!Unary(mediator, [&](auto* c) { return outreach->AddContactPoint(c, a, &out); }).ok())
        return false;
    }
  }
  return true;
}

Issue FileDisputes(const std::vector<std::shared_ptr<grpc::Channel>>& chans,
                   const std::string& mediator, const World& w) {
  auto stubs = std::make_shared<std::vector<std::unique_ptr<v1::CaseService::Stub>>>();
  for (auto& ch : chans) stubs->push_back(v1::CaseService::NewStub(ch));
  static std::atomic<int64_t> counter{0};
  struct Call {
    grpc::ClientContext ctx;
    v1::FileDisputeRequest req;
    v1::Case resp;
  };
  return [=](int slot, std::function<void(grpc::Status)> done) {
    int64_t n = counter.fetch_add(1);
    auto* c = new Call;
    c->ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    c->ctx.AddMetadata("authorization", "Bearer " + mediator);
    c->req.set_group_id(w.group);
    c->req.set_title("Reach dispute " + std::to_string(n));
    c->req.set_description("Filed by baraza-bench-reach.");
    c->req.add_standards(v1::STANDARD_PEACE_PROCESS);
    c->req.set_dimension(v1::OPERATIONAL_DIMENSION_HUMANITARIAN_AID);
    c->req.add_respondent_party_ids(w.respondent);
    c->req.set_filed_by_party_id(w.filer);
    c->req.mutable_window()->set_seconds(30 * 86400);
    (*stubs)[slot % stubs->size()]->async()->FileDispute(
        &c->ctx, &c->req, &c->resp, [c, done = std::move(done)](grpc::Status s) {
          delete c;
          done(s);
        });
  };
}

struct Run {
  Result writes;
  int64_t expected = 0, received = 0;  // deliveries
  double drain_seconds = 0;
};

// One measurement on a fresh barazad: FileDispute for `seconds` with `inflight`
// calls outstanding; then, with contact points, waits (at most `drain_limit`
// seconds) until the receiver has every delivery the writes queued.
bool Measure(const std::string& barazad, bool metrics, const std::string& dir, int points,
             int inflight, double seconds, double drain_limit, Run* out) {
  fs::remove_all(dir);
  fs::create_directories(dir);
  Receiver receiver;
  Child server;
  std::vector<std::string> argv = {barazad, "--listen", "127.0.0.1:0", "--db", dir + "/reach.db",
                                    "--mediator-token-file", dir + "/mediator.token",
                                    "--log-level", "warn"};
  for (auto& flag : MetricsFlags(metrics)) argv.push_back(flag);
  if (!Spawn(argv, dir + "/barazad.log", &server)) {
    std::cerr << "barazad did not start; see " << dir << "/barazad.log\n";
    return false;
  }
  std::string mediator = ReadToken(dir + "/mediator.token");
  World w;
  std::string hook = "http://127.0.0.1:" + std::to_string(receiver.port()) + "/hook";
  if (!Seed(server.address, mediator, points, hook, &w)) {
    std::cerr << "could not seed the group\n";
    return false;
  }
  auto chans = Channels(server.address, 8);
  out->writes = Drive(inflight, 10'000'000, seconds, FileDisputes(chans, mediator, w));
  // Each dispute notifies two parties (the call to negotiate, and "filed" to the filer).
  out->expected = points == 0 ? 0 : out->writes.ok * 2 * points;
  auto until = Clock::now() + std::chrono::duration<double>(drain_limit);
  while (receiver.count() < out->expected && Clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  out->received = receiver.count();
  out->drain_seconds = receiver.Span();
  return true;
}


}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"baraza-bench-reach: durable writes with and without two webhook contact "
               "points per liaison, and the outbox's drain rate to a receiver on 127.0.0.1"};
  std::string barazad, work = "/tmp/baraza-bench-reach", markdown;
  int runs = 3, inflight = 256;
  double seconds = 8, drain_limit = 120;
  app.add_option("--barazad", barazad, "path of the barazad binary")->required();
  app.add_option("--runs", runs, "runs of each measurement (the median is reported)")
      ->capture_default_str()->check(CLI::Range(1, 20));
  app.add_option("--seconds", seconds, "time of one write measurement")->capture_default_str()
      ->check(CLI::Range(0.5, 120.0));
  app.add_option("--inflight", inflight, "FileDispute calls in flight")->capture_default_str()
      ->check(CLI::Range(1, 4096));
  app.add_option("--drain-limit", drain_limit, "longest wait for the outbox to drain, seconds")
      ->capture_default_str()->check(CLI::Range(1.0, 600.0));
  app.add_option("--work", work, "directory for the databases and logs (emptied first)")
      ->capture_default_str();
  app.add_option("--markdown", markdown, "append the results to this Markdown file");
  bool metrics = false;
  app.add_flag("--barazad-metrics", metrics,
               "start barazad with --metrics 127.0.0.1:0, to measure what metrics cost");
  CLI11_PARSE(app, argc, argv);
  baraza::process::Tune();
  baraza::process::RaiseOpenFileLimit();

  std::vector<double> without, with, drain;
  std::vector<Run> all;
  for (int i = 0; i < runs; ++i) {  // alternated, so that drift of the machine hits both alike
    for (int points : {0, 2}) {
      Run r;
      std::cerr << "run " << i + 1 << "/" << runs << ": " << points
                << " contact points per liaison ...\n";
      if (!Measure(barazad, metrics, work + "/run", points, inflight, seconds, drain_limit, &r)) return 1;
      if (r.writes.errors > 0)
        std::cerr << "  " << r.writes.errors << " errors, first: " << r.writes.first_error << "\n";
      std::cerr << "  " << std::fixed << std::setprecision(0) << r.writes.Rps()
                << " FileDispute/s, p99 " << std::setprecision(1) << r.writes.p99 << " ms";
      if (points > 0)
        std::cerr << "; " << r.received << "/" << r.expected << " deliveries in "
                  << r.drain_seconds << " s";
      std::cerr << "\n";
      (points == 0 ? without : with).push_back(r.writes.Rps());
      if (points > 0 && r.drain_seconds > 0)
        drain.push_back(static_cast<double>(r.received) / r.drain_seconds);
      if (points > 0 && r.received < r.expected) {
        std::cerr << "the outbox did not drain within " << drain_limit << " s\n";
        return 1;
      }
    }
  }
  double w0 = Median(without), w2 = Median(with), d = Median(drain);
  std::ostringstream table;
  table << std::fixed;
  table << "| reach workload (" << inflight << " in flight, median of " << runs
        << ") | figure |\n|---|---|\n";
  table << "| FileDispute/s, no contact points | " << std::setprecision(0) << w0 << " |\n";
  table << "| FileDispute/s, two webhook contact points per liaison | " << w2 << " ("
        << std::setprecision(2) << (w0 > 0 ? w2 / w0 : 0) << "× of the above) |\n";
  table << "| outbox drain to a webhook receiver on 127.0.0.1, deliveries/s | "
        << std::setprecision(0) << d << " |\n";
  std::cout << table.str();
  if (!markdown.empty()) {
    std::ofstream md(markdown, std::ios::app);
    md << "\n## Reach: the outbox beside durable writes\n\n"
       << "`baraza-bench-reach` (bench/reach.cc): FileDispute against a fresh barazad for "
       << seconds << " s per run, once with no contact points and once with two webhook "
       << "contact points per liaison (four deliveries per dispute), alternated; then the "
       << "time until a receiver on 127.0.0.1 (Boost.Beast, answering 200) has every "
       << "delivery, from the first to the last.\n\n"
       << table.str();
  }
  return 0;
}

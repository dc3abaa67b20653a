// baraza-bench-deadlines: deadlines at scale. Seeds a database with N disputes
// (each with pending deadlines), of which D have their window already closed
// after two reminders, then starts barazad on it and measures how long it takes
// to reach SERVING (it enters the D default judgements first) and its resident
// memory; then restarts it with nothing due and measures start-up again. With
// --serving-due D2 it then seeds a second database whose D2 deadlines fall due
// while barazad serves, and measures how long the judgements take while a read
// load (GetCase, 16 in flight) runs beside them, with the reads' latencies.
#include <CLI/CLI.hpp>
#include <sqlite3.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

#include "baraza/v1/baraza.grpc.pb.h"
#include <fstream>
#include <iostream>

#include "services/workflow/case_machine.h"
#include "services/workflow/outreach.h"
#include "storage/sqlite_case_store.h"

namespace fs = std::filesystem;
using namespace baraza;
using Clock = std::chrono::steady_clock;

namespace {

UnixMillis WallNow() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

long RssKb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

// Starts barazad on `db`; returns its pid once it prints its address, and the seconds it took.
pid_t StartServer(const std::string& barazad, const std::string& dir, double* seconds,
                  std::string* address = nullptr) {
  int out[2];
  if (pipe(out) != 0) return -1;
  auto t0 = Clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    std::string db = dir + "/scale.db", token = dir + "/mediator.token";
    execl(barazad.c_str(), "barazad", "--listen", "127.0.0.1:0", "--db", db.c_str(),
          "--mediator-token-file", token.c_str(), "--log-level", "warn", nullptr);
    _exit(127);
  }
  close(out[1]);
  std::string buf;
  char chunk[256];
  ssize_t n;
  while ((n = read(out[0], chunk, sizeof chunk)) > 0) {  // bounded by the child's exit
    buf.append(chunk, static_cast<size_t>(n));
    if (buf.find('\n') != std::string::npos) break;
  }
  close(out[0]);
  *seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  auto at = buf.find("listening on ");
  if (at == std::string::npos) return -1;
  if (address) *address = buf.substr(at + 13, buf.find('\n', at) - at - 13);
  return pid;
}

int64_t CountJudgements(const std::string& path) {
  int64_t judgements = -1;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt* st = nullptr;
    std::string sql = "SELECT COUNT(*) FROM events WHERE type = " +
                      std::to_string(static_cast<int>(EventType::kDefaultJudgementEntered));
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
      judgements = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return judgements;
}

// Seeds `cases` disputes in `path`: the first `due` have both reminders behind
// them and their window closing at `due_at`; the others close in 30 days or more.
Status SeedDatabase(const std::string& path, int64_t cases, int64_t due, UnixMillis due_at) {
  auto opened = SqliteCaseStore::Open({path});
  if (!opened.ok()) return opened.status();
  CaseStore& store = **opened;
  ContactGroup group;
  group.name = "Scale test";
  group.kind = GroupKind::kStanding;
  Status s = store.WriteAndWait([&](WriteTx& tx) -> Status {
    auto g = tx.InsertGroup(group);
    if (!g.ok()) return g.status();
    group.id = *g;
    for (const char* name : {"Respondent", "Filer"}) {
      Party p{0, group.id, name, PartyCategory::kArmedFaction, 0, 0};
      auto id = tx.InsertParty(p);
      if (!id.ok()) return id.status();
      p.id = *id;
      group.parties.push_back(p);
    }
    Liaison l{0, group.parties[0].id, "liaison", 0};
    return tx.InsertLiaison(l).status();
  });
  BARAZA_RETURN_IF_ERROR(s);
  group.parties[0].liaison_count = 1;
  Actor mediator{Role::kMediator, 1, 0, 0};
  const UnixMillis now = WallNow();
  const int64_t kBatch = 5000;
  for (int64_t start = 0; start < cases; start += kBatch) {  // bounded by `cases`
    s = store.WriteAndWait([&](WriteTx& tx) -> Status {
      for (int64_t i = start; i < std::min(cases, start + kBatch); ++i) {
        auto id = tx.NextCaseId();
        if (!id.ok()) return id.status();
        workflow::DisputeFiling f;
        f.group_id = group.id;
        f.title = "Scale dispute " + std::to_string(i);
        f.description = "Seeded by baraza-bench-deadlines.";
        f.standards = {Standard::kPeaceProcess};
        f.dimension = Dimension::kHumanitarianAid;
        f.filed_by_party_id = group.parties[1].id;
        f.respondent_party_ids = {group.parties[0].id};
        bool is_due = i < due;
        // Due ones: a one-hour window closing at `due_at`, reminded twice already.
        UnixMillis filed = is_due ? due_at - 3600'000 : now;
        f.window = is_due ? 3600'000 : 30 * kDay + (i % 1000) * 60'000;
        auto t = workflow::FileDispute(*id, f, group, mediator, filed);
        if (!t.ok()) return t.status();
        std::vector<workflow::Transition> steps{*t};
        if (is_due) {
          for (UnixMillis at : {filed + 1800'000, filed + 3300'000})
            steps.push_back(workflow::OnDeadlines(steps.back().next, group, at));
          // The first reminder reached the party (as a mail relay's acceptance is
          // recorded): the outreach a default judgement needs.
          Delivery before;
          before.case_id = *id;
          before.party_id = group.parties[0].id;
          before.notice_kind = NoticeKind::kReminder;
          Delivery after = before;
          after.state = DeliveryState::kDelivered;
          after.attempts = 1;
          if (auto reached = workflow::RecordDelivery(steps.back().next, before, after,
                                                      filed + 1800'001))
            steps.push_back(std::move(*reached));
        }
        for (auto& step : steps) {
          if (step.events.empty()) continue;
          BARAZA_RETURN_IF_ERROR(tx.SaveCase(step.next, step.events, step.notices,
                                             workflow::PendingDeadlines(step.next)));
        }
      }
      return Status::Ok();
    });
    BARAZA_RETURN_IF_ERROR(s);
    if ((start / kBatch) % 20 == 0)
      std::cerr << "seeded " << std::min(cases, start + kBatch) << " of " << cases << std::endl;
  }
  return Status::Ok();
}

double Percentile(std::vector<double>& v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * v.size()))];
}

// Deadlines falling due while barazad serves: `due` of `cases` close at one
// moment; reads (GetCase, 16 in flight) run from then until every judgement is
// written, and their latencies are reported beside the time it took.
int DueWhileServing(const std::string& barazad, const std::string& parent, int64_t cases,
                    int64_t due, double lead) {
  std::string dir = parent + "/serving";
  fs::create_directories(dir);
  const UnixMillis due_at = WallNow() + static_cast<UnixMillis>(lead * 1000);
  if (Status s = SeedDatabase(dir + "/scale.db", cases, due, due_at); !s.ok()) {
    std::cerr << "seeding failed: " << s.message() << std::endl;
    return 1;
  }
  double start_s = 0;
  std::string address;
  pid_t pid = StartServer(barazad, dir, &start_s, &address);
  if (pid <= 0) return 1;
  if (WallNow() > due_at - 5000) {
    std::cerr << "seeding and start-up took longer than --lead; raise it" << std::endl;
    kill(pid, SIGTERM);
    waitpid(pid, nullptr, 0);
    return 1;
  }
  std::ifstream token_file(dir + "/mediator.token");
  std::string token;
  std::getline(token_file, token);
  auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  auto stub = baraza::v1::CaseService::NewStub(channel);
  std::this_thread::sleep_for(std::chrono::milliseconds(due_at - WallNow()));

  std::atomic<bool> stop{false};
  std::atomic<int64_t> errors{0};
  std::vector<std::vector<double>> latencies(16);
  std::vector<std::thread> readers;
  for (int t = 0; t < 16; ++t)
    readers.emplace_back([&, t] {
      for (int64_t n = t; !stop && n < 100'000'000; n += 16) {  // bounded by `stop`
        grpc::ClientContext ctx;
        ctx.AddMetadata("authorization", "Bearer " + token);
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
        baraza::v1::GetCaseRequest req;
        req.set_case_id(1 + (n * 7919) % cases);
        baraza::v1::Case resp;
        auto t0 = Clock::now();
        auto st = stub->GetCase(&ctx, req, &resp);
        double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        if (st.ok()) latencies[t].push_back(ms);
        else errors.fetch_add(1);
      }
    });
  auto began = Clock::now();
  int64_t judged = 0;
  while (judged < due && Clock::now() - began < std::chrono::seconds(300)) {  // bounded
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    judged = CountJudgements(dir + "/scale.db");
  }
  double took = std::chrono::duration<double>(Clock::now() - began).count();
  stop = true;
  for (auto& r : readers) r.join();
  long rss = RssKb(pid);
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
  judged = CountJudgements(dir + "/scale.db");
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  size_t reads = all.size();
  std::cout << "| while serving: " << due << " of " << cases
            << " fall due at once; judgements written | " << judged << " (expected " << due
            << ") in " << took << " s |\n"
            << "| reads beside them (GetCase, 16 in flight) | " << reads << " ok, " << errors
            << " failed; p50 " << Percentile(all, 0.5) << " ms, p99 " << Percentile(all, 0.99)
            << " ms, p99.9 " << Percentile(all, 0.999) << " ms |\n"
            << "| resident memory after it | " << rss / 1024 << " MB |" << std::endl;
  return judged == due ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"baraza-bench-deadlines: start-up and default judgements with many pending deadlines"};
  std::string barazad, dir = "/tmp/baraza-deadlines";
  int64_t cases = 1'000'000, due = 100'000;
  app.add_option("--barazad", barazad, "path of the barazad binary")->required();
  app.add_option("--cases", cases, "disputes with pending deadlines")->capture_default_str();
  app.add_option("--due", due, "of which already due, after two reminders")->capture_default_str();
  app.add_option("--dir", dir, "work directory (emptied first)")->capture_default_str();
  int64_t serving_due = 0, serving_cases = 200'000;
  double lead = 90;
  app.add_option("--serving-cases", serving_cases, "cases in that second database")
      ->capture_default_str();
  app.add_option("--serving-due", serving_due,
                 "then: a second database where this many fall due while barazad serves reads")
      ->capture_default_str();
  app.add_option("--lead", lead, "seconds from the start of that seeding to their deadline")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  fs::remove_all(dir);
  fs::create_directories(dir);

  auto t0 = Clock::now();
  if (Status s = SeedDatabase(dir + "/scale.db", cases, due, WallNow()); !s.ok()) {
    std::cerr << "seeding failed: " << s.message() << std::endl;
    return 1;
  }
  double seed_s = std::chrono::duration<double>(Clock::now() - t0).count();
  std::cerr << "seeded in " << seed_s << " s; database "
            << fs::file_size(dir + "/scale.db") / (1 << 20) << " MB" << std::endl;

  double first = 0, second = 0;
  pid_t pid = StartServer(barazad, dir, &first);
  if (pid <= 0) return 1;
  long rss1 = RssKb(pid);
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
  pid = StartServer(barazad, dir, &second);
  if (pid <= 0) return 1;
  long rss2 = RssKb(pid);
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
  // Each due case got exactly one default judgement.
  int64_t judgements = CountJudgements(dir + "/scale.db");
  std::cout << "| default judgements entered | " << judgements << " (expected " << due << ") |\n";
  std::cout << "| pending deadlines | " << cases << " cases, " << due << " due at start |\n"
            << "| first start: catch-up of the due cases, then SERVING | " << first << " s |\n"
            << "| resident memory after it | " << rss1 / 1024 << " MB |\n"
            << "| second start, nothing due: SERVING | " << second << " s |\n"
            << "| resident memory after it | " << rss2 / 1024 << " MB |\n"
            << "| seeding (not a target) | " << seed_s << " s |" << std::endl;
  if (judgements != due) return 2;
  return serving_due > 0 ? DueWhileServing(barazad, dir, serving_cases, serving_due, lead) : 0;
}

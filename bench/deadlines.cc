// baraza-bench-deadlines: deadlines at scale. Seeds a database with N disputes
// (each with pending deadlines), of which D have their window already closed
// after two reminders, then starts barazad on it and measures how long it takes
// to reach SERVING (it enters the D default judgements first) and its resident
// memory; then restarts it with nothing due and measures start-up again.
#include <CLI/CLI.hpp>
#include <sqlite3.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "services/workflow/case_machine.h"
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
pid_t StartServer(const std::string& barazad, const std::string& dir, double* seconds) {
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
  return buf.find("listening on") != std::string::npos ? pid : -1;
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
  CLI11_PARSE(app, argc, argv);
  fs::remove_all(dir);
  fs::create_directories(dir);

  auto t0 = Clock::now();
  {
    auto opened = SqliteCaseStore::Open({dir + "/scale.db"});
    if (!opened.ok()) {
      std::cerr << opened.status().message() << std::endl;
      return 1;
    }
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
    if (!s.ok()) return 1;
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
          // Due ones: filed two hours ago with a one-hour window, reminded twice.
          UnixMillis filed = is_due ? now - 2 * 3600'000 : now;
          f.window = is_due ? 3600'000 : 30 * kDay + (i % 1000) * 60'000;
          auto t = workflow::FileDispute(*id, f, group, mediator, filed);
          if (!t.ok()) return t.status();
          std::vector<workflow::Transition> steps{*t};
          if (is_due)
            for (UnixMillis at : {filed + 1800'000, filed + 3300'000})
              steps.push_back(workflow::OnDeadlines(steps.back().next, group, at));
          for (auto& step : steps) {
            if (step.events.empty()) continue;
            BARAZA_RETURN_IF_ERROR(tx.SaveCase(step.next, step.events, step.notices,
                                               workflow::PendingDeadlines(step.next)));
          }
        }
        return Status::Ok();
      });
      if (!s.ok()) {
        std::cerr << "seeding failed: " << s.message() << std::endl;
        return 1;
      }
      if ((start / kBatch) % 20 == 0)
        std::cerr << "seeded " << start + kBatch << " of " << cases << std::endl;
    }
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
  int64_t judgements = -1;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2((dir + "/scale.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    std::string sql = "SELECT COUNT(*) FROM events WHERE type = " +
                      std::to_string(static_cast<int>(EventType::kDefaultJudgementEntered));
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
      judgements = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  std::cout << "| default judgements entered | " << judgements << " (expected " << due << ") |\n";
  std::cout << "| pending deadlines | " << cases << " cases, " << due << " due at start |\n"
            << "| first start: catch-up of the due cases, then SERVING | " << first << " s |\n"
            << "| resident memory after it | " << rss1 / 1024 << " MB |\n"
            << "| second start, nothing due: SERVING | " << second << " s |\n"
            << "| resident memory after it | " << rss2 / 1024 << " MB |\n"
            << "| seeding (not a target) | " << seed_s << " s |" << std::endl;
  return judgements == due ? 0 : 2;
}

#include "bench/backup_during.h"

#include <sys/stat.h>

#include <atomic>
#include <future>
#include <iostream>
#include <sstream>
#include <thread>

namespace baraza::bench {
namespace {

struct Ran {
  int code = -1;
  std::string out;
  double seconds = 0;
};

// Runs a shell command, with its output and exit status (the last line `rc=N`).
Ran Run(const std::string& cmd) {
  auto start = Clock::now();
  std::string all = Sh(cmd + " 2>&1; echo rc=$?");
  Ran r;
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  auto at = all.rfind("rc=");
  if (at == std::string::npos) return r;
  r.code = std::stoi(all.substr(at + 3));
  r.out = all.substr(0, at);
  return r;
}

// The `head <events>:<hash>` line barazad backup, restore and audit verify print.
std::string HeadIn(const std::string& out) {
  std::istringstream in(out);
  std::string line, head;
  while (std::getline(in, line))
    if (line.rfind("head ", 0) == 0) head = line.substr(5);
  return head;
}

long FileBytes(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 ? static_cast<long>(st.st_size) : -1;
}

}  // namespace

std::string BackupDuringWritesSection(const std::string& barazad, const std::string& db,
                                      const std::string& work,
                                      const std::vector<std::shared_ptr<grpc::Channel>>& chans,
                                      const std::string& mediator, const Seeded& s,
                                      double file_rps_without, double seconds, bool* failed) {
  const std::string copy = work + "/backup-during.db", restored = work + "/restored.db";
  Sh("rm -f '" + copy + "' '" + restored + "' '" + restored + ".key'");
  std::cerr << "backup during writes: FileDispute x256, barazad backup after " << Fixed(seconds, 0)
            << " s..." << std::endl;
  // The writes run in steps of a second until the backup has ended (at most
  // ten minutes), so that the rate is the one while it copied.
  std::atomic<bool> backup_done{false};
  auto writes = std::async(std::launch::async, [&] {
    Result all;
    Issue issue = Workload("file", chans, mediator, s);
    for (int step = 0; step < 600 && !backup_done; ++step) {
      Result r = Drive(256, int64_t{1} << 40, 1.0, issue);
      all.seconds += r.seconds;
      all.ok += r.ok;
      all.errors += r.errors;
      if (all.first_error.empty()) all.first_error = r.first_error;
    }
    return all;
  });
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  Ran backup = Run("'" + barazad + "' backup --db '" + db + "' --out '" + copy + "'");
  backup_done = true;
  Result during = writes.get();
  Ran restore = Run("'" + barazad + "' restore --from '" + copy + "' --db '" + restored + "'");
  Ran verify = Run("'" + barazad + "' audit verify --db '" + restored + "'");
  const std::string head = HeadIn(backup.out);
  const bool same_head = !head.empty() && HeadIn(restore.out) == head && HeadIn(verify.out) == head;
  const bool ok = backup.code == 0 && restore.code == 0 && verify.code == 0 && same_head &&
                  during.errors == 0;
  if (!ok) {
    *failed = true;
    std::cerr << "baraza-bench: the backup taken during writes failed:\n"
              << backup.out << restore.out << verify.out << "writes: " << during.errors
              << " errors " << during.first_error << std::endl;
  }
  const long bytes = FileBytes(copy);
  std::cerr << "backup of " << bytes / (1024 * 1024) << " MB in " << Fixed(backup.seconds, 1)
            << " s while FileDispute ran at " << Fixed(during.Rps(), 0) << " req/s; restored head "
            << (same_head ? "matches" : "DIFFERS") << ", audit verify exit " << verify.code
            << std::endl;
  std::ostringstream t;
  t << "| what | measured |\n|---|---|\n"
    << "| database copied (`barazad backup`, SQLite's online backup API) | "
    << Fixed(bytes / 1048576.0, 1) << " MB |\n"
    << "| time of the backup, its own verification included | " << Fixed(backup.seconds, 1)
    << " s |\n"
    << "| FileDispute at 256 in flight from " << Fixed(seconds, 0)
    << " s before the backup to its end | " << Fixed(during.Rps(), 0) << " req/s, "
    << during.errors << " errors ("
    << Fixed(file_rps_without > 0 ? during.Rps() / file_rps_without : 0, 2)
    << "× the rate without a backup) |\n"
    << "| head printed by the backup | `" << (head.empty() ? "none" : head.substr(0, 24) + "…")
    << "` |\n"
    << "| `barazad restore` of the copy, then `audit verify` on it | "
    << (restore.code == 0 ? "restored" : "**restore failed**") << ", "
    << (verify.code == 0 ? "verified" : "**verify failed**") << ", head "
    << (same_head ? "the same as the backup's" : "**different**") << " |\n";
  return t.str();
}

}  // namespace baraza::bench

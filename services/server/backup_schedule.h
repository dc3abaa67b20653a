// The periodic backup of a serving barazad (--backup-dir, --backup-every,
// --backup-keep): a verified copy every interval into a folder, named by its UTC
// time, the newest K kept. Start/Stop from one thread; copies run on its own.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "services/app/clock.h"
#include "services/workflow/model.h"
#include "services/workflow/status.h"

namespace baraza {

struct BackupScheduleOptions {
  std::string dir;                   // empty: no periodic backup
  Millis every = 60 * 60 * kSecond;  // between two backups
  int keep = 24;                     // backups left in `dir` after each new one
};

// "barazad-20261201T170000Z.db" for the time `at` (UTC, to the second).
std::string BackupFileName(UnixMillis at);
// The time a name of BackupFileName's form stands for; nullopt for any other name.
std::optional<UnixMillis> BackupFileTime(const std::string& name);
// When the next backup is due: one interval after the newest backup in the
// folder or the last attempt (a failed one too), whichever is later, and at
// most one interval from `now`; with neither, `now`.
UnixMillis NextBackupAt(std::optional<UnixMillis> newest, std::optional<UnixMillis> last_attempt,
                        Millis every, UnixMillis now);
// The backups among `names` to delete so that the newest `keep` remain; other
// names (an operator's own files, a copy in the making) are never chosen.
std::vector<std::string> BackupsToPrune(std::vector<std::string> names, int keep);

class BackupSchedule {
 public:
  // Backs up the database at `db`; names and due times come from `clock`.
  BackupSchedule(std::string db, BackupScheduleOptions options, Clock& clock);
  ~BackupSchedule() { Stop(); }
  BackupSchedule(const BackupSchedule&) = delete;

  void Start();
  // Stops a copy in progress (it leaves nothing) and waits for the thread.
  void Stop();
  // One backup named for `now`, then the pruning; each logged with its head, or
  // its failure logged. Never throws; the server goes on either way.
  Status RunOnce(UnixMillis now);

 private:
  void Loop();
  std::optional<UnixMillis> NewestInFolder();

  std::string db_;
  BackupScheduleOptions options_;
  Clock& clock_;
  std::optional<UnixMillis> last_attempt_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace baraza

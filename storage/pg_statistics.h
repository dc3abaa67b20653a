// pg::Statistics: keeps PostgreSQL's planner statistics of barazad's tables
// current while they grow fast, on a thread and a connection of its own.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace baraza::pg {

// autovacuum analyzes a table at most once a minute (autovacuum_naptime): a
// new mission's tables, or those `barazad migrate` just filled, grow from
// nothing to tens of thousands of rows in that minute and are planned as if
// empty meanwhile (a key look-up filtering a whole table: 13 ms instead of
// 0.1). So barazad looks every few seconds and analyzes what changed much.

struct TableActivity {
  std::string table;
  int64_t live_rows = 0;
  int64_t changed_since_analyze = 0;  // rows inserted, updated or deleted
};

// The tables to analyze now: at least kMinChanged rows changed since their
// last analysis, and at least a fifth of their rows (twice autovacuum's tenth:
// a big table is left to autovacuum, a growing one is analyzed each time it
// grew by a quarter).
inline constexpr int64_t kMinChanged = 500;
std::vector<std::string> StaleTables(const std::vector<TableActivity>& tables);

class Statistics {
 public:
  // Starts the thread: every `every`, reads pg_stat_user_tables of the
  // connection's schema and runs ANALYZE on the stale tables. A database away
  // is tried again at the next turn; nothing is reported but the count below.
  Statistics(std::string conninfo, std::chrono::milliseconds every);
  ~Statistics();  // stops the thread (an ANALYZE under way finishes first)
  Statistics(const Statistics&) = delete;
  Statistics& operator=(const Statistics&) = delete;

  int64_t tables_analyzed() const { return analyzed_.load(); }

 private:
  void Loop();

  const std::string conninfo_;
  const std::chrono::milliseconds every_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::atomic<int64_t> analyzed_{0};
  std::thread thread_;
};

}  // namespace baraza::pg

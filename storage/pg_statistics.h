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
  int64_t analyzed_rows = -1;  // the rows its last analysis counted; -1: never analyzed
};

// The tables to analyze now: those that grew by at least kMinGrowth rows and
// a quarter since their last analysis, while it counted fewer than kMaxRows.
// Only growth: a plan goes wrong when a table is much bigger than the planner
// thinks, and updates (a case's, a delivery's) are autovacuum's to count; and
// only young tables: a big one's plans no longer change with its size, and
// its ANALYZE (a 30,000-row sample) costs a core for a third of a second.
inline constexpr int64_t kMinGrowth = 500;
inline constexpr int64_t kMaxRows = 100'000;
std::vector<std::string> StaleTables(const std::vector<TableActivity>& tables);

class Statistics {
 public:
  // Starts the thread: every `every`, reads the sizes of the connection's
  // schema's tables and runs ANALYZE on the stale ones. A database away
  // is tried again at the next turn; nothing is reported but the count below.
  Statistics(std::string conninfo, std::chrono::milliseconds every);
  ~Statistics();  // stops the thread (an ANALYZE under way, at most 30 s, finishes first)
  Statistics(const Statistics&) = delete;
  Statistics& operator=(const Statistics&) = delete;

  int64_t tables_analyzed() const { return analyzed_.load(); }

 private:
  void Loop();
  bool stopping() {
    std::lock_guard lock(mu_);
    return stop_;
  }

  const std::string conninfo_;
  const std::chrono::milliseconds every_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::atomic<int64_t> analyzed_{0};
  std::thread thread_;
};

}  // namespace baraza::pg

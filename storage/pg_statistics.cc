// pg::Statistics (storage/pg_statistics.h): which tables are stale, and the
// thread that analyzes them.
#include "storage/pg_statistics.h"

#include <libpq-fe.h>
#include <pthread.h>

#include <algorithm>
#include <memory>

#include "storage/pg_connection.h"

namespace baraza::pg {

std::vector<std::string> StaleTables(const std::vector<TableActivity>& tables) {
  std::vector<std::string> out;
  for (const auto& t : tables) {
    const int64_t analyzed = std::max<int64_t>(t.analyzed_rows, 0);
    const int64_t grown = t.live_rows - analyzed;
    if (analyzed < kMaxRows && grown >= kMinGrowth && grown * 4 >= analyzed)
      out.push_back(t.table);
  }
  return out;
}

Statistics::Statistics(std::string conninfo, std::chrono::milliseconds every)
    : conninfo_(std::move(conninfo)), every_(every) {
  thread_ = std::thread([this] { Loop(); });
}

Statistics::~Statistics() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

namespace {

Result<std::vector<TableActivity>> ReadActivity(Connection& c) {
  // Only the tables of this schema that barazad's role owns, those it made and
  // may analyze (pg_stat_user_tables counts every session's changes, flushed
  // at least once a second; pg_class holds what the last analysis counted).
  Query q(c,
          "SELECT s.relname, s.n_live_tup, c.reltuples::bigint FROM pg_stat_user_tables s "
          "JOIN pg_class c ON c.oid = s.relid WHERE s.schemaname = current_schema() "
          "AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)");
  std::vector<TableActivity> out;
  while (q.Next()) out.push_back({q.Text(0), q.Int(1), q.Int(2)});
  if (!q.status().ok()) return q.status();
  return out;
}

std::string QuotedName(Connection& c, const std::string& name) {
  char* quoted = PQescapeIdentifier(c.raw(), name.data(), name.size());
  if (!quoted) return "";
  std::string out(quoted);
  PQfreemem(quoted);
  return out;
}

}  // namespace

void Statistics::Loop() {
  pthread_setname_np(pthread_self(), "pg-statistics");
  std::unique_ptr<Connection> c;
  std::unique_lock lock(mu_);
  while (!wake_.wait_for(lock, every_, [&] { return stop_; })) {
    lock.unlock();
    if (!c || c->broken()) {
      // An ANALYZE waits for no lock long (another barazad's ANALYZE of the
      // same table, a VACUUM): it is tried again at a later turn, and the
      // store's shutdown waits for at most one statement.
      auto opened = Connection::Open(conninfo_);
      c = opened.ok() ? std::move(opened).value() : nullptr;
      if (c && !c->Exec("SET lock_timeout = '1s'; SET statement_timeout = '30s'").ok()) c.reset();
    }
    if (c) {
      auto activity = ReadActivity(*c);
      if (activity.ok()) {
        for (const auto& table : StaleTables(*activity)) {
          if (stopping()) break;
          std::string name = QuotedName(*c, table);
          if (name.empty() || !c->Exec("ANALYZE " + name).ok()) break;
          analyzed_ += 1;
        }
      }
    }
    lock.lock();
  }
}

}  // namespace baraza::pg

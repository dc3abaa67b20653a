#include "storage/sqlite_case_store.h"

#include <pthread.h>
#include <sqlite3.h>

#include <chrono>
#include <limits>

#include "storage/sqlite_confidential.h"
#include "storage/sqlite_connection.h"
#include "storage/sqlite_record.h"
#include "storage/sql_record.h"
#include "storage/sqlite_schema.h"
#include "storage/sql_write_tx.h"

namespace baraza {

using sqlite::Connection;
using sqlite::Query;
using SqliteTx = sql::SqlTx<Connection>;

SqliteCaseStore::SqliteCaseStore(Options options) : options_(std::move(options)) {}

Result<std::unique_ptr<SqliteCaseStore>> SqliteCaseStore::Open(const Options& options) {
  auto store = std::unique_ptr<SqliteCaseStore>(new SqliteCaseStore(options));
  auto conn = Connection::Open(options.path, /*writer=*/true);
  if (!conn.ok()) return conn.status();
  BARAZA_RETURN_IF_ERROR(sqlite::Migrate(**conn, kSchemaVersion));
  if (!options.without_data_key) {
    sqlite::DataKeySource key{options.data_key_file.empty() ? options.path + ".key"
                                                            : options.data_key_file,
                              options.data_key_trusted};
    BARAZA_ASSIGN_OR_RETURN(store->cipher_, sqlite::OpenDataKey(**conn, key));
  }
  // The writer's state sum goes on from the one the last write recorded.
  BARAZA_ASSIGN_OR_RETURN(store->recorded_sum_, sql::RecordedSum(**conn));
  store->writer_conn_ = std::move(conn).value();
  auto checkpoint_conn = Connection::Open(options.path, /*writer=*/false);
  if (!checkpoint_conn.ok()) return checkpoint_conn.status();
  store->checkpoint_conn_ = std::move(checkpoint_conn).value();
  // The checkpoint writes the database file: as durably as the commits.
  BARAZA_RETURN_IF_ERROR(store->checkpoint_conn_->Exec("PRAGMA synchronous=FULL"));
  // Replaces SQLite's automatic checkpoint on the writer (sqlite3_wal_hook).
  sqlite3_wal_hook(store->writer_conn_->db(), &SqliteCaseStore::OnWalCommit, store.get());
  // Threads are named, so that `top -H` and profiles tell them apart.
  store->checkpointer_ = std::thread([s = store.get()] {
    pthread_setname_np(pthread_self(), "baraza-ckpt");
    s->CheckpointerLoop();
  });
  auto tx = std::make_shared<SqliteTx>(*store->writer_conn_, store->cache_, store->cipher_.get());
  tx->Start(store->recorded_sum_);
  store->writes_.Start(
      options.max_batch,
      [s = store.get(), tx](std::vector<Job>& batch, bool& committed) {
        auto results = s->CommitBatch(*s->writer_conn_, *tx, batch);
        committed = s->batch_committed_;
        return results;
      },
      options.observer);
  return store;
}

SqliteCaseStore::~SqliteCaseStore() {
  writes_.Stop();  // every queued write committed and answered
  {
    std::lock_guard lock(checkpoint_mu_);
    checkpoint_stopping_ = true;
  }
  checkpoint_cv_.notify_all();
  if (checkpointer_.joinable()) checkpointer_.join();
  checkpoint_conn_.reset();
  pool_.Clear();
  writer_conn_.reset();
}

void SqliteCaseStore::Write(WriteFn fn, DoneFn done, RequestRef key) {
  writes_.Write(std::move(fn), std::move(done), std::move(key));
}

SqliteCaseStore::WriterStats SqliteCaseStore::Stats() {
  std::lock_guard lock(stats_mu_);
  return stats_;
}

int SqliteCaseStore::OnWalCommit(void* self, ::sqlite3* db, const char* name, int pages) {
  auto* store = static_cast<SqliteCaseStore*>(self);
  if (pages >= kWriterCheckpointPages) {
    // The checkpointer has fallen far behind (readers holding old snapshots,
    // or a slow disk): bound the WAL as SQLite itself would, on the writer.
    sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  } else if (pages >= kCheckpointPages) {
    {
      std::lock_guard lock(store->checkpoint_mu_);
      if (store->checkpoint_wanted_) return SQLITE_OK;
      store->checkpoint_wanted_ = true;
    }
    store->checkpoint_cv_.notify_one();
  }
  return SQLITE_OK;
}

void SqliteCaseStore::CheckpointerLoop() {
  for (;;) {
    {
      std::unique_lock lock(checkpoint_mu_);
      checkpoint_cv_.wait(lock, [&] { return checkpoint_stopping_ || checkpoint_wanted_; });
      if (checkpoint_stopping_) return;  // closing the last connection checkpoints
    }
    int log = 0, copied = 0;
    int rc = sqlite3_wal_checkpoint_v2(checkpoint_conn_->db(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                       &log, &copied);
    {
      std::lock_guard lock(checkpoint_mu_);
      checkpoint_wanted_ = false;
    }
    if (rc == SQLITE_OK && copied > 0) {
      std::lock_guard lock(stats_mu_);
      stats_.checkpoints += 1;
    }
  }
}

std::vector<Status> SqliteCaseStore::CommitBatch(sqlite::Connection& c, WriteTx& write_tx,
                                                 std::vector<Job>& batch) {
  auto& tx = static_cast<SqliteTx&>(write_tx);
  // First without savepoints: a write refused before it changed anything (a
  // rule of the workflow, an unknown case: the usual failures) needs nothing
  // undone, and a savepoint costs a copy of every page a write touches. Only
  // if a write fails after changing something is the whole transaction rolled
  // back and the batch run again, each write in a savepoint of its own.
  std::optional<std::vector<Status>> results = RunBatch(c, tx, batch, /*savepoints=*/false);
  if (!results) results = RunBatch(c, tx, batch, /*savepoints=*/true);
  return std::move(*results);
}

std::optional<std::vector<Status>> SqliteCaseStore::RunBatch(sqlite::Connection& c, WriteTx& write_tx,
                                                             std::vector<Job>& batch,
                                                             bool savepoints) {
  auto& tx = static_cast<SqliteTx&>(write_tx);
  // Prepared once: a write's savepoint is taken and released for every write.
  auto run = [&c](const char* sql) { return Query(c, sql).Run(); };
  Status begin = c.Exec("BEGIN IMMEDIATE");
  batch_committed_ = begin.ok();
  if (!begin.ok()) return std::vector<Status>(batch.size(), begin);
  std::vector<Status> results(batch.size(), Status::Ok());
  size_t applied = 0;
  for (size_t i = 0; i < batch.size(); ++i) {
    Status s = savepoints ? run("SAVEPOINT w") : Status::Ok();
    if (s.ok()) {
      c.ResetChanged();
      try {
        s = batch[i].fn(tx);
        if (s.ok()) s = tx.FinishWrite();  // rows changed with no event to carry them
      } catch (const std::exception& e) {
        s = Status::Internal(std::string("write failed: ") + e.what());
      }
      if (!s.ok() && !savepoints && c.changed()) {  // part of it written: start again
        c.Exec("ROLLBACK");
        tx.WriteDone(false);
        tx.TakeSaved(/*committed=*/false);
        return std::nullopt;
      }
      if (s.ok() && savepoints) s = run("RELEASE w");
      if (s.ok()) {
        ++applied;
      } else if (savepoints) {
        run("ROLLBACK TO w");
        run("RELEASE w");
      }
      tx.WriteDone(s.ok());
    }
    results[i] = s;
  }
  Status commit = c.Exec("COMMIT");
  // A failed COMMIT may leave the transaction open: roll it back before the
  // writer re-reads the history's head and state sum, or it would read its own
  // uncommitted writes.
  if (!commit.ok()) c.Exec("ROLLBACK");
  batch_committed_ = commit.ok();
  std::vector<CaseRef> saved = tx.TakeSaved(commit.ok());
  if (!commit.ok()) {
    for (auto& r : results)
      if (r.ok()) r = commit;
    return results;
  }
  cache_.Committed(std::move(saved));  // before anyone hears of the commit
  std::lock_guard lock(stats_mu_);
  stats_.commits += 1;
  stats_.writes += static_cast<int64_t>(applied);
  if (savepoints) stats_.batches_rerun += 1;
  return results;
}

SqliteCaseStore::Lease SqliteCaseStore::Reader() {
  if (auto idle = pool_.Take()) return pool_.Lend(std::move(idle));
  auto conn = Connection::Open(options_.path, /*writer=*/false);
  if (!conn.ok()) return pool_.Refuse(conn.status());
  return pool_.Lend(std::move(conn).value());
}

Result<SqliteCaseStore::Audit> SqliteCaseStore::AuditHistory(
    std::optional<chain::Head> kept, const std::function<void(int64_t)>& progress) {
  BARAZA_READER(r);
  return sql::AuditRecord(*r, kept, progress);
}

Status SqliteCaseStore::CheckOnStart(int tail_events) {
  BARAZA_READER(r);
  return sql::CheckOnStart(*r, tail_events);
}

Result<int64_t> SqliteCaseStore::Rebuild(const std::string& path) {
  auto conn = Connection::Open(path, /*writer=*/true);
  if (!conn.ok()) return conn.status();
  BARAZA_RETURN_IF_ERROR(sqlite::Migrate(**conn, kSchemaVersion));
  return sqlite::Rebuild(**conn);
}

}  // namespace baraza

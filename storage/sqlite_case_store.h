// SqliteCaseStore: the durable CaseStore of barazad, one SQLite file in WAL mode
// with synchronous=FULL. One writer thread commits every waiting write in one
// transaction (group commit); reads use a pool of their own connections and so
// never wait behind a write. Thread-safe. Schema and migrations: docs/storage.md.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "storage/case_cache.h"
#include "storage/case_store.h"
#include "storage/connection_pool.h"
#include "storage/data_cipher.h"
#include "storage/event_chain.h"
#include "storage/projection.h"
#include "storage/sql_record.h"
#include "storage/sql_store_reads.h"
#include "storage/store_observer.h"
#include "storage/write_queue.h"

struct sqlite3;

namespace baraza {

namespace sqlite {
class Connection;
}

class SqliteCaseStore : public sql::SqlStoreReads<SqliteCaseStore, sqlite::Connection> {
 public:
  // The schema this binary writes; a database with a larger user_version is
  // refused rather than misread.
  static constexpr int kSchemaVersion = 10;

  struct Options {
    std::string path;
    int max_batch = 1024;     // most writes one transaction commits together
    size_t case_cache = 16384;  // decoded cases kept for reads (0: none)
    // The data key that seals mediator-only text at rest (docs/security.md):
    // a file, by default the database's path + ".key", created (0600) for a
    // database that has no key yet; `data_key_trusted` for a systemd
    // credential (mode not checked, never created).
    std::string data_key_file;
    bool data_key_trusted = false;
    // Opens without the key (audit, tokens): a mediator-only position can then
    // be neither read nor written (FAILED_PRECONDITION).
    bool without_data_key = false;
    // Told of every batch the writer ends (barazad's metrics); may be null.
    WriterObserver* observer = nullptr;
  };

  // Opens (creating if needed) and migrates the database.
  static Result<std::unique_ptr<SqliteCaseStore>> Open(const Options& options);
  // Finishes every queued write, then closes the database.
  ~SqliteCaseStore() override;

  void Write(WriteFn fn, DoneFn done, RequestRef key = {}) override;

  // The reads: storage/sql_store_reads.h.

  // The tamper-evident history, walked from its first event (`barazad audit`):
  // the head it ends at, the first event that was edited, deleted or moved, and
  // every row of the state that does not match what the history recorded.
  // `progress` is called every 100,000 events.
  using Audit = sql::RecordAudit;
  Result<Audit> AuditHistory(std::optional<chain::Head> kept,
                             const std::function<void(int64_t)>& progress = {});
  // barazad's check before it serves: the chain's last `tail_events` events,
  // and the state against the sum the last write recorded. DATA_LOSS, saying
  // where, when the record was edited behind the server's back.
  Status CheckOnStart(int tail_events = 1000);
  // Recomputes the state (every projection table) from the history of the
  // database at `path`, in one transaction; barazad must not be running on it.
  // Returns the rows written.
  static Result<int64_t> Rebuild(const std::string& path);

  // How many transactions the writer committed and how many writes they held
  // (for the benchmark and tests of group commit).
  struct WriterStats {
    int64_t commits = 0;
    int64_t writes = 0;
    int64_t checkpoints = 0;  // background checkpoints that copied the WAL into the file
    int64_t batches_rerun = 0;  // run again with savepoints: a write failed half-way
  };
  // WAL pages after which the background checkpointer copies them into the
  // database file (SQLite's own default), and after which the writer does it
  // itself because the checkpointer has not kept up.
  static constexpr int kCheckpointPages = 1000;
  static constexpr int kWriterCheckpointPages = 16 * kCheckpointPages;
  WriterStats Stats();

 private:
  friend class sql::SqlStoreReads<SqliteCaseStore, sqlite::Connection>;
  using Job = WriteQueue::Job;
  using Lease = ConnectionPool<sqlite::Connection>::Lease;

  explicit SqliteCaseStore(Options options);
  // One transaction for `batch`; returns each write's outcome (a failed BEGIN
  // or COMMIT fails them all). A failed write never leaves part of itself.
  std::vector<Status> CommitBatch(sqlite::Connection& c, WriteTx& tx, std::vector<Job>& batch);
  // CommitBatch's one attempt, with or without a savepoint per write; without,
  // nullopt (and everything rolled back) when a write failed after changing
  // something, which only a savepoint could have undone alone.
  std::optional<std::vector<Status>> RunBatch(sqlite::Connection& c, WriteTx& tx,
                                              std::vector<Job>& batch, bool savepoints);
  Lease Reader();
  // Runs PASSIVE checkpoints on a connection of its own when the WAL has grown
  // past kCheckpointPages: SQLite would otherwise run them inside a COMMIT on
  // the writer, whose next batch then waits for the database file's fsync.
  void CheckpointerLoop();
  static int OnWalCommit(void* self, ::sqlite3* db, const char* name, int pages);

  Options options_;
  projection::StateSum recorded_sum_;  // at open, for the writer to go on from
  CaseCache cache_{options_.case_cache};
  std::unique_ptr<const DataCipher> cipher_;  // null: opened without_data_key
  std::unique_ptr<sqlite::Connection> writer_conn_;

  std::mutex stats_mu_;
  WriterStats stats_;
  bool batch_committed_ = true;  // RunBatch's last transaction (writer thread only)
  WriteQueue writes_;  // last of the writer's parts: stopped first

  std::unique_ptr<sqlite::Connection> checkpoint_conn_;
  std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_cv_;
  bool checkpoint_wanted_ = false;
  bool checkpoint_stopping_ = false;
  std::thread checkpointer_;

  ConnectionPool<sqlite::Connection> pool_;  // the readers'
};

}  // namespace baraza

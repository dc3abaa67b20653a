// PgCaseStore: the CaseStore on PostgreSQL (`barazad --store postgresql://...`).
// Keeps the SQLite store's promises: one writer thread commits every waiting
// write in one transaction (a failing write rolled back alone, to its
// SAVEPOINT), an answer only after COMMIT with synchronous_commit on, and the
// history binds every table. Reads use a pool of connections. docs/storage.md.
#pragma once

#include <atomic>
#include <chrono>
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
#include "storage/sql_record.h"
#include "storage/sql_store_reads.h"
#include "storage/sql_write_tx.h"
#include "storage/store_observer.h"
#include "storage/write_queue.h"

namespace baraza {

namespace pg {
class Connection;
class Statistics;
}

class PgCaseStore : public sql::SqlStoreReads<PgCaseStore, pg::Connection> {
 public:
  // The schema this binary writes (schema_version); a newer one is refused.
  static constexpr int kSchemaVersion = 3;

  struct Options {
    std::string conninfo;  // a libpq connection string or postgresql:// URI
    int max_batch = 1024;  // most writes one transaction commits together
    // Decoded cases kept for reads. 0 (the default): another barazad may
    // change a case in the same database, and a cache would not see it.
    size_t case_cache = 0;
    // The data key that seals mediator-only text at rest (docs/security.md):
    // a file, created (0600) for a database that has no key yet.
    std::string data_key_file;
    bool data_key_trusted = false;
    bool without_data_key = false;  // audit, tokens: no mediator-only text read or written
    // Told of every batch the writer ends (barazad's metrics); may be null.
    WriterObserver* observer = nullptr;
    // How often a thread of the store's looks for tables that grew enough to
    // be analyzed (storage/pg_statistics.h); 0: never (the operator commands).
    std::chrono::milliseconds statistics_every{0};
  };

  // Connects, migrates the schema and opens the data key. UNAVAILABLE, saying
  // what to check, when the server cannot be reached (within connect_timeout).
  static Result<std::unique_ptr<PgCaseStore>> Open(const Options& options);
  // Finishes every queued write, then disconnects.
  ~PgCaseStore() override;

  void Write(WriteFn fn, DoneFn done, RequestRef key = {}) override;

  // The reads: storage/sql_store_reads.h.

  // `barazad audit verify` on PostgreSQL: the same walk and comparison as the
  // SQLite store's (SqliteCaseStore::AuditHistory), in one snapshot.
  using Audit = sql::RecordAudit;
  Result<Audit> AuditHistory(std::optional<chain::Head> kept,
                             const std::function<void(int64_t)>& progress = {});
  // barazad's check before it serves (SqliteCaseStore::CheckOnStart).
  Status CheckOnStart(int tail_events = 1000);

  // Calls `fn`, on a thread of the store's, with the notices another barazad
  // on the same database commits (LISTEN/NOTIFY), so that those watching
  // through this one get them too; a null `fn` stops (and waits for) that
  // thread. Notices committed while the listening connection is being made
  // again are not passed on (a client asks for what it missed: ListNotices).
  using NoticesFn = std::function<void(const std::vector<Notice>&)>;
  void WatchOtherWriters(NoticesFn fn);

  // Whether the database answers now (one `SELECT 1` on a read connection,
  // connecting again if it was lost): UNAVAILABLE while it is away.
  Status Ping();

  struct WriterStats {
    int64_t commits = 0;
    int64_t writes = 0;
    int64_t reconnects = 0;  // times the writer connected again after losing the server
    int64_t batches_rerun = 0;  // run again with savepoints: a write failed half-way
  };
  WriterStats Stats();

 private:
  friend class sql::SqlStoreReads<PgCaseStore, pg::Connection>;
  using Job = WriteQueue::Job;
  using Lease = ConnectionPool<pg::Connection>::Lease;

  explicit PgCaseStore(Options options);
  // One transaction for `batch`, each write in a SAVEPOINT of its own;
  // returns each write's outcome (a failed BEGIN or COMMIT fails them all).
  // `committed`: whether the transaction was committed (for the observer).
  std::vector<Status> CommitBatch(std::vector<Job>& batch, bool& committed);
  // CommitBatch's one attempt, with or without a savepoint per write; without,
  // nullopt (and everything rolled back) when a write failed after changing
  // something or failed the transaction, which only a savepoint could have undone.
  std::optional<std::vector<Status>> RunBatch(pg::Connection& c, std::vector<Job>& batch,
                                              bool& committed, bool savepoints);
  // BEGIN, the history lock and SqlTx::Begin's read: in the pipeline (one
  // round trip), or one after the other.
  Status StartBatch(pg::Connection& c, bool pipelined);
  Lease Reader();
  void ListenerLoop(NoticesFn fn);

  Options options_;
  CaseCache cache_{options_.case_cache};
  std::unique_ptr<const DataCipher> cipher_;  // null: opened without_data_key
  std::unique_ptr<pg::Connection> writer_conn_;
  // The writer's transaction, kept between batches: what it knows of the
  // database (the log head, state sum, next ids, groups, contact points) holds
  // as long as no other barazad has written since (SqlTx::Begin checks).
  std::unique_ptr<sql::SqlTx<pg::Connection>> tx_;

  std::mutex stats_mu_;
  WriterStats stats_;
  WriteQueue writes_;

  std::string instance_;  // random: this store's own notifications are not passed on
  std::atomic<bool> listen_stop_{false};
  std::thread listener_;

  ConnectionPool<pg::Connection> pool_;  // the readers'
  std::unique_ptr<pg::Statistics> statistics_;  // null unless options_.statistics_every
};

}  // namespace baraza

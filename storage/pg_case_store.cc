// PgCaseStore: opening, the writer and its transactions, the answers, the
// audit. The reads are shared with the SQLite store: sql_store_reads.cc.
#include "storage/pg_case_store.h"

#include <poll.h>
#include <pthread.h>
#include <unistd.h>

#include <chrono>
#include <random>

#include "storage/data_key.h"
#include "storage/pg_connection.h"
#include "storage/pg_schema.h"
#include "storage/pg_statistics.h"
#include "storage/sql_record.h"
#include "storage/sql_rows.h"
#include "storage/sql_write_tx.h"

namespace baraza {

using pg::Connection;
using PgTx = sql::SqlTx<Connection>;
using pg::Query;

namespace {

Result<std::optional<std::string>> StoredKeyId(Connection& c) {
  Query q(c, "SELECT key_id FROM data_key WHERE id = 1");
  if (q.Next()) return std::optional<std::string>(q.Text(0));
  BARAZA_RETURN_IF_ERROR(q.status());
  return std::optional<std::string>();
}

// The data key the database's mediator-only text is sealed with: the one the
// database names, or (a new database) the key in the file, or a new key
// written there. As the SQLite store's (sqlite::OpenDataKey); a PostgreSQL
// database never held plain mediator-only text, so there is nothing to seal.
Result<std::unique_ptr<DataCipher>> OpenDataKey(Connection& c, const std::string& file,
                                                bool trusted) {
  if (file.empty())
    return Status::InvalidArgument(
        "a PostgreSQL store needs --data-key-file: the key that seals mediator-only text is "
        "kept outside the database (it is created there, mode 0600, if the database has none)");
  BARAZA_ASSIGN_OR_RETURN(std::optional<std::string> stored, StoredKeyId(c));
  auto key = ReadDataKey(file, trusted);
  if (!key.ok() && key.status().code() != Code::kNotFound) return key.status();
  if (!key.ok() && stored)
    return Status::FailedPrecondition("this database holds text sealed under data key " + *stored +
                                      ", but there is no key "
                                      "file at " +
                                      file +
                                      ". Put the database's key file back there (--data-key-file); "
                                      "barazad never makes a new key for a database that has one");
  if (!key.ok() && trusted)
    return Status::FailedPrecondition("no data key in the credential " + file +
                                      "; create one with `openssl rand -hex 32`");
  bool created = false;
  if (!key.ok()) {
    BARAZA_ASSIGN_OR_RETURN(std::string fresh, DataCipher::NewKey());
    BARAZA_RETURN_IF_ERROR(WriteNewDataKey(file, fresh));
    key = fresh;
    created = true;
  }
  BARAZA_ASSIGN_OR_RETURN(DataCipher cipher, DataCipher::FromKey(*key));
  if (stored && *stored != cipher.KeyId())
    return Status::FailedPrecondition("the data key in " + file + " (id " + cipher.KeyId() +
                                      ") is not the key this "
                                      "database was sealed with (id " +
                                      *stored +
                                      "); start barazad with the database's own "
                                      "key file (--data-key-file)");
  if (!stored) {
    Query q(c, "INSERT INTO data_key(id, key_id) VALUES(1, ?) ON CONFLICT DO NOTHING");
    q.Bind(cipher.KeyId());
    Status s = q.Run();
    if (s.ok()) {  // another barazad may have named its key first
      BARAZA_ASSIGN_OR_RETURN(stored, StoredKeyId(c));
      if (!stored || *stored != cipher.KeyId())
        s = Status::FailedPrecondition(
            "another barazad named a different data key for this "
            "database meanwhile; start with its key file");
    }
    if (!s.ok()) {
      if (created) ::unlink(file.c_str());
      return s;
    }
  }
  return std::make_unique<DataCipher>(std::move(cipher));
}

}  // namespace

PgCaseStore::PgCaseStore(Options options) : options_(std::move(options)) {
  std::random_device rd;
  instance_ = std::to_string(rd()) + std::to_string(rd());
}

Result<std::unique_ptr<PgCaseStore>> PgCaseStore::Open(const Options& options) {
  auto store = std::unique_ptr<PgCaseStore>(new PgCaseStore(options));
  BARAZA_ASSIGN_OR_RETURN(auto conn, Connection::Open(options.conninfo));
  BARAZA_RETURN_IF_ERROR(pg::Migrate(*conn, kSchemaVersion));
  if (!options.without_data_key) {
    BARAZA_ASSIGN_OR_RETURN(store->cipher_,
                            OpenDataKey(*conn, options.data_key_file, options.data_key_trusted));
  }
  store->writer_conn_ = std::move(conn);
  store->tx_ = std::make_unique<PgTx>(*store->writer_conn_, store->cache_, store->cipher_.get(),
                                      /*kept_cases=*/PgTx::kKnownCases);
  store->writes_.Start(
      options.max_batch,
      [s = store.get()](std::vector<Job>& batch, bool& committed) {
        return s->CommitBatch(batch, committed);
      },
      options.observer);
  if (options.statistics_every.count() > 0)
    store->statistics_ =
        std::make_unique<pg::Statistics>(options.conninfo, options.statistics_every);
  return store;
}

PgCaseStore::~PgCaseStore() {
  WatchOtherWriters(nullptr);
  writes_.Stop();  // every queued write committed and answered, before anything else
  statistics_.reset();
  pool_.Clear();
  writer_conn_.reset();
}

void PgCaseStore::Write(WriteFn fn, DoneFn done, RequestRef key) {
  writes_.Write(std::move(fn), std::move(done), std::move(key));
}

PgCaseStore::WriterStats PgCaseStore::Stats() {
  std::lock_guard lock(stats_mu_);
  return stats_;
}

std::vector<Status> PgCaseStore::CommitBatch(std::vector<Job>& batch, bool& committed) {
  committed = false;
  Connection& c = *writer_conn_;
  if (c.broken()) {
    // The server went away: connect again before this batch. While it stays
    // away every write fails UNAVAILABLE (and waits a little, so that a queue
    // of retries does not spin).
    Status s = c.Reconnect();
    {
      std::lock_guard lock(stats_mu_);
      stats_.reconnects += 1;
    }
    if (!s.ok()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      return std::vector<Status>(batch.size(), s);
    }
  }
  // First without savepoints: a write refused before it changed anything (a
  // rule of the workflow, an unknown case: the usual failures) needs nothing
  // undone, and SAVEPOINT and RELEASE are two round trips to the server for
  // every write. Only if a write fails after changing something, or an error
  // has failed PostgreSQL's transaction, is it rolled back and the batch run
  // again, each write in a savepoint of its own.
  std::optional<std::vector<Status>> results = RunBatch(c, batch, committed, /*savepoints=*/false);
  if (!results) {
    {
      std::lock_guard lock(stats_mu_);
      stats_.batches_rerun += 1;
    }
    results = RunBatch(c, batch, committed, /*savepoints=*/true);
  }
  return std::move(*results);
}

std::optional<std::vector<Status>> PgCaseStore::RunBatch(Connection& c, std::vector<Job>& batch,
                                                         bool& committed, bool savepoints) {
  PgTx& tx = *tx_;
  // Without savepoints, the writes' statements go in one pipeline: a write
  // waits only for what it reads, not for each row it writes.
  const bool pipelined = !savepoints;
  Status begin = StartBatch(c, pipelined);
  if (!begin.ok() && c.broken()) {  // the server went away since the last batch: nothing done yet
    c.EndPipeline();
    c.Exec("ROLLBACK");
    if (c.Reconnect().ok()) begin = StartBatch(c, pipelined);
  }
  if (begin.ok()) {  // the writes' request keys, in one query rather than one each
    std::vector<CaseStore::RequestRef> keys;
    for (const Job& job : batch)
      if (!job.key.request_id.empty()) keys.push_back(job.key);
    begin = tx.LookUpRequests(keys);
  }
  if (!begin.ok()) {
    c.EndPipeline();
    c.Exec("ROLLBACK");
    return std::vector<Status>(batch.size(), begin);
  }
  std::vector<Status> results(batch.size(), Status::Ok());
  size_t applied = 0;
  for (size_t i = 0; i < batch.size(); ++i) {
    // With savepoints, one for every write: PostgreSQL fails the whole
    // transaction on any error until it is rolled back to one, and a write
    // refused halfway must leave nothing of itself.
    Status s = savepoints ? c.Exec("SAVEPOINT w") : Status::Ok();
    if (s.ok()) {
      c.ResetChanged();
      try {
        s = batch[i].fn(tx);
        if (s.ok()) s = tx.FinishWrite();  // rows changed with no event to carry them
      } catch (const std::exception& e) {
        s = Status::Internal(std::string("write failed: ") + e.what());
      }
      if (!s.ok() && !savepoints && (c.changed() || !c.TransactionIntact())) {
        c.EndPipeline();
        c.Exec("ROLLBACK");  // part of it written, or the transaction failed: start again
        tx.WriteDone(false);
        tx.TakeSaved(/*committed=*/false);
        return std::nullopt;
      }
      if (s.ok() && savepoints) s = c.Exec("RELEASE w");
      if (s.ok()) {
        ++applied;
      } else if (savepoints) {
        Status undone = c.Exec("ROLLBACK TO w");
        if (!undone.ok() && s.code() != Code::kUnavailable) s = undone;
      }
      tx.WriteDone(s.ok());
    }
    results[i] = s;
  }
  // A statement of the pipeline refused (or a row count not as expected): roll
  // back, and run the batch again with a savepoint for each write, which then
  // finds the write at fault.
  if (pipelined && !c.Settle().ok()) {
    c.EndPipeline();
    c.Exec("ROLLBACK");
    tx.TakeSaved(/*committed=*/false);
    return std::nullopt;
  }
  if (!pipelined && PQtransactionStatus(c.raw()) == PQTRANS_INERROR) {
    // A statement failed without its write failing: PostgreSQL would answer the
    // COMMIT with a ROLLBACK. Never a false OK: run again, each write alone.
    c.Exec("ROLLBACK");
    tx.TakeSaved(/*committed=*/false);
    if (!savepoints) return std::nullopt;
    Status failed = Status::Internal("the transaction failed without a write saying why; nothing "
                                     "was saved; retry");
    for (auto& r : results)
      if (r.ok()) r = failed;
    return results;
  }
  // Another barazad on this database hears of the notices at COMMIT
  // (LISTEN/NOTIFY), so that a liaison watching through it gets them too.
  // In the pipeline, the notification, the COMMIT and the sync go together:
  // one round trip; a failure of either fails the COMMIT.
  Status commit = Status::Ok();
  if (auto [first, last] = tx.NoticeRange(); first != 0) {
    Query notify(c, "SELECT pg_notify('baraza_notices', ?)");
    notify.Bind(instance_ + ":" + std::to_string(first) + ":" + std::to_string(last));
    commit = pipelined ? notify.Send() : notify.Run();
  }
  if (pipelined) {
    if (commit.ok()) commit = c.SendCommit();
    Status ended = c.EndPipeline();
    if (commit.ok()) commit = ended;
  } else if (commit.ok()) {
    commit = c.Exec("COMMIT");
  }
  if (!commit.ok()) c.Exec("ROLLBACK");
  std::vector<CaseRef> saved = tx.TakeSaved(commit.ok());
  if (!commit.ok()) {
    // Not known to be durable: never an OK. A lost connection is UNAVAILABLE.
    for (auto& r : results)
      if (r.ok()) r = commit;
    return results;
  }
  committed = true;
  cache_.Committed(std::move(saved));  // before anyone hears of the commit
  std::lock_guard lock(stats_mu_);
  stats_.commits += 1;
  stats_.writes += static_cast<int64_t>(applied);
  return results;
}

Status PgCaseStore::StartBatch(Connection& c, bool pipelined) {
  // Every write of the history holds the history lock until COMMIT: the log is
  // one chain, and another barazad may share the database.
  static const std::string lock = "SELECT pg_advisory_xact_lock(" + std::to_string(pg::kHistoryLock) + ")";
  if (pipelined) {  // sent together, answered with SqlTx::Begin's first read
    BARAZA_RETURN_IF_ERROR(c.BeginPipeline());
    // READ COMMITTED whatever the server's default: each statement sees what
    // was committed before the history lock was granted (the head read next).
    static const char* const kBegin = "BEGIN ISOLATION LEVEL READ COMMITTED";
    BARAZA_RETURN_IF_ERROR(Query(c, kBegin).Send());
    BARAZA_RETURN_IF_ERROR(Query(c, lock.c_str()).Send());
  } else {
    BARAZA_RETURN_IF_ERROR(c.Exec("BEGIN ISOLATION LEVEL READ COMMITTED; " + lock));
  }
  return tx_->Begin();
}

PgCaseStore::Lease PgCaseStore::Reader() {
  std::unique_ptr<Connection> conn = pool_.Take();
  if (conn && conn->broken()) {
    Status s = conn->Reconnect();
    if (!s.ok()) return pool_.Refuse(s);
  }
  if (!conn) {
    auto opened = Connection::Open(options_.conninfo);
    if (!opened.ok()) return pool_.Refuse(opened.status());
    conn = std::move(opened).value();
  }
  return pool_.Lend(std::move(conn));
}

Status PgCaseStore::Ping() {
  auto r = Reader();
  if (!r.ok()) return r.status();
  // Serving means accepting writes: a server that turned read-only under a
  // connection (a standby, a primary being demoted) is let go of.
  Query q(*r, "SELECT current_setting('transaction_read_only')");
  if (!q.Next()) return q.status().ok() ? Status::Internal("no answer to a ping") : q.status();
  if (q.Text(0) == "off") return Status::Ok();
  (*r).MarkReadOnly();
  return Status::Unavailable(
      "the PostgreSQL server accepts no writes now (a standby, or a primary being failed over)");
}

Result<PgCaseStore::Audit> PgCaseStore::AuditHistory(std::optional<chain::Head> kept,
                                                     const std::function<void(int64_t)>& progress) {
  auto r = Reader();
  if (!r.ok()) return r.status();
  // One snapshot: the history and the tables as of one moment.
  BARAZA_RETURN_IF_ERROR((*r).Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  auto audit = sql::AuditRecord(*r, kept, progress);
  (*r).Exec("COMMIT");
  return audit;
}

Status PgCaseStore::CheckOnStart(int tail_events) {
  auto r = Reader();
  if (!r.ok()) return r.status();
  BARAZA_RETURN_IF_ERROR((*r).Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  Status s = sql::CheckOnStart(*r, tail_events);
  (*r).Exec("COMMIT");
  return s;
}

void PgCaseStore::WatchOtherWriters(NoticesFn fn) {
  if (listener_.joinable()) {
    listen_stop_ = true;
    listener_.join();
  }
  if (!fn) return;
  listen_stop_ = false;
  listener_ = std::thread([this, fn = std::move(fn)] {
    pthread_setname_np(pthread_self(), "baraza-listen");
    ListenerLoop(fn);
  });
}

void PgCaseStore::ListenerLoop(NoticesFn fn) {
  std::unique_ptr<Connection> conn;
  while (!listen_stop_) {
    if (!conn || conn->broken()) {
      conn.reset();
      auto opened = Connection::Open(options_.conninfo);
      if (opened.ok() && (*opened)->Exec("LISTEN baraza_notices").ok()) {
        conn = std::move(opened).value();
      } else {
        for (int i = 0; i < 10 && !listen_stop_; ++i)  // a second between tries
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        continue;
      }
    }
    // Wakes at least every 200 ms to see whether the store is closing.
    pollfd p{PQsocket(conn->raw()), POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) continue;
    if (!PQconsumeInput(conn->raw())) {
      conn.reset();
      continue;
    }
    while (PGnotify* n = PQnotifies(conn->raw())) {
      // "<instance>:<first id>:<last id>"
      std::string payload = n->extra;
      PQfreemem(n);
      auto a = payload.find(':'), b = payload.rfind(':');
      if (a == std::string::npos || a == b || payload.substr(0, a) == instance_) continue;
      static const std::string sql =
          std::string(sql::kNoticeColumns) + "WHERE id BETWEEN ? AND ? ORDER BY id";
      Query q(*conn, sql.c_str());
      q.Bind(std::stoll(payload.substr(a + 1, b - a - 1))).Bind(std::stoll(payload.substr(b + 1)));
      std::vector<Notice> notices;
      while (q.Next()) notices.push_back(sql::ReadNotice(q));
      if (!notices.empty()) fn(notices);
    }
  }
}

}  // namespace baraza

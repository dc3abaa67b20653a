// A thin C++ layer over one libpq connection, shaped like sqlite::Connection so
// that the PostgreSQL store reads as the SQLite one: statements prepared once
// and cached by their SQL (`?` marks become $n), rows read one at a time,
// PostgreSQL errors as Status. A Connection is used by one thread at a time.
#pragma once

#include <libpq-fe.h>

#include <deque>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "services/workflow/status.h"
#include "storage/projection.h"

namespace baraza::pg {

// Turns a failed result (or a lost connection) into a Status a person can act
// on: a lost server is UNAVAILABLE, a unique key taken is ALREADY_EXISTS.
Status ToStatus(PGconn* conn, const PGresult* res, const char* what);

// The connection string with barazad's defaults for what it leaves out:
// connect_timeout=10 and TCP keepalives, so that a lost server is noticed in
// seconds rather than hours; target_session_attrs=read-write, so that of the
// hosts a string names (failover) only the one that accepts writes is used.
std::string WithDefaults(const std::string& conninfo);

// `?` marks in order, or numbered `?N`, as PostgreSQL's $N (outside quotes).
std::string ToDollarMarks(const char* sql);

class Query;

class Connection {
 public:
  using Query = pg::Query;  // for the code shared with SQLite (storage/sql_*.h)
  static constexpr const char* kByCommanderIndex = "";  // PostgreSQL picks the index itself
  // A list of ids is bound as one bigint[] ('{1,2,3}'): one statement, one
  // round trip, whatever their number.
  static constexpr bool kIdArrays = true;

  // Connects with a libpq connection string or postgresql:// URI. The server's
  // synchronous_commit is set on for this session: an answer only after the
  // commit is durable, whatever the server's default.
  static Result<std::unique_ptr<Connection>> Open(const std::string& conninfo);
  ~Connection();

  PGconn* raw() { return conn_; }
  // The connection is lost (the server went away), or its server accepts no
  // writes (a standby, a primary being demoted): Reconnect before use.
  bool broken() const { return read_only_ || lost_ || PQstatus(conn_) != CONNECTION_OK; }
  // Connects again (prepared statements are made again as they are used):
  // libpq walks the connection string's hosts again, and with barazad's
  // target_session_attrs=read-write takes only one that accepts writes.
  Status Reconnect();
  // Marks the connection as on a server that accepts no writes (SQLSTATE
  // 25006, or found so by the caller): the next use connects again.
  void MarkReadOnly() { read_only_ = true; }
  // Marks it so when `res` failed for that reason.
  void NoteFailure(const PGresult* res);

  // Whether a statement that may change the database ran since the last reset.
  bool changed() const { return changed_; }
  void ResetChanged() { changed_ = false; }
  void MarkChanged() { changed_ = true; }

  // --- Pipeline mode (libpq's, PostgreSQL 14 and later), for the writer: a
  // statement run with Query::Send is sent without waiting for its answer,
  // which is read and checked when a later statement needs its own answer, at
  // Drain or at EndPipeline. A statement refused fails every one after it
  // until EndPipeline (the caller then rolls the transaction back).
  // A plain one-row INSERT sent so is held back and sent with the other rows
  // of its table as one multi-row INSERT: before any statement that names the
  // table, when enough rows wait, and at the end. A statement that reads a
  // table therefore sees every row written to it before.
  Status BeginPipeline();
  bool pipelined() const { return pipelined_; }
  // Reads every answer due so far; the pipeline's first failure, if any.
  Status Drain();
  // Sends every row held back and reads every answer: the pipeline's first
  // failure, if any (before a COMMIT: every row count checked).
  Status Settle();
  // Sends COMMIT in the pipeline; EndPipeline then fails unless it committed.
  Status SendCommit();
  // Drains, ends the pipeline (a sync) and leaves pipeline mode: its first failure.
  Status EndPipeline();
  // Whether the open transaction can still commit: no statement of it failed
  // (in a pipeline: none known to have failed yet).
  bool TransactionIntact();

  // Runs one or more statements without parameters (not in a pipeline).
  Status Exec(const char* sql);
  Status Exec(const std::string& sql) { return Exec(sql.c_str()); }

  // The name of the prepared statement for `sql` (cached by the address of its
  // text, which must stay put), prepared now with these parameter types.
  Result<const std::string*> Prepare(const char* sql, const std::vector<Oid>& types);

 private:
  explicit Connection(PGconn* conn, std::string conninfo)
      : conn_(conn), conninfo_(std::move(conninfo)) {}
  friend class pg::Query;
  Status Configure();
  // A statement sent in the pipeline whose answer is not read yet: a PREPARE
  // (`prepared`: its cache key), a Send (`expect`: the rows it must change, or
  // -1), or a Query waiting for its rows (`into`).
  struct Due {
    const char* prepared = nullptr;
    int64_t expect = -1;
    Status mismatch;
    PGresult** into = nullptr;
    bool commit = false;  // a COMMIT: it must answer COMMIT (not ROLLBACK)
  };
  // Sends `sql` (prepared first if it is not yet) in the pipeline.
  // The spans are the statement's parameters, `nulls[i]` non-zero for a NULL.
  Status SendPrepared(const char* sql, std::span<const Oid> types,
                      std::span<const std::string> values, std::span<const char> nulls,
                      std::span<const int> formats, Due due);
  // The first result of the next statement's answer, the rest of it read.
  PGresult* NextAnswer();
  // Reads and checks the answers due, in order (once the server was asked for them).
  void ReadDue();
  // The Query whose answer goes to `into` is gone: its answer is dropped.
  void Abandon(PGresult** into);
  // Rows held back for one multi-row INSERT (`sql`, a one-row INSERT into `table`).
  struct HeldRows {
    const char* sql;
    std::string table;
    size_t count = 0;
    std::vector<std::string> values;
    std::vector<char> nulls;
    std::vector<int> formats;
    std::vector<Oid> types;
  };
  // The table `sql` inserts one row into, if it is a plain one-row INSERT; else "".
  const std::string& HoldableTable(const char* sql);
  Status HoldRow(const char* sql, std::vector<std::string>& values, std::vector<char>& nulls,
                 std::vector<int>& formats, std::vector<Oid>& types);
  // Sends the rows held for the tables `sql` names (null: every table).
  Status SendHeldRows(const char* sql);
  Status SendRows(HeldRows& rows);
  void Check(const Due& due, PGresult* res);
  PGconn* conn_;
  std::string conninfo_;
  std::unordered_map<const char*, std::string> prepared_;
  bool changed_ = false;
  bool read_only_ = false;
  bool lost_ = false;  // the pipeline could not be ended: connect again
  bool pipelined_ = false;
  std::deque<Due> due_;
  Status pipeline_failure_;
  std::vector<HeldRows> held_;
  std::map<const char*, std::string> holdable_;  // by the one-row INSERT's text
  struct MultiRow {  // a one-row INSERT's text with n groups of marks, and its n x types
    std::string sql;
    std::vector<Oid> types;
  };
  std::map<std::pair<const char*, size_t>, MultiRow> multi_row_sql_;
  std::vector<const char*> send_ptrs_;  // SendPrepared's parameter pointers, kept to reuse
  std::vector<int> send_lengths_;
};

// One execution of a cached statement: bind, run (on the first Next), read
// columns of the current row.
class Query {
 public:
  Query(Connection& c, const char* sql) : conn_(c), sql_(sql) {}
  ~Query() {
    if (started_) conn_.Abandon(&res_);  // an answer not read yet is dropped when it comes
    if (res_) PQclear(res_);
  }
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  Query& Bind(int64_t v);
  Query& Bind(const std::string& v);
  Query& BindBlob(const std::string& v);
  Query& BindNull();
  Query& Bind(const projection::Cell& v) {
    if (const auto* i = std::get_if<int64_t>(&v)) return Bind(*i);
    return Bind(std::get<std::string>(v));
  }
  // In a pipeline, sends the statement now and reads its answer at the first
  // Next (several reads started together cost one round trip); else nothing.
  void Start();
  // Advances to the next row; false at the end or on error (see status()).
  bool Next();
  Status Run() {
    while (Next()) {
    }
    return status_;
  }
  // Runs a statement whose answer the caller does not wait for: in a pipeline
  // it is sent and checked later (see Connection::BeginPipeline), else run now.
  // `expect_rows` >= 0: the rows it must change; else it fails with `mismatch`.
  Status Send(int64_t expect_rows = -1, Status mismatch = Status::Ok());
  // The rows an INSERT, UPDATE or DELETE changed (after Run).
  int64_t Affected() const;
  int64_t Int(int col) const;
  bool IsNull(int col) const { return PQgetisnull(res_, row_, col) != 0; }
  std::string Text(int col) const {
    return std::string(PQgetvalue(res_, row_, col),
                       static_cast<size_t>(PQgetlength(res_, row_, col)));
  }
  std::string Blob(int col) const;  // a bytea column's bytes
  // A column as a projection cell: integers as integers, text and bytea as bytes.
  projection::Cell CellAt(int col) const;
  const Status& status() const { return status_; }

 private:
  Status Execute();
  Status Dispatch();  // sends it in the pipeline, its answer to come into res_
  Connection& conn_;
  const char* sql_;
  std::vector<std::string> values_;
  std::vector<char> nulls_;
  std::vector<int> formats_;
  std::vector<Oid> types_;
  PGresult* res_ = nullptr;
  bool ran_ = false;
  bool started_ = false;  // sent in a pipeline, its answer perhaps not read yet
  int row_ = -1;
  Status status_;
};

}  // namespace baraza::pg

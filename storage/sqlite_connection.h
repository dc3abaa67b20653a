// A thin C++ layer over one SQLite connection: prepared statements cached by
// their SQL, one-row-at-a-time queries, SQLite errors as Status. Used by the
// SQLite store's threads; a Connection is used by one thread at a time.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>
#include <unordered_map>

#include "services/workflow/status.h"
#include "storage/projection.h"

namespace baraza::sqlite {

// Turns an SQLite result code into a Status a person can act on.
Status ToStatus(int rc, sqlite3* db, const char* what);

class Query;

// One SQLite connection with its prepared statements, cached by SQL text.
// Used by one thread at a time.
class Connection {
 public:
  using Query = sqlite::Query;  // for the code shared with PostgreSQL (storage/sql_*.h)
  // How this dialect writes what PostgreSQL writes otherwise (storage/sql_*.cc):
  // the index that serves a commander's cases, named (the planner would not pick it).
  static constexpr const char* kByCommanderIndex = "INDEXED BY cases_by_commander ";
  // Lists of ids are bound one by one ("IN (?,?,...)"): no round trip to save.
  static constexpr bool kIdArrays = false;

  // Opens the database file; the writer creates it if missing and sets WAL
  // and synchronous=FULL, readers are query_only.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path, bool writer);

  ~Connection() {
    for (auto& [sql, st] : cache_) sqlite3_finalize(st);
    sqlite3_close_v2(db_);
  }

  sqlite3* db() { return db_; }

  // Whether a statement that may change the database ran since the last reset
  // (the writer's way to know that a failed write left something to undo).
  bool changed() const { return changed_; }
  void ResetChanged() { changed_ = false; }
  void MarkChanged() { changed_ = true; }
  // No pipeline (as pg::Connection's): a statement runs when read, and two
  // Query objects of the same text share one statement, so never read
  // several of one text at once.
  bool pipelined() const { return false; }

  Status Exec(const char* sql) {
    char* err = nullptr;
    int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
    if (err) sqlite3_free(err);
    if (rc != SQLITE_OK) return ToStatus(rc, db_, sql);
    return Status::Ok();
  }

  Result<sqlite3_stmt*> Prepare(const char* sql) {
    auto it = cache_.find(sql);
    if (it != cache_.end()) return it->second;
    sqlite3_stmt* st = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr);
    if (rc != SQLITE_OK) return ToStatus(rc, db_, "prepare");
    cache_[sql] = st;
    return st;
  }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<const char*, sqlite3_stmt*> cache_;
  bool changed_ = false;
};

// One execution of a cached statement: bind, step, read columns, reset.
class Query {
 public:
  Query(Connection& c, const char* sql) : conn_(c) {
    auto st = c.Prepare(sql);
    if (st.ok()) st_ = *st;
    else status_ = st.status();
  }
  ~Query() {
    if (st_) {
      sqlite3_reset(st_);
      sqlite3_clear_bindings(st_);
    }
  }
  Query& Bind(int64_t v) {
    if (st_) sqlite3_bind_int64(st_, ++index_, v);
    return *this;
  }
  Query& Bind(const std::string& v) {
    if (st_) sqlite3_bind_text(st_, ++index_, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Query& BindBlob(const std::string& v) {
    if (st_) sqlite3_bind_blob(st_, ++index_, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Query& BindNull() {
    if (st_) sqlite3_bind_null(st_, ++index_);
    return *this;
  }
  Query& Bind(const projection::Cell& v) {
    if (const auto* i = std::get_if<int64_t>(&v)) return Bind(*i);
    return Bind(std::get<std::string>(v));
  }
  // As pg::Query::Start (a read sent early in PostgreSQL's pipeline): SQLite
  // runs it at the first Next.
  void Start() {}
  // Advances to the next row; false at the end or on error (see status()).
  bool Next() {
    if (!st_ || !status_.ok()) return false;
    if (!sqlite3_stmt_readonly(st_)) conn_.MarkChanged();
    int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) status_ = ToStatus(rc, conn_.db(), "query");
    return false;
  }
  Status Run() {
    while (Next()) {
    }
    return status_;
  }
  // As pg::Query::Send (PostgreSQL's pipeline): runs now; `expect_rows` >= 0:
  // the rows it must change, else it fails with `mismatch`.
  Status Send(int64_t expect_rows = -1, Status mismatch = Status::Ok()) {
    BARAZA_RETURN_IF_ERROR(Run());
    if (expect_rows >= 0 && Affected() != expect_rows) return mismatch;
    return Status::Ok();
  }
  // The rows an INSERT, UPDATE or DELETE changed (after Run).
  int64_t Affected() const { return sqlite3_changes(conn_.db()); }
  int64_t Int(int col) { return sqlite3_column_int64(st_, col); }
  bool IsNull(int col) { return sqlite3_column_type(st_, col) == SQLITE_NULL; }
  std::string Text(int col) {
    auto p = reinterpret_cast<const char*>(sqlite3_column_text(st_, col));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(st_, col))) : std::string();
  }
  std::string Blob(int col) {
    auto p = static_cast<const char*>(sqlite3_column_blob(st_, col));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(st_, col))) : std::string();
  }
  // A column as a projection cell: integers as integers, anything else as its bytes.
  projection::Cell CellAt(int col) {
    if (sqlite3_column_type(st_, col) == SQLITE_INTEGER) return Int(col);
    return Blob(col);
  }
  const Status& status() const { return status_; }
  // The prepared statement, for reading columns in place (valid after Next()).
  sqlite3_stmt* statement() { return st_; }

 private:
  Connection& conn_;
  sqlite3_stmt* st_ = nullptr;
  int index_ = 0;
  Status status_;
};

}  // namespace baraza::sqlite

#include "storage/pg_connection.h"

#include <cstdlib>
#include <cstring>
#include <type_traits>

namespace baraza::pg {
namespace {

// Type oids (catalog/pg_type.h, fixed since PostgreSQL 7).
constexpr Oid kBytea = 17, kInt8 = 20, kInt2 = 21, kInt4 = 23, kText = 25, kNumeric = 1700;

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 0;
}

}  // namespace

Status ToStatus(PGconn* conn, const PGresult* res, const char* what) {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string code = state ? state : "";
  // The primary message only: PostgreSQL's DETAIL repeats the values of a
  // violated key (a token's hash, a name), which are not for a caller's eyes.
  const char* primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string detail = primary ? primary : PQerrorMessage(conn);
  while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ')) detail.pop_back();
  std::string msg = std::string(what) + ": " + detail;
  if (PQstatus(conn) != CONNECTION_OK || code.rfind("08", 0) == 0 || code.rfind("57P", 0) == 0)
    return Status::Unavailable(
        "the PostgreSQL server cannot be reached; barazad reconnects "
        "by itself, retry (" +
        msg + ")");
  if (code == "25006")  // read_only_sql_transaction: a standby, or a primary being demoted
    return Status::Unavailable(
        "the PostgreSQL server accepts no writes now (a standby, or a primary being failed "
        "over); barazad connects again to the one that does, retry (" +
        msg + ")");
  if (code == "53100")
    return Status::Unavailable(
        "the disk holding the PostgreSQL database is full; free space "
        "and retry (" +
        msg + ")");
  if (code.rfind("53", 0) == 0 || code == "40001" || code == "40P01" || code == "55P03")
    return Status::Unavailable("the database is busy; retry (" + msg + ")");
  if (code.rfind("23", 0) == 0) return Status::AlreadyExists(msg);
  return Status::Internal(msg);
}

std::string ToDollarMarks(const char* sql) {
  std::string out;
  int next = 0;
  bool quoted = false;
  for (const char* p = sql; *p; ++p) {
    if (*p == '\'') quoted = !quoted;
    if (*p != '?' || quoted) {
      out += *p;
      continue;
    }
    if (p[1] >= '0' && p[1] <= '9') {  // ?N
      out += '$';
      while (p[1] >= '0' && p[1] <= '9') out += *++p;
    } else {
      out += '$' + std::to_string(++next);
    }
  }
  return out;
}

std::string WithDefaults(const std::string& conninfo) {
  // Never wait for an unreachable server for minutes: at start (a clear error
  // instead of a hang) and while serving (a write on a dead link fails
  // UNAVAILABLE within seconds, and the writer reconnects). Kept if given.
  static const std::pair<const char*, const char*> kDefaults[] = {{"connect_timeout", "10"},
                                                                  {"keepalives_idle", "10"},
                                                                  {"keepalives_interval", "5"},
                                                                  {"keepalives_count", "3"},
                                                                  {"tcp_user_timeout", "15000"},
                                                                  {"target_session_attrs", "read-write"}};
  const bool uri = conninfo.rfind("postgresql://", 0) == 0 || conninfo.rfind("postgres://", 0) == 0;
  std::string out = conninfo;
  for (const auto& [key, value] : kDefaults) {
    if (conninfo.find(key) != std::string::npos) continue;
    if (uri)
      out += std::string(out.find('?') == std::string::npos ? "?" : "&") + key + "=" + value;
    else
      out += std::string(out.empty() ? "" : " ") + key + "=" + value;
  }
  return out;
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& given) {
  const std::string conninfo = WithDefaults(given);
  PGconn* conn = PQconnectdb(conninfo.c_str());
  auto c = std::unique_ptr<Connection>(new Connection(conn, conninfo));
  if (!conn || PQstatus(conn) != CONNECTION_OK) {
    std::string why = conn ? PQerrorMessage(conn) : "out of memory";
    for (auto& ch : why)
      if (ch == '\n' || ch == '\t') ch = ' ';
    while (!why.empty() && why.back() == ' ') why.pop_back();
    return Status::Unavailable("cannot connect to PostgreSQL (" + why +
                               "); at start, check that the server runs and that the --store "
                               "connection string (host, port, database, user) is right; while "
                               "serving, barazad connects again by itself (a server restarting "
                               "or failing over answers again within seconds)");
  }
  BARAZA_RETURN_IF_ERROR(c->Configure());
  return c;
}

Status Connection::Configure() {
  // The server's notices (a shutdown announced, ...) are not for barazad's
  // output: its errors come back as Status.
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
  // Durable answers whatever the server's default; UTC and plain strings so
  // that nothing of the session's settings changes what is stored.
  return Exec(
      "SET synchronous_commit = on; SET TIME ZONE 'UTC'; "
      "SET standard_conforming_strings = on; SET client_min_messages = warning");
}

Connection::~Connection() {
  if (conn_) PQfinish(conn_);
}

void Connection::NoteFailure(const PGresult* res) {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  if (state && std::strcmp(state, "25006") == 0) read_only_ = true;
}

Status Connection::Reconnect() {
  prepared_.clear();
  read_only_ = lost_ = pipelined_ = false;
  due_.clear();
  held_.clear();
  pipeline_failure_ = Status::Ok();
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) return ToStatus(conn_, nullptr, "reconnect");
  return Configure();
}

Status Connection::Exec(const char* sql) {
  PGresult* res = PQexec(conn_, sql);
  ExecStatusType st = PQresultStatus(res);
  Status out = Status::Ok();
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    std::string what(sql, std::min<size_t>(std::strlen(sql), 60));
    out = ToStatus(conn_, res, what.c_str());
    NoteFailure(res);
  }
  PQclear(res);
  return out;
}

Result<const std::string*> Connection::Prepare(const char* sql, const std::vector<Oid>& types) {
  auto it = prepared_.find(sql);
  if (it != prepared_.end()) return &it->second;
  std::string name = "s" + std::to_string(prepared_.size() + 1);
  std::string text = ToDollarMarks(sql);
  PGresult* res = PQprepare(conn_, name.c_str(), text.c_str(), static_cast<int>(types.size()),
                            types.empty() ? nullptr : types.data());
  Status s =
      PQresultStatus(res) == PGRES_COMMAND_OK ? Status::Ok() : ToStatus(conn_, res, "prepare");
  PQclear(res);
  if (!s.ok()) return Status(s.code(), s.message() + " [" + text + "]");
  return &(prepared_[sql] = std::move(name));
}

Query& Query::Bind(int64_t v) {
  values_.push_back(std::to_string(v));
  nulls_.push_back(false);
  formats_.push_back(0);
  types_.push_back(kInt8);
  return *this;
}

Query& Query::Bind(const std::string& v) {
  values_.push_back(v);
  nulls_.push_back(false);
  formats_.push_back(0);
  types_.push_back(kText);
  return *this;
}

Query& Query::BindBlob(const std::string& v) {
  values_.push_back(v);
  nulls_.push_back(false);
  formats_.push_back(1);  // binary: the bytes as they are
  types_.push_back(kBytea);
  return *this;
}

Query& Query::BindNull() {
  values_.emplace_back();
  nulls_.push_back(true);
  formats_.push_back(0);
  types_.push_back(0);
  return *this;
}

void Query::Start() {
  if (conn_.pipelined() && !started_ && !ran_) status_ = Dispatch();
}

Status Query::Dispatch() {
  started_ = true;
  if (std::strncmp(sql_, "SELECT", 6) != 0) conn_.MarkChanged();
  Connection::Due due;
  due.into = &res_;
  Status s = conn_.SendHeldRows(sql_);  // what it reads is written first
  if (s.ok()) s = conn_.SendPrepared(sql_, types_, values_, nulls_, formats_, std::move(due));
  return s;
}

Status Query::Execute() {
  if (conn_.pipelined() || started_) {  // sent, then read with every answer due before it
    Status s = started_ ? Status::Ok() : Dispatch();
    if (s.ok()) s = conn_.Drain();  // reads this answer too
    if (s.ok() && (!res_ || (PQresultStatus(res_) != PGRES_TUPLES_OK &&
                             PQresultStatus(res_) != PGRES_COMMAND_OK)))
      s = Status::Internal("a statement sent in a pipeline was not run; retry");
    if (!s.ok() && res_) {
      PQclear(res_);
      res_ = nullptr;
    }
    return s;
  }
  // A read on an idle connection whose server went away (restarted, failed
  // over) is run again once on a new connection: nothing of it was done. A
  // write, or anything inside a transaction, never is.
  const bool read = std::strncmp(sql_, "SELECT", 6) == 0;
  const bool idle = PQtransactionStatus(conn_.raw()) == PQTRANS_IDLE;
  for (int attempt = 0;; ++attempt) {
    auto name = conn_.Prepare(sql_, types_);
    Status s = name.ok() ? Status::Ok() : name.status();
    if (s.ok()) {
      if (!read) conn_.MarkChanged();
      std::vector<const char*> values;
      std::vector<int> lengths;
      for (size_t i = 0; i < values_.size(); ++i) {
        values.push_back(nulls_[i] ? nullptr : values_[i].data());
        lengths.push_back(static_cast<int>(values_[i].size()));
      }
      if (res_) PQclear(res_);
      res_ = PQexecPrepared(conn_.raw(), (*name)->c_str(), static_cast<int>(values.size()),
                            values.data(), lengths.data(), formats_.data(), /*resultFormat=*/0);
      ExecStatusType st = PQresultStatus(res_);
      if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) return Status::Ok();
      s = ToStatus(conn_.raw(), res_,
                   std::string(sql_, std::min<size_t>(std::strlen(sql_), 60)).c_str());
      conn_.NoteFailure(res_);
    }
    if (attempt > 0 || !read || !idle || !conn_.broken() || !conn_.Reconnect().ok()) return s;
  }
}

bool Query::Next() {
  if (!status_.ok()) return false;
  if (!ran_) {
    ran_ = true;
    status_ = Execute();
    if (!status_.ok()) return false;
  }
  if (row_ + 1 >= PQntuples(res_)) return false;
  ++row_;
  return true;
}

int64_t Query::Affected() const {
  if (!res_) return 0;
  return std::strtoll(PQcmdTuples(res_), nullptr, 10);
}

int64_t Query::Int(int col) const { return std::strtoll(PQgetvalue(res_, row_, col), nullptr, 10); }

std::string Query::Blob(int col) const {
  // bytea in text results: "\x" then two hex digits a byte.
  const char* v = PQgetvalue(res_, row_, col);
  size_t n = static_cast<size_t>(PQgetlength(res_, row_, col));
  if (n < 2 || v[0] != '\\' || v[1] != 'x') return std::string(v, n);
  std::string out;
  out.reserve((n - 2) / 2);
  for (size_t i = 2; i + 1 < n; i += 2) out += static_cast<char>(Hex(v[i]) << 4 | Hex(v[i + 1]));
  return out;
}

projection::Cell Query::CellAt(int col) const {
  Oid t = PQftype(res_, col);
  if (t == kInt8 || t == kInt4 || t == kInt2 || t == kNumeric) return Int(col);
  if (t == kBytea) return Blob(col);
  return Text(col);
}

}  // namespace baraza::pg

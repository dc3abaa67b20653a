// pg::Connection's pipeline mode (declared in pg_connection.h): the writer's
// statements sent without waiting for each answer, one-row INSERTs held back
// and sent as multi-row ones, answers read and checked in order.
#include <cstdlib>
#include <cstring>
#include <type_traits>

#include "storage/pg_connection.h"

namespace baraza::pg {

namespace {
// At most this many answers wait unread: the server's answers then fit in the
// socket's buffers, so that neither side blocks writing while the other does.
constexpr size_t kMaxDue = 128;
// Held rows go out in INSERTs of these many rows (a few statements to prepare
// for each table); a table's rows are sent once the largest is full.
constexpr size_t kRowChunks[] = {64, 16, 4, 1};
}  // namespace

const std::string& Connection::HoldableTable(const char* sql) {
  auto it = holdable_.find(sql);
  if (it != holdable_.end()) return it->second;
  // "INSERT INTO name(columns) VALUES(?,...,?)" and nothing after it.
  std::string table;
  static const char kInsert[] = "INSERT INTO ";
  if (std::strncmp(sql, kInsert, sizeof kInsert - 1) == 0) {
    const char* name = sql + sizeof kInsert - 1;
    const char* open = std::strchr(name, '(');
    const char* values = std::strstr(sql, ") VALUES(");
    if (open && values && values > open) {
      const char* p = values + std::strlen(") VALUES(");
      while (*p == '?' || *p == ',') ++p;
      if (p[0] == ')' && p[1] == '\0') table.assign(name, open);
    }
  }
  return holdable_.emplace(sql, std::move(table)).first->second;
}

Status Connection::HoldRow(const char* sql, std::vector<std::string>& values,
                           std::vector<char>& nulls, std::vector<int>& formats,
                           std::vector<Oid>& types) {
  HeldRows* rows = nullptr;
  for (auto& r : held_)
    if (r.sql == sql) rows = &r;
  if (!rows) {
    rows = &held_.emplace_back();
    rows->sql = sql;
    rows->table = HoldableTable(sql);
  }
  for (size_t i = 0; i < values.size(); ++i) {
    rows->values.push_back(std::move(values[i]));
    rows->nulls.push_back(nulls[i]);
    rows->formats.push_back(formats[i]);
    if (rows->count == 0 && rows->types.size() < values.size()) rows->types.push_back(types[i]);
  }
  rows->count += 1;
  if (rows->count >= kRowChunks[0]) return SendRows(*rows);
  return Status::Ok();
}

Status Connection::SendHeldRows(const char* sql) {
  for (auto& rows : held_) {
    if (rows.count == 0) continue;
    if (sql && !std::strstr(sql, rows.table.c_str())) continue;
    BARAZA_RETURN_IF_ERROR(SendRows(rows));
  }
  return Status::Ok();
}

Status Connection::SendRows(HeldRows& rows) {
  const size_t width = rows.types.size();
  size_t first = 0;
  while (first < rows.count) {
    size_t n = 1;
    for (size_t chunk : kRowChunks)
      if (chunk <= rows.count - first) {
        n = chunk;
        break;
      }
    MultiRow& multi = multi_row_sql_[{rows.sql, n}];
    if (multi.sql.empty()) {  // the one-row INSERT with n groups of marks
      const std::string one = rows.sql;
      const size_t at = one.rfind(" VALUES(") + 7;
      const std::string marks = one.substr(at);
      multi.sql = one.substr(0, at);
      for (size_t i = 0; i < n; ++i) {
        multi.sql += (i ? "," : "") + marks;
        multi.types.insert(multi.types.end(), rows.types.begin(), rows.types.end());
      }
    }
    auto slice = [&](const auto& all) {  // this chunk's parameters, not copied
      return std::span(all).subspan(first * width, n * width);
    };
    BARAZA_RETURN_IF_ERROR(SendPrepared(multi.sql.c_str(), multi.types, slice(rows.values),
                                        slice(rows.nulls), slice(rows.formats), Due{}));
    first += n;
  }
  rows.count = 0;
  rows.values.clear();
  rows.nulls.clear();
  rows.formats.clear();
  return Status::Ok();
}

Status Connection::BeginPipeline() {
  if (pipelined_) return Status::Ok();
  if (!PQenterPipelineMode(conn_)) return ToStatus(conn_, nullptr, "enter pipeline mode");
  pipelined_ = true;
  pipeline_failure_ = Status::Ok();
  return Status::Ok();
}

Status Connection::SendPrepared(const char* sql, std::span<const Oid> types,
                                std::span<const std::string> values, std::span<const char> nulls,
                                std::span<const int> formats, Due due) {
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    std::string name = "s" + std::to_string(prepared_.size() + 1);
    std::string text = ToDollarMarks(sql);
    if (!PQsendPrepare(conn_, name.c_str(), text.c_str(), static_cast<int>(types.size()),
                       types.empty() ? nullptr : types.data()))
      return ToStatus(conn_, nullptr, "prepare");
    Due prepare;
    prepare.prepared = sql;
    due_.push_back(std::move(prepare));
    it = prepared_.emplace(sql, std::move(name)).first;
  }
  send_ptrs_.clear();
  send_lengths_.clear();
  for (size_t i = 0; i < values.size(); ++i) {
    send_ptrs_.push_back(nulls[i] ? nullptr : values[i].data());
    send_lengths_.push_back(static_cast<int>(values[i].size()));
  }
  if (!PQsendQueryPrepared(conn_, it->second.c_str(), static_cast<int>(send_ptrs_.size()),
                           send_ptrs_.data(), send_lengths_.data(), formats.data(),
                           /*resultFormat=*/0))
    return ToStatus(conn_, nullptr, std::string(sql, std::min<size_t>(std::strlen(sql), 60)).c_str());
  due_.push_back(std::move(due));
  return Status::Ok();
}

PGresult* Connection::NextAnswer() {
  PGresult* first = PQgetResult(conn_);
  if (!first || PQresultStatus(first) == PGRES_PIPELINE_SYNC) return first;
  while (PGresult* more = PQgetResult(conn_)) PQclear(more);  // the NULL that ends it
  return first;
}

void Connection::Check(const Due& due, PGresult* res) {
  ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  const bool done = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
  if (due.prepared && !done) prepared_.erase(due.prepared);  // to be prepared again
  if (!pipeline_failure_.ok()) return;  // the first failure is the one to tell
  if (st == PGRES_PIPELINE_ABORTED) {
    pipeline_failure_ = Status::Internal("a statement in the pipeline was skipped");
  } else if (!done) {
    pipeline_failure_ = ToStatus(conn_, res, "a statement sent in a pipeline");
    NoteFailure(res);
  } else if (due.commit && std::strcmp(PQcmdStatus(res), "COMMIT") != 0) {
    pipeline_failure_ = Status::Internal("the transaction was rolled back at its COMMIT; retry");
  } else if (due.expect >= 0 && std::strtoll(PQcmdTuples(res), nullptr, 10) != due.expect) {
    pipeline_failure_ = due.mismatch.ok() ? Status::Internal("a statement changed no row")
                                          : due.mismatch;
  }
}

void Connection::ReadDue() {
  while (!due_.empty()) {
    Due due = std::move(due_.front());
    due_.pop_front();
    PGresult* res = NextAnswer();
    if (!res) {  // the connection gave out
      Check(due, nullptr);
      lost_ = true;
      due_.clear();
      break;
    }
    Check(due, res);
    if (due.into) *due.into = res;
    else PQclear(res);
  }
}

void Connection::Abandon(PGresult** into) {
  for (Due& due : due_)
    if (due.into == into) due.into = nullptr;
}

Status Connection::Drain() {
  if (!pipelined_ || due_.empty()) return pipeline_failure_;
  if (!PQsendFlushRequest(conn_) || PQflush(conn_) != 0) {
    pipeline_failure_ = ToStatus(conn_, nullptr, "pipeline");
    lost_ = true;
    due_.clear();
    return pipeline_failure_;
  }
  ReadDue();
  return pipeline_failure_;
}

Status Connection::EndPipeline() {
  if (!pipelined_) return Status::Ok();
  if (pipeline_failure_.ok() && !lost_) {
    Status sent = SendHeldRows(nullptr);
    if (!sent.ok()) pipeline_failure_ = sent;
  }
  held_.clear();
  bool synced = false;
  // The sync sends what waits and asks for every answer: one round trip reads
  // the answers due, then the sync's own (after a failure every statement
  // sent was skipped, and the sync ends the skipping).
  if (!lost_ && PQpipelineSync(conn_)) {
    ReadDue();
    for (int i = 0; !lost_ && i < 1 << 20; ++i) {
      PGresult* res = PQgetResult(conn_);
      if (!res) break;
      ExecStatusType st = PQresultStatus(res);
      PQclear(res);
      if (st == PGRES_PIPELINE_SYNC) {
        synced = true;
        break;
      }
    }
  }
  Status s = pipeline_failure_;
  if (!synced || !PQexitPipelineMode(conn_)) {
    lost_ = true;  // connect again before the next use
    if (s.ok()) s = ToStatus(conn_, nullptr, "end of pipeline");
  }
  pipelined_ = false;
  due_.clear();
  pipeline_failure_ = Status::Ok();
  return s;
}

Status Connection::Settle() {
  BARAZA_RETURN_IF_ERROR(SendHeldRows(nullptr));
  return Drain();
}

Status Connection::SendCommit() {
  Due due;
  due.commit = true;
  static const char* const kCommit = "COMMIT";
  return SendPrepared(kCommit, {}, {}, {}, {}, std::move(due));
}

bool Connection::TransactionIntact() {
  // In a pipeline, what failed so far (the rest is checked before COMMIT):
  // no round trip for a write refused before it wrote anything.
  if (pipelined_) return pipeline_failure_.ok();
  return PQtransactionStatus(conn_) == PQTRANS_INTRANS;
}

Status Query::Send(int64_t expect_rows, Status mismatch) {
  if (!conn_.pipelined()) {
    BARAZA_RETURN_IF_ERROR(Run());
    if (expect_rows >= 0 && Affected() != expect_rows) return mismatch;
    return Status::Ok();
  }
  ran_ = true;
  conn_.MarkChanged();
  if (expect_rows < 0 && !conn_.HoldableTable(sql_).empty()) {
    status_ = conn_.HoldRow(sql_, values_, nulls_, formats_, types_);
    return status_.ok() ? conn_.pipeline_failure_ : status_;
  }
  status_ = conn_.SendHeldRows(sql_);  // what it names is written first
  if (!status_.ok()) return status_;
  Connection::Due due;
  due.expect = expect_rows;
  due.mismatch = std::move(mismatch);
  status_ = conn_.SendPrepared(sql_, types_, values_, nulls_, formats_, std::move(due));
  if (!status_.ok()) return status_;
  if (conn_.due_.size() >= kMaxDue) status_ = conn_.Drain();
  return status_.ok() ? conn_.pipeline_failure_ : status_;
}

}  // namespace baraza::pg

#include "storage/sql_record.h"

#include <algorithm>
#include <map>
#include <mutex>

#include "storage/pg_connection.h"
#include "storage/sql_rows.h"
#include "storage/sqlite_connection.h"

namespace baraza::sql {

using projection::Change;
using projection::Row;
using projection::StateSum;
using projection::Table;
using projection::TableSpec;

const TableSql& SqlOf(Table table) {
  static const std::map<Table, TableSql> kSql = [] {
    std::map<Table, TableSql> out;
    for (const TableSpec& t : projection::Tables()) {
      std::string cols, marks, key;
      for (size_t i = 0; i < t.columns.size(); ++i) {
        cols += (i ? ", " : "") + std::string(t.columns[i]);
        marks += i ? ",?" : "?";
        if (i < t.key_columns) key += (i ? " AND " : "") + std::string(t.columns[i]) + " = ?";
      }
      TableSql s;
      s.select_all = "SELECT " + cols + " FROM " + t.name;
      s.select_key = s.select_all + " WHERE " + key;
      s.insert = "INSERT INTO " + std::string(t.name) + "(" + cols + ") VALUES(" + marks + ")";
      s.next_id = "SELECT COALESCE(MAX(" + std::string(t.columns[0]) + "), 0) + 1 FROM " + t.name;
      s.delete_key = "DELETE FROM " + std::string(t.name) + " WHERE " + key;
      out[t.table] = std::move(s);
    }
    return out;
  }();
  return kSql.at(table);
}

// Calls fn for every row of a table.
template <class C>
Status ScanTable(C& c, const TableSpec& t, const std::function<void(Row&)>& fn) {
  typename C::Query q(c, SqlOf(t.table).select_all.c_str());
  while (q.Next()) {
    Row row = ReadCells(q, t.columns.size());
    fn(row);
  }
  return q.status();
}

namespace {

std::string Where(const chain::StoredEvent& e) {
  return "event " + std::to_string(e.log_seq) + " of the log (case " +
         std::to_string(e.event.case_id) + ", event " + std::to_string(e.event.seq) + ")";
}

}  // namespace

std::optional<std::string> Replay::Apply(const chain::StoredEvent& e) {
  if (e.changes.empty()) return std::nullopt;
  auto decoded = projection::Decode(e.changes);
  if (!decoded.ok()) return Where(e) + ": " + decoded.status().message();
  for (Change& ch : decoded->changes) {
    // A row of a case is recorded only with an event of that case, and the
    // registry's events (case 0) hold rows of no case: an event appended to
    // another history cannot rewrite a case's state.
    if (Id owner = projection::CaseOf(ch.table, ch.row);
        owner != e.event.case_id && !(owner == 0 && projection::Spec(ch.table).case_column < 0))
      return Where(e) + ": it records " + projection::Describe(ch.table, ch.row) +
             ", which belongs to " + (owner ? "case " + std::to_string(owner) : "no case");
    std::string key = projection::KeyOf(ch.table, ch.row);
    auto it = expected_.find(key);
    if (it != expected_.end()) sum_.Subtract(it->second.digest);
    if (ch.deleted) {
      if (it != expected_.end()) expected_.erase(it);
      continue;
    }
    std::string digest = projection::DigestOf(ch.table, ch.row);
    sum_.Add(digest);
    if (!keep_rows_) ch.row.resize(projection::Spec(ch.table).key_columns);
    expected_[key] = {std::move(digest), std::move(ch.row), ch.table};
  }
  if (!(decoded->sum == sum_))
    return Where(e) + ": the state sum it records does not follow from the changes before it";
  return std::nullopt;
}

// Walks the events in log order through the chain verifier and the replay.
template <class C>
Status WalkHistory(C& c, chain::Verifier& verifier, Replay& replay,
                   std::vector<std::string>& problems,
                   const std::function<void(int64_t)>& progress) {
  static const std::string sql = std::string(kEventColumns) + "ORDER BY log_seq";
  typename C::Query q(c, sql.c_str());
  int64_t n = 0;
  while (q.Next()) {
    chain::StoredEvent row = ReadStoredEvent(q);
    verifier.Add(row);
    if (auto problem = replay.Apply(row)) problems.push_back(*problem);
    if (progress && ++n % 100000 == 0) progress(n);
  }
  return q.status();
}

template <class C>
Result<std::optional<Row>> ReadRow(C& c, Table table, const Row& key) {
  const TableSpec& t = projection::Spec(table);
  typename C::Query q(c, SqlOf(table).select_key.c_str());
  for (size_t i = 0; i < t.key_columns; ++i) q.Bind(key[i]);
  if (!q.Next()) {
    BARAZA_RETURN_IF_ERROR(q.status());
    return std::optional<Row>();
  }
  return std::optional<Row>(ReadCells(q, t.columns.size()));
}

template <class C>
Status InsertRow(C& c, Table table, const Row& row) {
  typename C::Query q(c, SqlOf(table).insert.c_str());
  for (size_t i = 0; i < row.size(); ++i) {
    // The case body is binary (bytea in PostgreSQL); every other text column is text.
    if (table == Table::kCases && i == kCaseBodyColumn) q.BindBlob(std::get<std::string>(row[i]));
    else q.Bind(row[i]);
  }
  return q.Send();
}

template <class C>
Status DeleteRow(C& c, Table table, const Row& key) {
  const TableSpec& t = projection::Spec(table);
  typename C::Query q(c, SqlOf(table).delete_key.c_str());
  for (size_t i = 0; i < t.key_columns; ++i) q.Bind(key[i]);
  return q.Send();
}

template <class C>
Result<Id> NextRowId(C& c, Table table) {
  typename C::Query q(c, SqlOf(table).next_id.c_str());
  if (!q.Next()) return q.status().ok() ? Status::Internal("no next id") : q.status();
  return q.Int(0);
}

template <class C>
Result<std::vector<Row>> SelectRows(C& c, Table table, const char* where,
                                    const Row& args) {
  // Each `where` is a string literal: its address names the statement in the cache.
  static std::mutex mu;
  static std::map<const char*, std::map<Table, std::string>> sql;
  const std::string* text;
  {
    std::lock_guard lock(mu);
    auto& s = sql[where][table];
    if (s.empty()) s = SqlOf(table).select_all + " WHERE " + where;
    text = &s;
  }
  typename C::Query q(c, text->c_str());
  for (const auto& a : args) q.Bind(a);
  std::vector<Row> out;
  size_t n = projection::Spec(table).columns.size();
  while (q.Next()) out.push_back(ReadCells(q, n));
  BARAZA_RETURN_IF_ERROR(q.status());
  return out;
}

template <class C>
Result<StateSum> RecordedSum(C& c) {
  typename C::Query q(c, "SELECT changes FROM events WHERE length(changes) > 0 ORDER BY log_seq DESC LIMIT 1");
  if (!q.Next()) {
    BARAZA_RETURN_IF_ERROR(q.status());
    return StateSum();
  }
  BARAZA_ASSIGN_OR_RETURN(projection::Decoded d, projection::Decode(q.Blob(0)));
  return d.sum;
}

template <class C>
Result<RecordAudit> AuditRecord(C& c, std::optional<chain::Head> kept,
                                const std::function<void(int64_t)>& progress) {
  RecordAudit out;
  chain::Verifier verifier(kept);
  Replay replay(/*keep_rows=*/false);
  std::vector<std::string> problems;
  BARAZA_RETURN_IF_ERROR(WalkHistory(c, verifier, replay, problems, progress));
  verifier.Finish();
  out.head = verifier.head();
  out.first_break = verifier.first_break();
  auto note = [&](std::string what) {
    if (out.mismatches.size() < RecordAudit::kMaxListed) out.mismatches.push_back(std::move(what));
    ++out.mismatch_count;
  };
  for (auto& p : problems) note(std::move(p));
  auto& expected = replay.expected();
  for (const TableSpec& t : projection::Tables()) {
    BARAZA_RETURN_IF_ERROR(ScanTable(c, t, [&](Row& row) {
      auto it = expected.find(projection::KeyOf(t.table, row));
      if (it == expected.end()) {
        note(projection::Describe(t.table, row) +
             ": the row is not in the history (added behind the server's back)");
        return;
      }
      if (it->second.digest != projection::DigestOf(t.table, row))
        note(projection::Describe(t.table, row) +
             ": the row differs from what the history recorded (edited behind the server's back)");
      expected.erase(it);
    }));
  }
  // What is left was recorded but is no longer in its table.
  std::vector<const Replay::Expected*> missing;
  for (const auto& [key, e] : expected) missing.push_back(&e);
  std::sort(missing.begin(), missing.end(), [](const auto* a, const auto* b) {
    return std::tie(a->table, a->row) < std::tie(b->table, b->row);
  });
  for (const auto* e : missing)
    note(projection::Describe(e->table, e->row) +
         ": the history recorded the row but it is missing (deleted behind the server's back)");
  return out;
}

template <class C>
Status CheckOnStart(C& c, int events) {
  // The chain's tail: the last events link to each other and to their cases.
  std::vector<chain::StoredEvent> tail;
  {
    static const std::string sql = std::string(kEventColumns) + "ORDER BY log_seq DESC LIMIT ?";
    typename C::Query q(c, sql.c_str());
    q.Bind(static_cast<int64_t>(events) + 1);
    while (q.Next()) tail.push_back(ReadStoredEvent(q));
    BARAZA_RETURN_IF_ERROR(q.status());
  }
  std::reverse(tail.begin(), tail.end());
  auto broken = [](const std::string& what) {
    return Status::DataLoss("the history does not verify: " + what +
                            ". barazad will not serve or append to a broken record; run "
                            "`barazad audit verify` on the database to see the first break, "
                            "and restore the last backup whose head you kept");
  };
  for (size_t i = 0; i < tail.size(); ++i) {
    const auto& e = tail[i];
    if (i > 0) {
      const auto& before = tail[i - 1];
      if (e.log_seq != before.log_seq + 1)
        return broken(Where(e) + ": the log jumps from event " + std::to_string(before.log_seq));
      if (chain::LogLink(before.log_hash, e.hash) != e.log_hash)
        return broken(Where(e) + ": the log chain breaks here");
    }
    std::string previous;
    if (e.event.seq > 1) {
      typename C::Query q(c, "SELECT hash FROM events WHERE case_id = ? AND seq = ?");
      q.Bind(e.event.case_id).Bind(e.event.seq - 1);
      if (!q.Next()) {
        BARAZA_RETURN_IF_ERROR(q.status());
        return broken(Where(e) + ": the event before it in its case is missing");
      }
      previous = q.Text(0);
    }
    if (chain::CaseLink(previous, e.event, e.details_json, e.changes) != e.hash)
      return broken(Where(e) + ": its content does not match its hash; it was edited");
  }
  if (!tail.empty()) {
    typename C::Query q(c, "SELECT COUNT(*) FROM events");
    if (q.Next() && q.Int(0) != tail.back().log_seq)
      return broken("the log holds " + std::to_string(q.Int(0)) +
                    " events but its last is number " + std::to_string(tail.back().log_seq));
    BARAZA_RETURN_IF_ERROR(q.status());
  }
  // The state: the tables add up to the sum the last write recorded.
  BARAZA_ASSIGN_OR_RETURN(StateSum recorded, RecordedSum(c));
  BARAZA_ASSIGN_OR_RETURN(StateSum stored, SumOfTables(c));
  if (recorded == stored) return Status::Ok();
  BARAZA_ASSIGN_OR_RETURN(RecordAudit audit, AuditRecord(c, std::nullopt));
  std::string where = audit.first_break ? *audit.first_break : std::string();
  for (const auto& m : audit.mismatches) where += (where.empty() ? "" : "; ") + m;
  if (audit.mismatch_count > static_cast<int64_t>(audit.mismatches.size()))
    where += "; and " + std::to_string(audit.mismatch_count - audit.mismatches.size()) + " more";
  return Status::DataLoss(
      "the stored state does not match the history (" +
      (where.empty() ? std::string("the tables' sum differs from the one recorded") : where) +
      "). barazad will not act on an edited record; see `barazad audit verify`, then "
      "`barazad rebuild` recomputes the tables from the history");
}

// --- PostgreSQL's own ---------------------------------------------------------

Result<StateSum> SumOfTables(pg::Connection& c) {
  StateSum sum;
  for (const TableSpec& t : projection::Tables()) {
    pg::Query q(c, SqlOf(t.table).select_all.c_str());
    while (q.Next()) sum.Add(projection::DigestOf(t.table, ReadCells(q, t.columns.size())));
    BARAZA_RETURN_IF_ERROR(q.status());
  }
  return sum;
}

#define BARAZA_SQL_RECORD(C)                                                           \
  template Result<std::optional<Row>> ReadRow(C&, Table, const Row&);                  \
  template Status InsertRow(C&, Table, const Row&);                                    \
  template Status DeleteRow(C&, Table, const Row&);                                    \
  template Result<Id> NextRowId(C&, Table);                                            \
  template Result<std::vector<Row>> SelectRows(C&, Table, const char*, const Row&);    \
  template Result<StateSum> RecordedSum(C&);                                           \
  template Result<RecordAudit> AuditRecord(C&, std::optional<chain::Head>,             \
                                           const std::function<void(int64_t)>&);       \
  template Status CheckOnStart(C&, int);                                               \
  template Status ScanTable(C&, const TableSpec&, const std::function<void(Row&)>&);   \
  template Status WalkHistory(C&, chain::Verifier&, Replay&, std::vector<std::string>&, \
                              const std::function<void(int64_t)>&);
BARAZA_SQL_RECORD(sqlite::Connection)
BARAZA_SQL_RECORD(pg::Connection)

}  // namespace baraza::sql

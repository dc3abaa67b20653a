// SqlTx's request keys (storage/sql_write_tx.h): a batch's keys looked up
// together, FindRequest answered from them and from the keys written since.
#include <algorithm>
#include <memory>

#include "storage/pg_connection.h"
#include "storage/sql_record.h"
#include "storage/sql_rows.h"
#include "storage/sql_write_tx.h"
#include "storage/sqlite_connection.h"

namespace baraza::sql {

using projection::Row;
using projection::Table;

namespace {

constexpr const char* kRequestColumns =
    "SELECT actor, request_id, fingerprint, object_id, response, created_at FROM requests ";

StoredRequest ReadRequest(auto& q) {
  return StoredRequest{q.Text(0), q.Text(1), q.Text(2), q.Int(3), q.Text(4), q.Int(5)};
}

// The look-up of n request ids of one actor at once:
// "... WHERE actor = ? AND request_id IN (?,...)", one index scan over the whole
// key (0.1 ms for 64 keys in PostgreSQL, where "(actor, request_id) IN
// ((?,?),...)" is 64 index scans OR'ed, 0.7 ms).
const char* RequestsIn(size_t n) {
  static const std::map<size_t, std::string> kSql = [] {
    std::map<size_t, std::string> out;
    for (size_t chunk : detail::kInListSizes) {
      std::string sql = std::string(kRequestColumns) + "WHERE actor = ? AND request_id IN (";
      for (size_t i = 0; i < chunk; ++i) sql += i ? ",?" : "?";
      out[chunk] = sql + ")";
    }
    return out;
  }();
  return kSql.at(n).c_str();
}

// Look-ups sent together before their answers are read (one round trip in
// PostgreSQL's pipeline), at most this many at once; one at a time without a
// pipeline (SQLite shares one statement among queries of the same text).
constexpr size_t kStartedTogether = 16;

}  // namespace

template <class C>
Status SqlTx<C>::LookUpRequests(const std::vector<CaseStore::RequestRef>& keys) {
  std::map<std::string, std::vector<std::string>> wanted;  // request ids by actor
  for (const auto& k : keys)
    if (requests_.emplace(std::make_pair(k.actor, k.request_id), std::nullopt).second)
      wanted[k.actor].push_back(k.request_id);
  struct Chunk {
    const std::string* actor;
    const std::string* ids;  // the first of n
    size_t n;
  };
  std::vector<Chunk> chunks;
  for (const auto& [actor, ids] : wanted)
    for (size_t first = 0; first < ids.size();) {
      const size_t n = detail::InListSize(ids.size() - first);
      chunks.push_back({&actor, &ids[first], n});
      first += n;
    }
  const size_t together = c_.pipelined() ? kStartedTogether : 1;
  for (size_t first = 0; first < chunks.size(); first += together) {
    std::vector<std::unique_ptr<Query>> started;
    for (size_t i = first; i < std::min(chunks.size(), first + together); ++i) {
      auto& q = *started.emplace_back(std::make_unique<Query>(c_, RequestsIn(chunks[i].n)));
      q.Bind(*chunks[i].actor);
      for (size_t j = 0; j < chunks[i].n; ++j) q.Bind(chunks[i].ids[j]);
      q.Start();
    }
    for (auto& q : started) {
      while (q->Next()) {
        StoredRequest r = ReadRequest(*q);
        requests_[{r.actor, r.request_id}] = std::move(r);
      }
      if (!q->status().ok()) {
        requests_.clear();
        return q->status();
      }
    }
  }
  return Status::Ok();
}

template <class C>
Result<std::optional<StoredRequest>> SqlTx<C>::FindRequest(const std::string& actor,
                                                       const std::string& request_id) {
  auto known = requests_.find({actor, request_id});
  if (known == requests_.end()) {  // a write whose key its batch did not name
    BARAZA_RETURN_IF_ERROR(LookUpRequests({CaseStore::RequestRef{actor, request_id}}));
    known = requests_.find({actor, request_id});
  }
  return known->second;
}

template <class C>
Status SqlTx<C>::InsertRequest(const StoredRequest& r) {
  Row row = projection::RequestRow(r);
  BARAZA_RETURN_IF_ERROR(InsertRow(c_, Table::kRequests, row));
  recorder_.Put(Table::kRequests, std::move(row));
  requests_[{r.actor, r.request_id}] = r;
  Touch(r.created_at);
  return Status::Ok();
}

#define BARAZA_SQL_TX_REQUESTS(C)                                                          \
  template Status SqlTx<C>::LookUpRequests(const std::vector<CaseStore::RequestRef>&);    \
  template Result<std::optional<StoredRequest>> SqlTx<C>::FindRequest(const std::string&, \
                                                                     const std::string&); \
  template Status SqlTx<C>::InsertRequest(const StoredRequest&);
BARAZA_SQL_TX_REQUESTS(sqlite::Connection)
BARAZA_SQL_TX_REQUESTS(pg::Connection)

}  // namespace baraza::sql

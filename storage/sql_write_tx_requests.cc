// SqlTx's request keys (storage/sql_write_tx.h): a batch's keys looked up
// together, FindRequest answered from them and from the keys written since.
#include "storage/pg_connection.h"
#include "storage/sql_record.h"
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

// The look-up of n request keys at once: "... WHERE (actor, request_id) IN ((?,?),...)".
constexpr size_t kKeyChunks[] = {64, 16, 4, 1};
const char* RequestsIn(size_t n) {
  static const std::map<size_t, std::string> kSql = [] {
    std::map<size_t, std::string> out;
    for (size_t chunk : kKeyChunks) {
      std::string sql = std::string(kRequestColumns) + "WHERE (actor, request_id) IN (";
      for (size_t i = 0; i < chunk; ++i) sql += i ? ",(?,?)" : "(?,?)";
      out[chunk] = sql + ")";
    }
    return out;
  }();
  return kSql.at(n).c_str();
}

}  // namespace

template <class C>
Status SqlTx<C>::LookUpRequests(const std::vector<CaseStore::RequestRef>& keys) {
  std::vector<std::pair<std::string, std::string>> wanted;
  for (const auto& k : keys)
    if (requests_.emplace(std::make_pair(k.actor, k.request_id), std::nullopt).second)
      wanted.emplace_back(k.actor, k.request_id);
  for (size_t first = 0; first < wanted.size();) {
    size_t n = 1;
    for (size_t chunk : kKeyChunks)
      if (chunk <= wanted.size() - first) {
        n = chunk;
        break;
      }
    Query q(c_, RequestsIn(n));
    for (size_t i = first; i < first + n; ++i) q.Bind(wanted[i].first).Bind(wanted[i].second);
    while (q.Next()) {
      StoredRequest r = ReadRequest(q);
      requests_[{r.actor, r.request_id}] = std::move(r);
    }
    if (!q.status().ok()) {
      requests_.clear();
      return q.status();
    }
    first += n;
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

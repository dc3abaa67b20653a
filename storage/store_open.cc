#include "storage/store_open.h"

#include "storage/pg_case_store.h"
#include "storage/sqlite_case_store.h"

namespace baraza {

bool IsPostgres(const std::string& location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

Result<OpenedStore> OpenStore(const StoreOpenOptions& options) {
  OpenedStore out;
  if (IsPostgres(options.location)) {
    PgCaseStore::Options o;
    o.conninfo = options.location;
    o.data_key_file = options.data_key_file;
    o.data_key_trusted = options.data_key_trusted;
    o.without_data_key = options.without_data_key;
    o.observer = options.observer;
    if (options.serving) o.statistics_every = std::chrono::seconds(2);
    BARAZA_ASSIGN_OR_RETURN(std::unique_ptr<PgCaseStore> store, PgCaseStore::Open(o));
    PgCaseStore* s = store.get();
    out.audit = [s](std::optional<chain::Head> kept, const std::function<void(int64_t)>& p) {
      return s->AuditHistory(kept, p);
    };
    out.check_on_start = [s] { return s->CheckOnStart(); };
    out.ping = [s] { return s->Ping(); };
    out.watch_other_writers = [s](std::function<void(const std::vector<Notice>&)> fn) {
      s->WatchOtherWriters(std::move(fn));
    };
    out.store = std::move(store);
    return out;
  }
  SqliteCaseStore::Options o;
  o.path = options.location;
  o.data_key_file = options.data_key_file;
  o.data_key_trusted = options.data_key_trusted;
  o.without_data_key = options.without_data_key;
  o.observer = options.observer;
  BARAZA_ASSIGN_OR_RETURN(std::unique_ptr<SqliteCaseStore> store, SqliteCaseStore::Open(o));
  SqliteCaseStore* s = store.get();
  out.audit = [s](std::optional<chain::Head> kept, const std::function<void(int64_t)>& p) {
    return s->AuditHistory(kept, p);
  };
  out.check_on_start = [s] { return s->CheckOnStart(); };
  out.store = std::move(store);
  return out;
}

}  // namespace baraza

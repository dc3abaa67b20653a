// Opening the store a command line names: an SQLite file (--db) or a
// PostgreSQL database (--store postgresql://...), with what barazad and its
// operator commands need beyond CaseStore: the audit and the start-up check.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "storage/case_store.h"
#include "storage/event_chain.h"
#include "storage/sqlite_record.h"
#include "storage/store_observer.h"

namespace baraza {

// Whether `location` names a PostgreSQL database (postgresql:// or postgres://).
bool IsPostgres(const std::string& location);

struct StoreOpenOptions {
  std::string location;       // a file path, or a postgresql:// URI
  std::string data_key_file;  // empty: the SQLite file's path + ".key"
  bool data_key_trusted = false;
  bool without_data_key = false;
  WriterObserver* observer = nullptr;  // the writer's batches and commits (metrics); SQLite only
  // barazad serving (not an operator command): on PostgreSQL, the store also
  // keeps its tables' planner statistics current (storage/pg_statistics.h).
  bool serving = false;
};

struct OpenedStore {
  std::unique_ptr<CaseStore> store;
  // The full audit (`barazad audit verify`) and the start-up check.
  std::function<Result<sqlite::RecordAudit>(std::optional<chain::Head>,
                                            const std::function<void(int64_t)>&)>
      audit;
  std::function<Status()> check_on_start;
  // PostgreSQL only (null for SQLite): PgCaseStore::Ping and WatchOtherWriters.
  std::function<Status()> ping;
  std::function<void(std::function<void(const std::vector<Notice>&)>)> watch_other_writers;
};

Result<OpenedStore> OpenStore(const StoreOpenOptions& options);

}  // namespace baraza

// Online backup and restore of barazad's SQLite database: a consistent copy of a
// serving database, verified (hash chain and state) before it gets its name.
// Used by `barazad backup|restore` and the periodic backup; thread-compatible.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "services/workflow/status.h"
#include "storage/event_chain.h"

namespace baraza {

struct CopyOptions {
  // Pages copied per step of SQLite's backup (4 KiB each): the size of one
  // chunk between progress reports and checks of `cancelled`.
  int pages_per_step = 1024;
  // After each step: pages copied so far, and the source's pages in all.
  std::function<void(int64_t copied, int64_t total)> on_copy;
  // While verifying the copy, every 100,000 events.
  std::function<void(int64_t events)> on_verify;
  // Asked between steps; true stops the copy (ABORTED), leaving nothing.
  std::function<bool()> cancelled;
  // A head kept earlier (`barazad audit head`): the copy must contain it.
  std::optional<chain::Head> kept;
};

// What a finished copy holds.
struct CopyInfo {
  chain::Head head;    // where the copy's history ends
  int64_t bytes = 0;   // its size on disk
};

// Copies the database at `db` (barazad may be serving it) into a new file
// `out`, mode 0600: one read snapshot copied in steps into a temporary file
// beside `out`, synced, its hash chain and state verified, then renamed to
// `out` and the folder synced. The database must be of this barazad's schema.
// An existing `out` is never replaced (ALREADY_EXISTS). On any failure nothing
// is left at `out` nor beside it.
Result<CopyInfo> BackupDatabase(const std::string& db, const std::string& out,
                                const CopyOptions& options = {});

// Puts the backup `from` in place as the database `db`, the same way (temporary
// file, verified, synced, renamed); a backup made by an older barazad is
// migrated first, as barazad would on opening it. Refuses (ALREADY_EXISTS) when
// `db` or its -wal, -shm or -journal exists: a restore never overwrites a
// database, and a stale WAL or journal would be replayed into the restored one.
Result<CopyInfo> RestoreDatabase(const std::string& from, const std::string& db,
                                 const CopyOptions& options = {});

}  // namespace baraza

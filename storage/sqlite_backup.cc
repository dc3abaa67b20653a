#include "storage/sqlite_backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <thread>
#include <vector>

#include "storage/sqlite_case_store.h"
#include "storage/sqlite_connection.h"
#include "storage/sqlite_record.h"
#include "storage/sqlite_schema.h"

namespace baraza {
namespace {

Status ErrnoStatus(const std::string& what, int err) {
  std::string m = what + ": " + std::strerror(err);
  if (err == ENOSPC || err == EDQUOT || err == EFBIG)
    return Status::Unavailable(m + " (free space on that disk, or write the copy elsewhere)");
  return Status::Unavailable(m);
}

bool Exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

std::string FolderOf(const std::string& path) {
  auto dir = std::filesystem::path(path).parent_path();
  return dir.empty() ? std::string(".") : dir.string();
}

// SQLite's side files of a database file; a copy in the making may have any of them.
constexpr const char* kSideFiles[] = {"-journal", "-wal", "-shm"};

// A file beside the destination, mode 0600, created with O_EXCL; removed (with
// any side file SQLite made for it) unless published.
class TempFile {
 public:
  TempFile() = default;
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (path_.empty()) return;
    ::unlink(path_.c_str());
    for (const char* side : kSideFiles) ::unlink((path_ + side).c_str());
  }

  Status Create(const std::string& dest) {
    std::string name = dest + ".partial-XXXXXX";
    std::vector<char> buf(name.begin(), name.end());
    buf.push_back('\0');
    // mkostemp opens with O_CREAT | O_EXCL and mode 0600.
    int fd = ::mkostemp(buf.data(), O_CLOEXEC);
    if (fd < 0) return ErrnoStatus("cannot create a file in " + FolderOf(dest), errno);
    path_ = buf.data();
    // Closed at once: SQLite opens the file itself, and closing another
    // descriptor of a file would drop SQLite's POSIX locks on it.
    if (::fchmod(fd, 0600) != 0 || ::close(fd) != 0) return ErrnoStatus("cannot write " + path_, errno);
    return Status::Ok();
  }

  const std::string& path() const { return path_; }

  // Flushes the file's contents to the disk.
  Status Sync() {
    int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus("cannot sync " + path_, errno);
    int rc = ::fsync(fd);
    int err = errno;
    ::close(fd);
    if (rc != 0) return ErrnoStatus("cannot sync " + path_, err);
    return Status::Ok();
  }

  // Gives the file the name `dest`, never replacing an existing one (the check
  // and the rename are one step), then syncs the folder so the name survives a crash.
  Status Publish(const std::string& dest) {
    int rc = ::renameat2(AT_FDCWD, path_.c_str(), AT_FDCWD, dest.c_str(), RENAME_NOREPLACE);
    if (rc != 0 && (errno == EINVAL || errno == ENOSYS)) {
      // A file system without RENAME_NOREPLACE: link() fails on an existing name too.
      rc = ::link(path_.c_str(), dest.c_str());
      if (rc == 0) ::unlink(path_.c_str());
    }
    if (rc != 0) {
      if (errno == EEXIST)
        return Status::AlreadyExists(dest + " appeared while the copy was made; it was left as it is");
      return ErrnoStatus("cannot name the copy " + dest, errno);
    }
    path_.clear();
    std::string dir = FolderOf(dest);
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    rc = fd < 0 ? -1 : ::fsync(fd);
    int err = errno;
    if (fd >= 0) ::close(fd);
    if (rc != 0) {
      // The copy is complete and verified but its name may not survive a crash:
      // take it back rather than leave a file the caller is told failed.
      ::unlink(dest.c_str());
      return ErrnoStatus("cannot sync the folder " + dir, err);
    }
    return Status::Ok();
  }

 private:
  std::string path_;
};

// One SQLite handle, closed when it goes out of scope.
struct Handle {
  sqlite3* db = nullptr;
  Handle() = default;
  Handle(const Handle&) = delete;
  ~Handle() {
    if (db) sqlite3_close_v2(db);
  }
  Status Open(const std::string& path, int flags, const std::string& what) {
    int rc = sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) return sqlite::ToStatus(rc, db, what.c_str());
    sqlite3_busy_timeout(db, 5000);
    return Status::Ok();
  }
  Status Exec(const char* sql) {
    int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
    return rc == SQLITE_OK ? Status::Ok() : sqlite::ToStatus(rc, db, sql);
  }
  Status Close() {
    int rc = sqlite3_close(db);
    if (rc != SQLITE_OK) return sqlite::ToStatus(rc, db, "closing the copy");
    db = nullptr;
    return Status::Ok();
  }
};

// Copies the pages of `from` into the empty file `to`.
//
// Why SQLite's online backup API and not VACUUM INTO: both read one snapshot,
// and in WAL mode neither blocks barazad's writer (a reader never does); but
// VACUUM INTO is one statement, with no progress to report and no point to
// stop at, while the backup API copies in steps. Its known weakness, starting
// over whenever another connection writes between two steps, is avoided by
// holding one read transaction on the source across every step: each step then
// reads the same snapshot, and the writer's commits go to the WAL meanwhile
// (the checkpoints, all PASSIVE, copy up to the snapshot and no further, so
// the WAL grows for the length of the copy and shrinks after).
Status CopyPages(const std::string& from, const std::string& to, const CopyOptions& o) {
  Handle src, dst;
  // Read-write (a write-protected file still opens, read-only) but never
  // writing: when barazad is not running, the last connection to close removes
  // the -wal and -shm files that reading a WAL database makes.
  BARAZA_RETURN_IF_ERROR(src.Open(from, SQLITE_OPEN_READWRITE, "cannot open " + from));
  BARAZA_RETURN_IF_ERROR(src.Exec("PRAGMA query_only=1"));
  BARAZA_RETURN_IF_ERROR(src.Exec("BEGIN"));
  BARAZA_RETURN_IF_ERROR(src.Exec("SELECT COUNT(*) FROM sqlite_schema"));  // the snapshot starts here
  BARAZA_RETURN_IF_ERROR(dst.Open(to, SQLITE_OPEN_READWRITE, "cannot open the copy " + to));
  // The copy is a new file, removed if anything fails: nothing to roll back,
  // and one fsync of the whole file at the end.
  BARAZA_RETURN_IF_ERROR(dst.Exec("PRAGMA journal_mode=OFF"));
  BARAZA_RETURN_IF_ERROR(dst.Exec("PRAGMA synchronous=OFF"));
  sqlite3_backup* backup = sqlite3_backup_init(dst.db, "main", src.db, "main");
  if (!backup) return sqlite::ToStatus(sqlite3_errcode(dst.db), dst.db, "starting the copy");
  constexpr int kMaxBusyRetries = 500;  // 10 ms each: 5 s of a source locked for recovery
  int rc = SQLITE_OK, busy = 0;
  bool cancelled = false;
  // Bounded: the snapshot does not grow, so each step brings the end nearer,
  // and a busy source is waited for kMaxBusyRetries times at most.
  while (true) {
    rc = sqlite3_backup_step(backup, o.pages_per_step);
    if (rc == SQLITE_OK || rc == SQLITE_DONE) {
      int total = sqlite3_backup_pagecount(backup);
      if (o.on_copy) o.on_copy(total - sqlite3_backup_remaining(backup), total);
      if (rc == SQLITE_DONE) break;
      if (o.cancelled && o.cancelled()) {
        cancelled = true;
        break;
      }
      continue;
    }
    if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && ++busy < kMaxBusyRetries) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    break;
  }
  int finished = sqlite3_backup_finish(backup);
  if (cancelled) return Status::Aborted("the copy was stopped before it was complete");
  if (rc != SQLITE_DONE) return sqlite::ToStatus(rc, dst.db, "copying the database");
  if (finished != SQLITE_OK) return sqlite::ToStatus(finished, dst.db, "copying the database");
  src.Exec("COMMIT");  // ends the read; the copy is complete either way
  // The copy holds the source's WAL flag; a copy in rollback mode is one
  // self-contained file that can be read where it lies (read-only media too)
  // without SQLite making -wal and -shm files beside it. barazad turns WAL on
  // again when it opens a restored database.
  BARAZA_RETURN_IF_ERROR(dst.Exec("PRAGMA journal_mode=DELETE"));
  return dst.Close();
}

Result<int64_t> SchemaOf(sqlite::Connection& c) {
  sqlite::Query q(c, "PRAGMA user_version");
  if (!q.Next()) return q.status().ok() ? Status::Internal("no user_version") : q.status();
  return q.Int(0);
}

// Brings a copy made by an older barazad to this one's schema, as barazad does
// when it opens a database (an old history's state gets sealed into it).
Status MigrateCopy(const std::string& path) {
  BARAZA_ASSIGN_OR_RETURN(auto conn, sqlite::Connection::Open(path, /*writer=*/true));
  BARAZA_RETURN_IF_ERROR(sqlite::Migrate(*conn, SqliteCaseStore::kSchemaVersion));
  return conn->Exec("PRAGMA journal_mode=DELETE");  // one self-contained file again
}

// The copy's hash chain and state, as `barazad audit verify` checks them;
// a copy of an older schema is first migrated when `migrate`.
Result<chain::Head> Verify(const std::string& path, bool migrate, const CopyOptions& o) {
  constexpr int64_t kNewest = SqliteCaseStore::kSchemaVersion;
  int64_t schema = 0;
  {
    BARAZA_ASSIGN_OR_RETURN(auto conn, sqlite::Connection::Open(path, /*writer=*/false));
    BARAZA_ASSIGN_OR_RETURN(schema, SchemaOf(*conn));
  }
  if (schema < 1) return Status::FailedPrecondition("it is not a barazad database (no schema)");
  if (schema > kNewest)
    return Status::FailedPrecondition("the database is of schema " + std::to_string(schema) +
                                      ", newer than the " + std::to_string(kNewest) +
                                      " this barazad knows; use the barazad that wrote it");
  if (schema < kNewest && !migrate)
    return Status::FailedPrecondition(
        "the database is of schema " + std::to_string(schema) + ", older than the " +
        std::to_string(kNewest) + " this barazad verifies; start barazad on it once (it "
        "migrates the database) or use the barazad that wrote it");
  if (schema < kNewest) BARAZA_RETURN_IF_ERROR(MigrateCopy(path));
  BARAZA_ASSIGN_OR_RETURN(auto conn, sqlite::Connection::Open(path, /*writer=*/false));
  BARAZA_ASSIGN_OR_RETURN(sqlite::RecordAudit audit, sql::AuditRecord(*conn, o.kept, o.on_verify));
  if (!audit.ok()) {
    std::string what = audit.first_break ? *audit.first_break : audit.mismatches.front();
    if (audit.mismatch_count > 1 || (audit.first_break && audit.mismatch_count > 0))
      what += " (and more; `barazad audit verify` lists them)";
    return Status::DataLoss("the copy does not verify: " + what);
  }
  return audit.head;
}

Result<CopyInfo> CopyVerified(const std::string& from, const std::string& to,
                              const std::vector<std::string>& refused, bool migrate,
                              const CopyOptions& o) {
  if (!Exists(from)) return Status::NotFound("no database at " + from);
  for (const auto& suffix : refused) {
    if (Exists(to + suffix))
      return Status::AlreadyExists(to + suffix + " exists; it is never overwritten (move it away, "
                                   "or name another file)");
  }
  TempFile tmp;
  BARAZA_RETURN_IF_ERROR(tmp.Create(to));
  auto in_copy = [&](const Status& s) {
    return Status(s.code(), "while copying " + from + " to " + to + ": " + s.message());
  };
  if (Status s = CopyPages(from, tmp.path(), o); !s.ok()) return in_copy(s);
  auto head = Verify(tmp.path(), migrate, o);
  if (!head.ok()) return in_copy(head.status());
  if (Status s = tmp.Sync(); !s.ok()) return in_copy(s);
  struct stat st {};
  if (::stat(tmp.path().c_str(), &st) != 0) return in_copy(ErrnoStatus("cannot read " + tmp.path(), errno));
  BARAZA_RETURN_IF_ERROR(tmp.Publish(to));
  return CopyInfo{*head, static_cast<int64_t>(st.st_size)};
}

}  // namespace

Result<CopyInfo> BackupDatabase(const std::string& db, const std::string& out,
                                const CopyOptions& options) {
  return CopyVerified(db, out, {""}, /*migrate=*/false, options);
}

Result<CopyInfo> RestoreDatabase(const std::string& from, const std::string& db,
                                 const CopyOptions& options) {
  return CopyVerified(from, db, {"", "-wal", "-shm", "-journal"}, /*migrate=*/true, options);
}

}  // namespace baraza

#include "storage/sqlite_connection.h"

namespace baraza::sqlite {

Status ToStatus(int rc, sqlite3* db, const char* what) {
  std::string detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string msg = std::string(what) + ": " + detail;
  switch (rc & 0xff) {
    case SQLITE_FULL:
      return Status::Unavailable("the disk holding the database is full; free space and retry (" +
                                 msg + ")");
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
      return Status::Unavailable("the database cannot be written (" + msg +
                                 "); check the file's permissions and the disk");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Unavailable("the database is busy; retry (" + msg + ")");
    case SQLITE_CONSTRAINT:
      return Status::AlreadyExists(msg);
    default:
      return Status::Internal(msg);
  }
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path, bool writer) {
  // SQLite counts every allocation under a global mutex unless told not to;
  // barazad never asks for those counts. Must come before SQLite initialises
  // (afterwards the call is refused and changes nothing).
  static const int configured = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)configured;
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (writer ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  auto conn = std::unique_ptr<Connection>(new Connection(db));
  if (rc != SQLITE_OK) return ToStatus(rc, db, ("cannot open database " + path).c_str());
  sqlite3_busy_timeout(db, 5000);
  if (writer) {
    BARAZA_RETURN_IF_ERROR(conn->Exec("PRAGMA journal_mode=WAL"));
    BARAZA_RETURN_IF_ERROR(conn->Exec("PRAGMA synchronous=FULL"));
    // A batch of a thousand writes dirties more pages than SQLite's default
    // 2 MiB cache holds, and a spill writes them to the WAL twice; 8 MiB
    // keeps a batch in memory until COMMIT.
    BARAZA_RETURN_IF_ERROR(conn->Exec("PRAGMA cache_size=-8192"));
    // Each write runs inside a savepoint (so that a failing one rolls back
    // alone); SQLite keeps the pages a savepoint may restore in a
    // sub-journal, which otherwise spills to a temporary file past 64 KiB.
    BARAZA_RETURN_IF_ERROR(conn->Exec("PRAGMA temp_store=MEMORY"));
  } else {
    BARAZA_RETURN_IF_ERROR(conn->Exec("PRAGMA query_only=1"));
    // Readers are as many as calls run at once; the OS caches the file for
    // all of them, and hot cases are in the case cache, so 1 MiB each will do.
    BARAZA_RETURN_IF_ERROR(conn->Exec("PRAGMA cache_size=-1024"));
  }
  BARAZA_RETURN_IF_ERROR(conn->Exec("PRAGMA foreign_keys=ON"));
  return conn;
}


}  // namespace baraza::sqlite

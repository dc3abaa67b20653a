#include "storage/sqlite_case_store.h"

#include <pthread.h>
#include <sqlite3.h>

#include <algorithm>
#include <limits>
#include <unordered_map>

#include "storage/case_codec.h"
#include "storage/event_chain.h"

namespace baraza {
namespace sqlite {

// Turns an SQLite result code into a Status a person can act on.
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

// One SQLite connection with its prepared statements, cached by SQL text.
// Used by one thread at a time.
class Connection {
 public:
  static Result<std::unique_ptr<Connection>> Open(const std::string& path, bool writer) {
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

  ~Connection() {
    for (auto& [sql, st] : cache_) sqlite3_finalize(st);
    sqlite3_close_v2(db_);
  }

  sqlite3* db() { return db_; }

  // Whether a statement that may change the database ran since the last reset
  // (the writer's way to know that a failed write left something to undo).
  bool changed() const { return changed_; }
  void ResetChanged() { changed_ = false; }
  void MarkChanged() { changed_ = true; }

  Status Exec(const char* sql) {
    char* err = nullptr;
    int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
    if (err) sqlite3_free(err);
    if (rc != SQLITE_OK) return ToStatus(rc, db_, sql);
    return Status::Ok();
  }

  Result<sqlite3_stmt*> Prepare(const char* sql) {
    auto it = cache_.find(sql);
    if (it != cache_.end()) return it->second;
    sqlite3_stmt* st = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr);
    if (rc != SQLITE_OK) return ToStatus(rc, db_, "prepare");
    cache_[sql] = st;
    return st;
  }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<const char*, sqlite3_stmt*> cache_;
  bool changed_ = false;
};

// One execution of a cached statement: bind, step, read columns, reset.
class Query {
 public:
  Query(Connection& c, const char* sql) : conn_(c) {
    auto st = c.Prepare(sql);
    if (st.ok()) st_ = *st;
    else status_ = st.status();
  }
  ~Query() {
    if (st_) {
      sqlite3_reset(st_);
      sqlite3_clear_bindings(st_);
    }
  }
  Query& Bind(int64_t v) {
    if (st_) sqlite3_bind_int64(st_, ++index_, v);
    return *this;
  }
  Query& Bind(const std::string& v) {
    if (st_) sqlite3_bind_text(st_, ++index_, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  // Advances to the next row; false at the end or on error (see status()).
  bool Next() {
    if (!st_ || !status_.ok()) return false;
    if (!sqlite3_stmt_readonly(st_)) conn_.MarkChanged();
    int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) status_ = ToStatus(rc, conn_.db(), "query");
    return false;
  }
  Status Run() {
    while (Next()) {
    }
    return status_;
  }
  int64_t Int(int col) { return sqlite3_column_int64(st_, col); }
  bool IsNull(int col) { return sqlite3_column_type(st_, col) == SQLITE_NULL; }
  std::string Text(int col) {
    auto p = reinterpret_cast<const char*>(sqlite3_column_text(st_, col));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(st_, col))) : std::string();
  }
  const Status& status() const { return status_; }

 private:
  Connection& conn_;
  sqlite3_stmt* st_ = nullptr;
  int index_ = 0;
  Status status_;
};

}  // namespace sqlite

namespace {

using sqlite::Connection;
using sqlite::Query;

// Schema version 1. Events are append-only: triggers refuse to change them.
const char* const kSchemaV1 = R"sql(
CREATE TABLE contact_groups(
  id INTEGER PRIMARY KEY, name TEXT NOT NULL, purpose TEXT NOT NULL,
  kind INTEGER NOT NULL, appeal_window INTEGER NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE parties(
  id INTEGER PRIMARY KEY, group_id INTEGER NOT NULL REFERENCES contact_groups(id),
  name TEXT NOT NULL, category INTEGER NOT NULL, created_at INTEGER NOT NULL,
  UNIQUE(group_id, name));
CREATE TABLE liaisons(
  id INTEGER PRIMARY KEY, party_id INTEGER NOT NULL REFERENCES parties(id),
  name TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE INDEX liaisons_by_party ON liaisons(party_id);
CREATE TABLE requests(
  actor TEXT NOT NULL, request_id TEXT NOT NULL, fingerprint TEXT NOT NULL,
  object_id INTEGER NOT NULL, response TEXT NOT NULL, created_at INTEGER NOT NULL,
  PRIMARY KEY(actor, request_id)) WITHOUT ROWID;
CREATE TABLE commanders(
  id INTEGER PRIMARY KEY, name TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE tokens(
  hash TEXT PRIMARY KEY, role INTEGER NOT NULL, subject_id INTEGER NOT NULL,
  party_id INTEGER NOT NULL, group_id INTEGER NOT NULL, label TEXT NOT NULL,
  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, revoked_at INTEGER NOT NULL)
  WITHOUT ROWID;
CREATE TABLE cases(
  id INTEGER PRIMARY KEY, group_id INTEGER NOT NULL REFERENCES contact_groups(id),
  state INTEGER NOT NULL, version INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  commander_id INTEGER NOT NULL, body TEXT NOT NULL);
CREATE INDEX cases_by_group ON cases(group_id, id);
CREATE INDEX cases_by_commander ON cases(commander_id, id) WHERE commander_id != 0;
CREATE TABLE case_parties(
  party_id INTEGER NOT NULL, case_id INTEGER NOT NULL, PRIMARY KEY(party_id, case_id))
  WITHOUT ROWID;
CREATE TABLE events(
  case_id INTEGER NOT NULL, seq INTEGER NOT NULL, at INTEGER NOT NULL, actor TEXT NOT NULL,
  type INTEGER NOT NULL, party_id INTEGER NOT NULL, visibility INTEGER NOT NULL,
  details TEXT NOT NULL, PRIMARY KEY(case_id, seq)) WITHOUT ROWID;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END;
CREATE TABLE notices(
  id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL, party_id INTEGER NOT NULL,
  kind INTEGER NOT NULL, text TEXT NOT NULL, created_at INTEGER NOT NULL,
  deadline INTEGER NOT NULL);
CREATE INDEX notices_by_party ON notices(party_id, id);
CREATE TABLE deadlines(
  case_id INTEGER NOT NULL, party_id INTEGER NOT NULL, kind INTEGER NOT NULL,
  due_at INTEGER NOT NULL, PRIMARY KEY(case_id, party_id, kind)) WITHOUT ROWID;
CREATE INDEX deadlines_by_due ON deadlines(due_at, case_id);
)sql";

// v2: the tamper-evident history. Each event gains its place in the whole log
// and the two chain links (docs/security.md); existing events are chained in
// the order they were written (by time, then case and sequence).
const char* const kSchemaV2Begin = R"sql(
ALTER TABLE events ADD COLUMN log_seq INTEGER;
ALTER TABLE events ADD COLUMN hash TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN log_hash TEXT NOT NULL DEFAULT '';
DROP TRIGGER events_no_update;
)sql";
const char* const kSchemaV2End = R"sql(
CREATE UNIQUE INDEX events_by_log ON events(log_seq);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END;
)sql";

// v3: published reports, immutable like the events.
const char* const kSchemaV3 = R"sql(
CREATE TABLE reports(
  id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL, group_id INTEGER NOT NULL,
  corrects_id INTEGER NOT NULL, published_at INTEGER NOT NULL, published_by TEXT NOT NULL,
  title TEXT NOT NULL, history_head TEXT NOT NULL, case_head TEXT NOT NULL,
  sections TEXT NOT NULL);
CREATE INDEX reports_by_group ON reports(group_id, id);
CREATE INDEX reports_by_case ON reports(case_id, id);
CREATE TRIGGER reports_no_update BEFORE UPDATE ON reports
  BEGIN SELECT RAISE(ABORT, 'a published report never changes; publish a correction'); END;
CREATE TRIGGER reports_no_delete BEFORE DELETE ON reports
  BEGIN SELECT RAISE(ABORT, 'a published report never changes; publish a correction'); END;
)sql";

// v4: positions in a table of their own, so that a response appends one row
// instead of rewriting the whole case (the body grew with every position).
// Existing positions move out of the case bodies; like the history, a stated
// position never changes.
const char* const kSchemaV4 = R"sql(
CREATE TABLE positions(
  case_id INTEGER NOT NULL, id INTEGER NOT NULL, party_id INTEGER NOT NULL,
  visibility INTEGER NOT NULL, stated_at INTEGER NOT NULL, text TEXT NOT NULL,
  PRIMARY KEY(case_id, id)) WITHOUT ROWID;
INSERT INTO positions(case_id, id, party_id, visibility, stated_at, text)
  SELECT c.id, json_extract(p.value, '$.id'), json_extract(p.value, '$.party_id'),
         json_extract(p.value, '$.visibility'), json_extract(p.value, '$.stated_at'),
         json_extract(p.value, '$.text')
  FROM cases c, json_each(c.body, '$.positions') p;
UPDATE cases SET body = json_remove(body, '$.positions')
  WHERE json_type(body, '$.positions') IS NOT NULL;
CREATE TRIGGER positions_no_update BEFORE UPDATE ON positions
  BEGIN SELECT RAISE(ABORT, 'a stated position never changes'); END;
CREATE TRIGGER positions_no_delete BEFORE DELETE ON positions
  BEGIN SELECT RAISE(ABORT, 'a stated position never changes'); END;
)sql";

const char* const kEventColumns =
    "SELECT case_id, seq, at, actor, type, party_id, visibility, details, log_seq, hash, log_hash "
    "FROM events ";

chain::StoredEvent ReadStoredEvent(Query& q) {
  chain::StoredEvent r;
  Event& e = r.event;
  e.case_id = q.Int(0);
  e.seq = q.Int(1);
  e.at = q.Int(2);
  e.actor = q.Text(3);
  e.type = static_cast<EventType>(q.Int(4));
  e.party_id = q.Int(5);
  e.visibility = static_cast<Visibility>(q.Int(6));
  r.details_json = q.Text(7);
  r.log_seq = q.Int(8);
  r.hash = q.Text(9);
  r.log_hash = q.Text(10);
  return r;
}

const char* const kTokenColumns =
    "SELECT hash, role, subject_id, party_id, group_id, label, created_at, expires_at, "
    "revoked_at FROM tokens ";

TokenRecord ReadToken(Query& q) {
  TokenRecord t;
  t.hash = q.Text(0);
  t.role = static_cast<Role>(q.Int(1));
  t.subject_id = q.Int(2);
  t.party_id = q.Int(3);
  t.group_id = q.Int(4);
  t.label = q.Text(5);
  t.created_at = q.Int(6);
  t.expires_at = q.Int(7);
  t.revoked_at = q.Int(8);
  return t;
}


Status ChainExistingEvents(Connection& c) {
  std::vector<chain::StoredEvent> rows;
  {
    static const std::string sql = std::string(kEventColumns) + "ORDER BY at, case_id, seq";
    Query q(c, sql.c_str());
    while (q.Next()) rows.push_back(ReadStoredEvent(q));
    BARAZA_RETURN_IF_ERROR(q.status());
  }
  std::unordered_map<Id, std::string> last;
  std::string log;
  int64_t log_seq = 0;
  for (auto& r : rows) {
    std::string link = chain::CaseLink(last[r.event.case_id], r.event, r.details_json);
    log = chain::LogLink(log, link);
    last[r.event.case_id] = link;
    Query q(c, "UPDATE events SET log_seq = ?, hash = ?, log_hash = ? WHERE case_id = ? AND seq = ?");
    q.Bind(++log_seq).Bind(link).Bind(log).Bind(r.event.case_id).Bind(r.event.seq);
    BARAZA_RETURN_IF_ERROR(q.Run());
  }
  return Status::Ok();
}

Status Migrate(Connection& c) {
  Query q(c, "PRAGMA user_version");
  if (!q.Next()) return q.status().ok() ? Status::Internal("no user_version") : q.status();
  int64_t version = q.Int(0);
  q.Run();
  if (version > SqliteCaseStore::kSchemaVersion)
    return Status::FailedPrecondition(
        "the database schema is version " + std::to_string(version) + ", newer than the " +
        std::to_string(SqliteCaseStore::kSchemaVersion) +
        " this barazad knows; run a newer barazad or restore a matching backup");
  if (version == SqliteCaseStore::kSchemaVersion) return Status::Ok();
  BARAZA_RETURN_IF_ERROR(c.Exec("BEGIN IMMEDIATE"));
  Status s = Status::Ok();
  if (version < 1) s = c.Exec(kSchemaV1);
  if (s.ok() && version < 2) s = c.Exec(kSchemaV2Begin);
  if (s.ok() && version < 2) s = ChainExistingEvents(c);
  if (s.ok() && version < 2) s = c.Exec(kSchemaV2End);
  if (s.ok() && version < 3) s = c.Exec(kSchemaV3);
  if (s.ok() && version < 4) s = c.Exec(kSchemaV4);
  if (s.ok()) {
    std::string set = "PRAGMA user_version = " + std::to_string(SqliteCaseStore::kSchemaVersion);
    s = c.Exec(set.c_str());
  }
  if (s.ok()) s = c.Exec("COMMIT");
  if (!s.ok()) c.Exec("ROLLBACK");
  return s;
}

const char* const kPartyColumns =
    "SELECT p.id, p.group_id, p.name, p.category, p.created_at, "
    "(SELECT COUNT(*) FROM liaisons l WHERE l.party_id = p.id) FROM parties p ";

Party ReadParty(Query& q) {
  Party p;
  p.id = q.Int(0);
  p.group_id = q.Int(1);
  p.name = q.Text(2);
  p.category = static_cast<PartyCategory>(q.Int(3));
  p.created_at = q.Int(4);
  p.liaison_count = static_cast<int>(q.Int(5));
  return p;
}

Result<Party> LoadParty(Connection& c, Id id) {
  static const std::string sql = std::string(kPartyColumns) + "WHERE p.id = ?";
  Query q(c, sql.c_str());
  q.Bind(id);
  if (!q.Next()) {
    if (!q.status().ok()) return q.status();
    return Status::NotFound("party " + std::to_string(id) + " does not exist");
  }
  return ReadParty(q);
}

Result<ContactGroup> LoadGroup(Connection& c, Id id) {
  ContactGroup g;
  {
    Query q(c, "SELECT id, name, purpose, kind, created_at, appeal_window FROM contact_groups "
                "WHERE id = ?");
    q.Bind(id);
    if (!q.Next()) {
      if (!q.status().ok()) return q.status();
      return Status::NotFound("contact group " + std::to_string(id) + " does not exist");
    }
    g.id = q.Int(0);
    g.name = q.Text(1);
    g.purpose = q.Text(2);
    g.kind = static_cast<GroupKind>(q.Int(3));
    g.created_at = q.Int(4);
    g.appeal_window = q.Int(5);
  }
  static const std::string sql = std::string(kPartyColumns) + "WHERE p.group_id = ? ORDER BY p.id";
  Query q(c, sql.c_str());
  q.Bind(id);
  while (q.Next()) g.parties.push_back(ReadParty(q));
  if (!q.status().ok()) return q.status();
  return g;
}

// A case's positions, in order, from their table.
Status LoadPositions(Connection& c, Case& out) {
  Query q(c, "SELECT id, party_id, visibility, stated_at, text FROM positions "
             "WHERE case_id = ? ORDER BY id");
  q.Bind(out.id);
  out.positions.clear();
  while (q.Next()) {
    Position p;
    p.id = q.Int(0);
    p.party_id = q.Int(1);
    p.visibility = static_cast<Visibility>(q.Int(2));
    p.stated_at = q.Int(3);
    p.text = q.Text(4);
    out.positions.push_back(std::move(p));
  }
  return q.status();
}

// A stored case: its body, then its positions.
Result<Case> DecodeStoredCase(Connection& c, const std::string& body) {
  auto decoded = codec::DecodeCase(body);
  if (!decoded.ok()) return decoded.status();
  BARAZA_RETURN_IF_ERROR(LoadPositions(c, *decoded));
  return decoded;
}

Result<Case> LoadCase(Connection& c, Id id) {
  std::string body;
  {
    Query q(c, "SELECT body FROM cases WHERE id = ?");
    q.Bind(id);
    if (!q.Next()) {
      if (!q.status().ok()) return q.status();
      return Status::NotFound("case " + std::to_string(id) + " does not exist");
    }
    body = q.Text(0);
  }
  return DecodeStoredCase(c, body);
}

Result<std::vector<Event>> LoadEvents(Connection& c, Id case_id) {
  static const std::string sql = std::string(kEventColumns) + "WHERE case_id = ? ORDER BY seq";
  Query q(c, sql.c_str());
  q.Bind(case_id);
  std::vector<Event> out;
  while (q.Next()) {
    chain::StoredEvent row = ReadStoredEvent(q);
    row.event.details = codec::DecodeDetails(row.details_json);
    out.push_back(std::move(row.event));
  }
  BARAZA_RETURN_IF_ERROR(q.status());
  return out;
}

const char* const kReportColumns =
    "SELECT id, case_id, group_id, corrects_id, published_at, published_by, title, "
    "history_head, case_head, sections FROM reports ";

Result<Report> ReadReport(Query& q) {
  Report r;
  r.id = q.Int(0);
  r.case_id = q.Int(1);
  r.group_id = q.Int(2);
  r.corrects_report_id = q.Int(3);
  r.published_at = q.Int(4);
  r.published_by = q.Text(5);
  r.title = q.Text(6);
  r.history_head = q.Text(7);
  r.case_head = q.Text(8);
  BARAZA_ASSIGN_OR_RETURN(r.sections, codec::DecodeSections(q.Text(9)));
  return r;
}

Result<Report> LoadReport(Connection& c, Id id) {
  static const std::string sql = std::string(kReportColumns) + "WHERE id = ?";
  Query q(c, sql.c_str());
  q.Bind(id);
  if (!q.Next()) {
    BARAZA_RETURN_IF_ERROR(q.status());
    return NoSuchReport(id);
  }
  return ReadReport(q);
}

Result<Id> InsertReturningId(Query& q, Connection& c) {
  BARAZA_RETURN_IF_ERROR(q.Run());
  return static_cast<Id>(sqlite3_last_insert_rowid(c.db()));
}

// The write transaction handed to each queued write, on the writer connection.
class SqliteTx : public WriteTx {
 public:
  SqliteTx(Connection& c, CaseCache& cache) : c_(c), cache_(cache) {}

  // Cases saved by the write in progress (`staged_`) and by the writes of this
  // transaction that succeeded (`pending_`): what the cache gets after COMMIT.
  void WriteDone(bool ok) {
    if (ok)
      for (auto& [id, c] : staged_) pending_[id] = std::move(c);
    staged_.clear();
    if (ok) {
      good_head_ = head_;
    } else {
      head_ = good_head_;
      groups_.clear();
      next_case_.reset();
    }
  }
  // After COMMIT (or ROLLBACK): the cases the transaction saved.
  std::vector<Case> TakeSaved(bool committed) {
    std::vector<Case> out;
    for (auto& [id, c] : pending_) out.push_back(std::move(c));
    pending_.clear();
    if (!committed) {  // read them again next time
      head_ = good_head_ = std::nullopt;
      groups_.clear();
      next_case_.reset();
    }
    return out;
  }

  // Groups change only through this writer (InsertGroup, InsertParty,
  // InsertLiaison forget them all), so a group once loaded is kept: opening a
  // case needs its group, and a FileDispute would otherwise read it twice.
  Result<ContactGroup> GetGroup(Id id) override {
    if (auto it = groups_.find(id); it != groups_.end()) return it->second;
    auto g = LoadGroup(c_, id);
    if (g.ok() && groups_.size() < 1024) groups_.emplace(id, *g);
    return g;
  }
  Result<Party> GetParty(Id id) override { return LoadParty(c_, id); }
  Result<CaseRef> GetCaseShared(Id id) override {
    // This transaction's own writes first (copied: they are still this
    // transaction's to change), then the committed state, cached or loaded.
    if (auto it = staged_.find(id); it != staged_.end())
      return std::make_shared<const Case>(it->second);
    if (auto it = pending_.find(id); it != pending_.end())
      return std::make_shared<const Case>(it->second);
    if (auto cached = cache_.Get(id)) return cached;
    auto c = LoadCase(c_, id);
    if (!c.ok()) return c.status();
    return std::make_shared<const Case>(std::move(c).value());
  }

  Result<Id> InsertGroup(const ContactGroup& g) override {
    groups_.clear();
    Query q(c_,
            "INSERT INTO contact_groups(name, purpose, kind, appeal_window, created_at) "
            "VALUES(?,?,?,?,?)");
    q.Bind(g.name).Bind(g.purpose).Bind(static_cast<int64_t>(g.kind)).Bind(g.appeal_window)
        .Bind(g.created_at);
    return InsertReturningId(q, c_);
  }

  Result<Id> InsertParty(const Party& p) override {
    groups_.clear();
    auto g = LoadGroup(c_, p.group_id);
    if (!g.ok()) return g.status();
    for (const auto& other : g->parties)
      if (other.name == p.name)
        return Status::AlreadyExists("a party named \"" + p.name + "\" is already in contact group " +
                                     std::to_string(p.group_id));
    Query q(c_, "INSERT INTO parties(group_id, name, category, created_at) VALUES(?,?,?,?)");
    q.Bind(p.group_id).Bind(p.name).Bind(static_cast<int64_t>(p.category)).Bind(p.created_at);
    return InsertReturningId(q, c_);
  }

  Result<Id> InsertLiaison(const Liaison& l) override {
    groups_.clear();
    auto p = LoadParty(c_, l.party_id);
    if (!p.ok()) return p.status();
    Query q(c_, "INSERT INTO liaisons(party_id, name, created_at) VALUES(?,?,?)");
    q.Bind(l.party_id).Bind(l.name).Bind(l.created_at);
    return InsertReturningId(q, c_);
  }

  Result<Id> InsertCommander(const Commander& commander) override {
    Query q(c_, "INSERT INTO commanders(name, created_at) VALUES(?,?)");
    q.Bind(commander.name).Bind(commander.created_at);
    return InsertReturningId(q, c_);
  }

  Result<std::optional<StoredRequest>> FindRequest(const std::string& actor,
                                                   const std::string& request_id) override {
    Query q(c_,
            "SELECT fingerprint, object_id, response, created_at FROM requests "
            "WHERE actor = ? AND request_id = ?");
    q.Bind(actor).Bind(request_id);
    if (!q.Next()) {
      BARAZA_RETURN_IF_ERROR(q.status());
      return std::optional<StoredRequest>();
    }
    StoredRequest r;
    r.actor = actor;
    r.request_id = request_id;
    r.fingerprint = q.Text(0);
    r.object_id = q.Int(1);
    r.response = q.Text(2);
    r.created_at = q.Int(3);
    return std::optional<StoredRequest>(std::move(r));
  }

  Status InsertRequest(const StoredRequest& r) override {
    Query q(c_,
            "INSERT INTO requests(actor, request_id, fingerprint, object_id, response, created_at) "
            "VALUES(?,?,?,?,?,?)");
    q.Bind(r.actor).Bind(r.request_id).Bind(r.fingerprint).Bind(r.object_id).Bind(r.response)
        .Bind(r.created_at);
    return q.Run();
  }

  Status InsertToken(const TokenRecord& t) override {
    Query q(c_,
            "INSERT INTO tokens(hash, role, subject_id, party_id, group_id, label, created_at, "
            "expires_at, revoked_at) VALUES(?,?,?,?,?,?,?,?,?)");
    q.Bind(t.hash).Bind(static_cast<int64_t>(t.role)).Bind(t.subject_id).Bind(t.party_id)
        .Bind(t.group_id).Bind(t.label).Bind(t.created_at).Bind(t.expires_at).Bind(t.revoked_at);
    return q.Run();
  }

  Result<TokenRecord> RevokeToken(const std::string& token_id, UnixMillis now) override {
    static const std::string sql = std::string(kTokenColumns) + "WHERE substr(hash, 1, 12) = ?";
    std::optional<TokenRecord> t;
    {
      Query q(c_, sql.c_str());
      q.Bind(token_id);
      if (q.Next()) t = ReadToken(q);
      BARAZA_RETURN_IF_ERROR(q.status());
    }
    if (!t || token_id.size() != 12) return UnknownToken(token_id);
    if (t->revoked_at != 0) return RevokedAlready(*t);
    Query q(c_, "UPDATE tokens SET revoked_at = ? WHERE hash = ?");
    q.Bind(now).Bind(t->hash);
    BARAZA_RETURN_IF_ERROR(q.Run());
    t->revoked_at = now;
    return *t;
  }

  // Only this writer inserts cases, so the next id is read once and then counted.
  Result<Id> NextCaseId() override {
    if (next_case_) return *next_case_;
    Query q(c_, "SELECT COALESCE(MAX(id), 0) + 1 FROM cases");
    if (!q.Next()) return q.status().ok() ? Status::Internal("no next case id") : q.status();
    next_case_ = q.Int(0);
    return *next_case_;
  }

  Result<std::vector<Event>> ListEvents(Id case_id) override { return LoadEvents(c_, case_id); }

  Result<HistoryHeads> Heads(Id case_id) override {
    HistoryHeads h;
    BARAZA_ASSIGN_OR_RETURN(chain::Head log, LogHead());
    h.log = chain::Head::After(log.events, log.hash).ToString();
    BARAZA_ASSIGN_OR_RETURN(h.case_last, CaseHead(case_id));
    return h;
  }

  // The whole log's last link. Only this writer appends events, so once read it
  // is kept and moved on as events are appended (see WriteDone and TakeSaved).
  Result<chain::Head> LogHead() {
    if (head_) return *head_;
    chain::Head h;
    Query q(c_, "SELECT log_seq, log_hash FROM events ORDER BY log_seq DESC LIMIT 1");
    if (q.Next()) h = {q.Int(0), q.Text(1)};
    BARAZA_RETURN_IF_ERROR(q.status());
    head_ = good_head_ = h;
    return h;
  }

  // The hash of a case's last event; empty if it has none.
  Result<std::string> CaseHead(Id case_id) {
    Query q(c_, "SELECT hash FROM events WHERE case_id = ? ORDER BY seq DESC LIMIT 1");
    q.Bind(case_id);
    std::string hash;
    if (q.Next()) hash = q.Text(0);
    BARAZA_RETURN_IF_ERROR(q.status());
    return hash;
  }

  Result<Id> NextReportId() override {
    Query q(c_, "SELECT COALESCE(MAX(id), 0) + 1 FROM reports");
    if (!q.Next()) return q.status().ok() ? Status::Internal("no next report id") : q.status();
    return q.Int(0);
  }

  Result<Report> GetReport(Id id) override { return LoadReport(c_, id); }

  Status InsertReport(const Report& r) override {
    Query q(c_,
            "INSERT INTO reports(id, case_id, group_id, corrects_id, published_at, published_by, "
            "title, history_head, case_head, sections) VALUES(?,?,?,?,?,?,?,?,?,?)");
    q.Bind(r.id).Bind(r.case_id).Bind(r.group_id).Bind(r.corrects_report_id).Bind(r.published_at)
        .Bind(r.published_by).Bind(r.title).Bind(r.history_head).Bind(r.case_head)
        .Bind(codec::EncodeSections(r.sections));
    return q.Run();
  }

  // Appends events to the history, chaining each to the previous event of its
  // case and to the whole log (the transaction's own earlier events included).
  // A new case has no earlier event to look up.
  Status AppendEvents(Id case_id, bool is_new, const std::vector<Event>& events) {
    if (events.empty()) return Status::Ok();
    std::string case_hash;
    if (!is_new) {
      BARAZA_ASSIGN_OR_RETURN(case_hash, CaseHead(case_id));
    }
    BARAZA_ASSIGN_OR_RETURN(chain::Head log, LogHead());
    for (const Event& e : events) {
      std::string details = codec::EncodeDetails(e.details);
      case_hash = chain::CaseLink(case_hash, e, details);
      log.hash = chain::LogLink(log.hash, case_hash);
      Query q(c_,
              "INSERT INTO events(case_id, seq, at, actor, type, party_id, visibility, details, "
              "log_seq, hash, log_hash) VALUES(?,?,?,?,?,?,?,?,?,?,?)");
      q.Bind(e.case_id).Bind(e.seq).Bind(e.at).Bind(e.actor).Bind(static_cast<int64_t>(e.type))
          .Bind(e.party_id).Bind(static_cast<int64_t>(e.visibility)).Bind(details)
          .Bind(++log.events).Bind(case_hash).Bind(log.hash);
      BARAZA_RETURN_IF_ERROR(q.Run());
      head_ = log;
    }
    return Status::Ok();
  }

  // Positions are only ever added: insert those the stored case does not have.
  Status AppendPositions(const Case& c, bool is_new) {
    if (c.positions.empty()) return Status::Ok();
    int64_t stored = 0;
    if (!is_new) {
      Query q(c_, "SELECT COALESCE(MAX(id), 0) FROM positions WHERE case_id = ?");
      q.Bind(c.id);
      if (q.Next()) stored = q.Int(0);
      BARAZA_RETURN_IF_ERROR(q.status());
    }
    for (const Position& p : c.positions) {
      if (p.id <= stored) continue;
      Query q(c_,
              "INSERT INTO positions(case_id, id, party_id, visibility, stated_at, text) "
              "VALUES(?,?,?,?,?,?)");
      q.Bind(c.id).Bind(p.id).Bind(p.party_id).Bind(static_cast<int64_t>(p.visibility))
          .Bind(p.stated_at).Bind(p.text);
      BARAZA_RETURN_IF_ERROR(q.Run());
    }
    return Status::Ok();
  }

  Status SaveCase(const Case& c, const std::vector<Event>& events, std::vector<Notice>& notices,
                  const std::vector<Deadline>& deadlines) override {
    // Version 1 is a new case: a plain INSERT, which fails if the id is taken.
    // A later version replaces the stored one only if that is the version
    // before it: one statement either way, with no read first.
    const bool is_new = c.version == 1;
    auto changed_meanwhile = [&] {
      return Status(Code::kAborted, "case " + std::to_string(c.id) +
                                        " changed meanwhile (it is not at version " +
                                        std::to_string(c.version - 1) + ")");
    };
    if (c.version < 1) return changed_meanwhile();
    if (is_new) {
      Query q(c_,
              "INSERT INTO cases(id, group_id, state, version, updated_at, body, commander_id) "
              "VALUES(?,?,?,?,?,?,?) ON CONFLICT(id) DO NOTHING");
      q.Bind(c.id).Bind(c.group_id).Bind(static_cast<int64_t>(c.state)).Bind(c.version)
          .Bind(c.updated_at).Bind(codec::EncodeCase(c, codec::Positions::kLeftOut))
          .Bind(c.filed_by_commander_id);
      BARAZA_RETURN_IF_ERROR(q.Run());
    } else {
      Query q(c_,
              "UPDATE cases SET state = ?, version = ?, updated_at = ?, body = ? "
              "WHERE id = ? AND version = ?");
      q.Bind(static_cast<int64_t>(c.state)).Bind(c.version).Bind(c.updated_at)
          .Bind(codec::EncodeCase(c, codec::Positions::kLeftOut)).Bind(c.id).Bind(c.version - 1);
      BARAZA_RETURN_IF_ERROR(q.Run());
    }
    if (sqlite3_changes(c_.db()) != 1) return changed_meanwhile();
    BARAZA_RETURN_IF_ERROR(AppendPositions(c, is_new));
    staged_[c.id] = c;
    if (is_new && next_case_ && c.id >= *next_case_) next_case_ = c.id + 1;
    if (is_new) {
      for (Id p : c.PartyIds()) {
        Query q(c_, "INSERT OR IGNORE INTO case_parties(party_id, case_id) VALUES(?,?)");
        q.Bind(p).Bind(c.id);
        BARAZA_RETURN_IF_ERROR(q.Run());
      }
    }
    BARAZA_RETURN_IF_ERROR(AppendEvents(c.id, is_new, events));
    for (Notice& n : notices) {
      Query q(c_,
              "INSERT INTO notices(case_id, party_id, kind, text, created_at, deadline) "
              "VALUES(?,?,?,?,?,?)");
      q.Bind(n.case_id).Bind(n.party_id).Bind(static_cast<int64_t>(n.kind)).Bind(n.text)
          .Bind(n.created_at).Bind(n.deadline);
      auto id = InsertReturningId(q, c_);
      if (!id.ok()) return id.status();
      n.id = *id;
    }
    return ReplaceDeadlines(c.id, is_new, deadlines);
  }

  // Makes the case's pending deadlines `deadlines`, touching only those that
  // changed: a deadline rewritten as it was would still dirty a page of the
  // index by due time (most changes end one party's deadline and keep the rest).
  Status ReplaceDeadlines(Id case_id, bool is_new, const std::vector<Deadline>& deadlines) {
    std::vector<Deadline> stored;  // a new case has none yet
    if (!is_new) {
      Query q(c_, "SELECT party_id, kind, due_at FROM deadlines WHERE case_id = ?");
      q.Bind(case_id);
      while (q.Next())
        stored.push_back(Deadline{case_id, q.Int(0), static_cast<DeadlineKind>(q.Int(1)), q.Int(2)});
      BARAZA_RETURN_IF_ERROR(q.status());
    }
    auto same_key = [](const Deadline& a, const Deadline& b) {
      return a.party_id == b.party_id && a.kind == b.kind;
    };
    for (const Deadline& old : stored) {
      if (std::any_of(deadlines.begin(), deadlines.end(),
                      [&](const Deadline& d) { return same_key(d, old); }))
        continue;
      Query q(c_, "DELETE FROM deadlines WHERE case_id = ? AND party_id = ? AND kind = ?");
      q.Bind(case_id).Bind(old.party_id).Bind(static_cast<int64_t>(old.kind));
      BARAZA_RETURN_IF_ERROR(q.Run());
    }
    for (const Deadline& d : deadlines) {
      auto it = std::find_if(stored.begin(), stored.end(),
                             [&](const Deadline& old) { return same_key(d, old); });
      if (it != stored.end() && it->due_at == d.due_at) continue;  // unchanged
      Query q(c_,
              "INSERT INTO deadlines(case_id, party_id, kind, due_at) VALUES(?,?,?,?) "
              "ON CONFLICT(case_id, party_id, kind) DO UPDATE SET due_at = excluded.due_at");
      q.Bind(case_id).Bind(d.party_id).Bind(static_cast<int64_t>(d.kind)).Bind(d.due_at);
      BARAZA_RETURN_IF_ERROR(q.Run());
    }
    return Status::Ok();
  }

 private:
  Connection& c_;
  CaseCache& cache_;
  std::unordered_map<Id, Case> staged_, pending_;
  // The log head with this write's events, and with only the writes that succeeded.
  std::optional<chain::Head> head_, good_head_;
  std::unordered_map<Id, ContactGroup> groups_;
  std::optional<Id> next_case_;
};

}  // namespace

// A read connection borrowed from the pool for one call.
class SqliteCaseStore::Lease {
 public:
  Lease(SqliteCaseStore& store, std::unique_ptr<Connection> conn, Status status)
      : store_(store), conn_(std::move(conn)), status_(std::move(status)) {}
  Lease(Lease&&) = default;
  ~Lease() {
    if (conn_) {
      std::lock_guard lock(store_.pool_mu_);
      store_.pool_.push_back(std::move(conn_));
    }
  }
  bool ok() const { return conn_ != nullptr; }
  const Status& status() const { return status_; }
  Connection& operator*() { return *conn_; }

 private:
  SqliteCaseStore& store_;
  std::unique_ptr<Connection> conn_;
  Status status_;
};

SqliteCaseStore::SqliteCaseStore(Options options) : options_(std::move(options)) {}

Result<std::unique_ptr<SqliteCaseStore>> SqliteCaseStore::Open(const Options& options) {
  auto store = std::unique_ptr<SqliteCaseStore>(new SqliteCaseStore(options));
  auto conn = Connection::Open(options.path, /*writer=*/true);
  if (!conn.ok()) return conn.status();
  BARAZA_RETURN_IF_ERROR(Migrate(**conn));
  store->writer_conn_ = std::move(conn).value();
  auto checkpoint_conn = Connection::Open(options.path, /*writer=*/false);
  if (!checkpoint_conn.ok()) return checkpoint_conn.status();
  store->checkpoint_conn_ = std::move(checkpoint_conn).value();
  // The checkpoint writes the database file: as durably as the commits.
  BARAZA_RETURN_IF_ERROR(store->checkpoint_conn_->Exec("PRAGMA synchronous=FULL"));
  // Replaces SQLite's automatic checkpoint on the writer (sqlite3_wal_hook).
  sqlite3_wal_hook(store->writer_conn_->db(), &SqliteCaseStore::OnWalCommit, store.get());
  // Threads are named, so that `top -H` and profiles tell them apart.
  store->checkpointer_ = std::thread([s = store.get()] {
    pthread_setname_np(pthread_self(), "baraza-ckpt");
    s->CheckpointerLoop();
  });
  store->completer_ = std::thread([s = store.get()] {
    pthread_setname_np(pthread_self(), "baraza-answers");
    s->CompleterLoop();
  });
  store->writer_ = std::thread([s = store.get()] {
    pthread_setname_np(pthread_self(), "baraza-writer");
    s->WriterLoop();
  });
  return store;
}

SqliteCaseStore::~SqliteCaseStore() {
  {
    std::lock_guard lock(queue_mu_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  if (writer_.joinable()) writer_.join();
  {
    std::lock_guard lock(done_mu_);
    done_stopping_ = true;
  }
  done_cv_.notify_all();
  if (completer_.joinable()) completer_.join();  // after every answer was given
  {
    std::lock_guard lock(checkpoint_mu_);
    checkpoint_stopping_ = true;
  }
  checkpoint_cv_.notify_all();
  if (checkpointer_.joinable()) checkpointer_.join();
  checkpoint_conn_.reset();
  pool_.clear();
  writer_conn_.reset();
}

void SqliteCaseStore::Write(WriteFn fn, DoneFn done) {
  {
    std::lock_guard lock(queue_mu_);
    if (!stopping_) {
      queue_.push_back(Job{std::move(fn), std::move(done)});
      queue_cv_.notify_one();
      return;
    }
  }
  done(Status::Unavailable("barazad is shutting down; retry once it is back"));
}

SqliteCaseStore::WriterStats SqliteCaseStore::Stats() {
  std::lock_guard lock(queue_mu_);
  return stats_;
}

int SqliteCaseStore::OnWalCommit(void* self, ::sqlite3* db, const char* name, int pages) {
  auto* store = static_cast<SqliteCaseStore*>(self);
  if (pages >= kWriterCheckpointPages) {
    // The checkpointer has fallen far behind (readers holding old snapshots,
    // or a slow disk): bound the WAL as SQLite itself would, on the writer.
    sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  } else if (pages >= kCheckpointPages) {
    {
      std::lock_guard lock(store->checkpoint_mu_);
      if (store->checkpoint_wanted_) return SQLITE_OK;
      store->checkpoint_wanted_ = true;
    }
    store->checkpoint_cv_.notify_one();
  }
  return SQLITE_OK;
}

void SqliteCaseStore::CheckpointerLoop() {
  for (;;) {
    {
      std::unique_lock lock(checkpoint_mu_);
      checkpoint_cv_.wait(lock, [&] { return checkpoint_stopping_ || checkpoint_wanted_; });
      if (checkpoint_stopping_) return;  // closing the last connection checkpoints
    }
    int log = 0, copied = 0;
    int rc = sqlite3_wal_checkpoint_v2(checkpoint_conn_->db(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                       &log, &copied);
    {
      std::lock_guard lock(checkpoint_mu_);
      checkpoint_wanted_ = false;
    }
    if (rc == SQLITE_OK && copied > 0) {
      std::lock_guard lock(queue_mu_);
      stats_.checkpoints += 1;
    }
  }
}

void SqliteCaseStore::CompleterLoop() {
  for (;;) {
    std::vector<std::pair<DoneFn, Status>> answers;
    {
      std::unique_lock lock(done_mu_);
      done_cv_.wait(lock, [&] { return done_stopping_ || !done_queue_.empty(); });
      if (done_queue_.empty()) return;  // stopping, and every answer given
      answers = std::move(done_queue_.front());
      done_queue_.pop_front();
    }
    for (auto& [done, status] : answers) done(std::move(status));
  }
}

void SqliteCaseStore::WriterLoop() {
  Connection& c = *writer_conn_;
  SqliteTx tx(c, cache_);
  std::vector<Job> batch;
  for (;;) {
    batch.clear();
    {
      std::unique_lock lock(queue_mu_);
      queue_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to write
      while (!queue_.empty() && static_cast<int>(batch.size()) < options_.max_batch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    std::vector<Status> results = CommitBatch(c, tx, batch);
    // Every answer, failures included, goes out from the completion thread.
    std::vector<std::pair<DoneFn, Status>> answers;
    answers.reserve(batch.size());
    for (size_t i = 0; i < batch.size(); ++i)
      answers.emplace_back(std::move(batch[i].done), std::move(results[i]));
    {
      std::lock_guard lock(done_mu_);
      done_queue_.push_back(std::move(answers));
    }
    done_cv_.notify_one();
  }
}

std::vector<Status> SqliteCaseStore::CommitBatch(sqlite::Connection& c, WriteTx& write_tx,
                                                 std::vector<Job>& batch) {
  auto& tx = static_cast<SqliteTx&>(write_tx);
  // First without savepoints: a write refused before it changed anything (a
  // rule of the workflow, an unknown case: the usual failures) needs nothing
  // undone, and a savepoint costs a copy of every page a write touches. Only
  // if a write fails after changing something is the whole transaction rolled
  // back and the batch run again, each write in a savepoint of its own.
  std::optional<std::vector<Status>> results = RunBatch(c, tx, batch, /*savepoints=*/false);
  if (!results) results = RunBatch(c, tx, batch, /*savepoints=*/true);
  return std::move(*results);
}

std::optional<std::vector<Status>> SqliteCaseStore::RunBatch(sqlite::Connection& c, WriteTx& write_tx,
                                                             std::vector<Job>& batch,
                                                             bool savepoints) {
  auto& tx = static_cast<SqliteTx&>(write_tx);
  // Prepared once: a write's savepoint is taken and released for every write.
  auto run = [&c](const char* sql) { return Query(c, sql).Run(); };
  Status begin = c.Exec("BEGIN IMMEDIATE");
  if (!begin.ok()) return std::vector<Status>(batch.size(), begin);
  std::vector<Status> results(batch.size(), Status::Ok());
  size_t applied = 0;
  for (size_t i = 0; i < batch.size(); ++i) {
    Status s = savepoints ? run("SAVEPOINT w") : Status::Ok();
    if (s.ok()) {
      c.ResetChanged();
      try {
        s = batch[i].fn(tx);
      } catch (const std::exception& e) {
        s = Status::Internal(std::string("write failed: ") + e.what());
      }
      if (!s.ok() && !savepoints && c.changed()) {  // part of it written: start again
        c.Exec("ROLLBACK");
        tx.WriteDone(false);
        tx.TakeSaved(/*committed=*/false);
        return std::nullopt;
      }
      if (s.ok() && savepoints) s = run("RELEASE w");
      if (s.ok()) {
        ++applied;
      } else if (savepoints) {
        run("ROLLBACK TO w");
        run("RELEASE w");
      }
      tx.WriteDone(s.ok());
    }
    results[i] = s;
  }
  Status commit = c.Exec("COMMIT");
  std::vector<Case> saved = tx.TakeSaved(commit.ok());
  if (!commit.ok()) {
    c.Exec("ROLLBACK");
    for (auto& r : results)
      if (r.ok()) r = commit;
    return results;
  }
  cache_.Committed(std::move(saved));  // before anyone hears of the commit
  std::lock_guard lock(queue_mu_);
  stats_.commits += 1;
  stats_.writes += static_cast<int64_t>(applied);
  if (savepoints) stats_.batches_rerun += 1;
  return results;
}

SqliteCaseStore::Lease SqliteCaseStore::Reader() {
  {
    std::lock_guard lock(pool_mu_);
    if (!pool_.empty()) {
      auto conn = std::move(pool_.back());
      pool_.pop_back();
      return Lease(*this, std::move(conn), Status::Ok());
    }
  }
  auto conn = Connection::Open(options_.path, /*writer=*/false);
  if (!conn.ok()) return Lease(*this, nullptr, conn.status());
  return Lease(*this, std::move(conn).value(), Status::Ok());
}

#define BARAZA_READER(name)          \
  auto name = Reader();              \
  if (!name.ok()) return name.status()

Result<ContactGroup> SqliteCaseStore::GetGroup(Id id) {
  BARAZA_READER(r);
  return LoadGroup(*r, id);
}

Result<std::vector<ContactGroup>> SqliteCaseStore::ListGroups(Id after_id, int limit) {
  BARAZA_READER(r);
  std::vector<Id> ids;
  {
    Query q(*r, "SELECT id FROM contact_groups WHERE id > ? ORDER BY id LIMIT ?");
    q.Bind(after_id).Bind(limit);
    while (q.Next()) ids.push_back(q.Int(0));
    BARAZA_RETURN_IF_ERROR(q.status());
  }
  std::vector<ContactGroup> out;
  for (Id id : ids) {
    auto g = LoadGroup(*r, id);
    if (!g.ok()) return g.status();
    out.push_back(std::move(g).value());
  }
  return out;
}

Result<Party> SqliteCaseStore::GetParty(Id id) {
  BARAZA_READER(r);
  return LoadParty(*r, id);
}

Result<CaseRef> SqliteCaseStore::GetCaseShared(Id id) {
  if (auto cached = cache_.Get(id)) return cached;
  uint64_t epoch = cache_.Epoch();
  BARAZA_READER(r);
  auto c = LoadCase(*r, id);
  if (!c.ok()) return c.status();
  auto shared = std::make_shared<const Case>(std::move(c).value());
  cache_.AddLoaded(shared, epoch);
  return shared;
}

Result<Case> SqliteCaseStore::GetCase(Id id) {
  auto c = GetCaseShared(id);
  if (!c.ok()) return c.status();
  return **c;
}

Result<std::vector<Case>> SqliteCaseStore::ListCases(const CaseFilter& f) {
  auto shared = ListCasesShared(f);
  if (!shared.ok()) return shared.status();
  std::vector<Case> out;
  out.reserve(shared->size());
  for (const auto& c : *shared) out.push_back(*c);
  return out;
}

Result<std::vector<CaseRef>> SqliteCaseStore::ListCasesShared(const CaseFilter& f) {
  uint64_t epoch = cache_.Epoch();
  BARAZA_READER(r);
  // One statement per way in, each written so that SQLite walks its index
  // newest first and stops at the page's end: by party (case_parties), by group
  // (cases_by_group), by commander (cases_by_commander), or all cases. The other
  // filters only skip rows. ?1 party or commander, ?2 group, ?3 state, ?4 below
  // this id, ?5 page size.
  static constexpr char kCols[] = "SELECT c.body, c.id, c.version ";
  static const std::string by_party = std::string(kCols) +
      "FROM case_parties cp JOIN cases c ON c.id = cp.case_id WHERE cp.party_id = ?1 "
      "AND cp.case_id < ?4 AND (?2 = 0 OR c.group_id = ?2) AND (?3 = 0 OR c.state = ?3) "
      "ORDER BY cp.case_id DESC LIMIT ?5";
  static const std::string by_group = std::string(kCols) +
      "FROM cases c WHERE c.group_id = ?2 AND c.id < ?4 AND (?1 = 0 OR c.commander_id = ?1) "
      "AND (?3 = 0 OR c.state = ?3) ORDER BY c.id DESC LIMIT ?5";
  static const std::string by_commander = std::string(kCols) +
      "FROM cases c INDEXED BY cases_by_commander WHERE c.commander_id = ?1 "
      "AND c.commander_id != 0 AND c.id < ?4 AND (?3 = 0 OR c.state = ?3) "
      "ORDER BY c.id DESC LIMIT ?5";
  static const std::string all = std::string(kCols) +
      "FROM cases c WHERE c.id < ?4 AND (?3 = 0 OR c.state = ?3) ORDER BY c.id DESC LIMIT ?5";
  const std::string& sql = f.party_id       ? by_party
                           : f.group_id     ? by_group
                           : f.commander_id ? by_commander
                                            : all;
  Query q(*r, sql.c_str());
  q.Bind(f.party_id ? f.party_id : f.commander_id).Bind(f.group_id)
      .Bind(f.state ? static_cast<int64_t>(*f.state) : 0)
      .Bind(f.before_id > 0 ? f.before_id : std::numeric_limits<int64_t>::max()).Bind(f.limit);
  std::vector<CaseRef> out;
  while (q.Next()) {
    if (auto cached = cache_.Get(q.Int(1), q.Int(2))) {
      out.push_back(std::move(cached));
      continue;
    }
    auto c = DecodeStoredCase(*r, q.Text(0));
    if (!c.ok()) return c.status();
    auto shared = std::make_shared<const Case>(std::move(c).value());
    cache_.AddLoaded(shared, epoch);
    out.push_back(std::move(shared));
  }
  BARAZA_RETURN_IF_ERROR(q.status());
  return out;
}

Result<std::vector<Event>> SqliteCaseStore::ListEvents(Id case_id) {
  BARAZA_READER(r);
  return LoadEvents(*r, case_id);
}

Result<Report> SqliteCaseStore::GetReport(Id id) {
  BARAZA_READER(r);
  return LoadReport(*r, id);
}

Result<std::vector<Report>> SqliteCaseStore::ListReports(const ReportFilter& f) {
  BARAZA_READER(r);
  static const std::string sql =
      std::string(kReportColumns) +
      "WHERE (?1 = 0 OR group_id = ?1) AND (?2 = 0 OR case_id = ?2) AND (?3 = 0 OR id < ?3) "
      "ORDER BY id DESC LIMIT ?4";
  Query q(*r, sql.c_str());
  q.Bind(f.group_id).Bind(f.case_id).Bind(f.before_id).Bind(f.limit);
  std::vector<Report> out;
  while (q.Next()) {
    auto report = ReadReport(q);
    if (!report.ok()) return report.status();
    out.push_back(std::move(report).value());
  }
  BARAZA_RETURN_IF_ERROR(q.status());
  return out;
}

Result<std::vector<Id>> SqliteCaseStore::ReportingGroups(Id after_id, int limit) {
  BARAZA_READER(r);
  Query q(*r, "SELECT DISTINCT group_id FROM reports WHERE group_id > ? ORDER BY group_id LIMIT ?");
  q.Bind(after_id).Bind(limit);
  std::vector<Id> out;
  while (q.Next()) out.push_back(q.Int(0));
  BARAZA_RETURN_IF_ERROR(q.status());
  return out;
}

Result<SqliteCaseStore::Audit> SqliteCaseStore::AuditHistory(
    std::optional<chain::Head> kept, const std::function<void(int64_t)>& progress) {
  BARAZA_READER(r);
  chain::Verifier verifier(kept);
  static const std::string sql = std::string(kEventColumns) + "ORDER BY log_seq";
  Query q(*r, sql.c_str());
  int64_t n = 0;
  while (q.Next()) {
    verifier.Add(ReadStoredEvent(q));
    if (progress && ++n % 100000 == 0) progress(n);
  }
  BARAZA_RETURN_IF_ERROR(q.status());
  verifier.Finish();
  return Audit{verifier.head(), verifier.first_break()};
}

Result<std::vector<Notice>> SqliteCaseStore::ListNotices(Id party_id, Id after_id, int limit) {
  BARAZA_READER(r);
  Query q(*r,
          "SELECT id, case_id, party_id, kind, text, created_at, deadline FROM notices "
          "WHERE party_id = ? AND id > ? ORDER BY id LIMIT ?");
  q.Bind(party_id).Bind(after_id).Bind(limit);
  std::vector<Notice> out;
  while (q.Next()) {
    Notice n;
    n.id = q.Int(0);
    n.case_id = q.Int(1);
    n.party_id = q.Int(2);
    n.kind = static_cast<NoticeKind>(q.Int(3));
    n.text = q.Text(4);
    n.created_at = q.Int(5);
    n.deadline = q.Int(6);
    out.push_back(std::move(n));
  }
  BARAZA_RETURN_IF_ERROR(q.status());
  return out;
}


Result<std::optional<TokenRecord>> SqliteCaseStore::FindToken(const std::string& hash) {
  BARAZA_READER(r);
  static const std::string sql = std::string(kTokenColumns) + "WHERE hash = ?";
  Query q(*r, sql.c_str());
  q.Bind(hash);
  if (!q.Next()) {
    BARAZA_RETURN_IF_ERROR(q.status());
    return std::optional<TokenRecord>{};
  }
  return std::optional<TokenRecord>{ReadToken(q)};
}

Result<std::vector<TokenRecord>> SqliteCaseStore::ListTokens() {
  BARAZA_READER(r);
  static const std::string sql = std::string(kTokenColumns) + "ORDER BY created_at, hash";
  Query q(*r, sql.c_str());
  std::vector<TokenRecord> out;
  while (q.Next()) out.push_back(ReadToken(q));
  BARAZA_RETURN_IF_ERROR(q.status());
  return out;
}

Result<int64_t> SqliteCaseStore::CountTokens(Role role) {
  BARAZA_READER(r);
  Query q(*r, "SELECT COUNT(*) FROM tokens WHERE role = ?");
  q.Bind(static_cast<int64_t>(role));
  if (!q.Next()) return q.status().ok() ? Status::Internal("no count") : q.status();
  return q.Int(0);
}

Result<std::optional<UnixMillis>> SqliteCaseStore::NextDeadline() {
  BARAZA_READER(r);
  Query q(*r, "SELECT MIN(due_at) FROM deadlines");
  if (!q.Next()) return q.status().ok() ? Status::Internal("no min") : q.status();
  if (q.IsNull(0)) return std::optional<UnixMillis>{};
  return std::optional<UnixMillis>{q.Int(0)};
}

Result<std::vector<Id>> SqliteCaseStore::CasesDue(UnixMillis now, int limit) {
  BARAZA_READER(r);
  Query q(*r,
          "SELECT case_id, MIN(due_at) AS due FROM deadlines WHERE due_at <= ? "
          "GROUP BY case_id ORDER BY due LIMIT ?");
  q.Bind(now).Bind(limit);
  std::vector<Id> out;
  while (q.Next()) out.push_back(q.Int(0));
  BARAZA_RETURN_IF_ERROR(q.status());
  return out;
}

Result<std::vector<Deadline>> SqliteCaseStore::DeadlinesOf(Id case_id) {
  BARAZA_READER(r);
  Query q(*r,
          "SELECT case_id, party_id, kind, due_at FROM deadlines WHERE case_id = ? "
          "ORDER BY due_at, party_id, kind");
  q.Bind(case_id);
  std::vector<Deadline> out;
  while (q.Next())
    out.push_back({q.Int(0), q.Int(1), static_cast<DeadlineKind>(q.Int(2)), q.Int(3)});
  BARAZA_RETURN_IF_ERROR(q.status());
  return out;
}

}  // namespace baraza

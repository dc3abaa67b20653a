#include "storage/sqlite_schema.h"

#include <unordered_map>

#include "storage/event_chain.h"
#include "storage/sqlite_record.h"
#include "storage/sql_rows.h"

namespace baraza::sqlite {
namespace {

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
)sql";

}  // namespace

const char* const kReportGuards = R"sql(
CREATE TRIGGER reports_no_update BEFORE UPDATE ON reports
  BEGIN SELECT RAISE(ABORT, 'a published report never changes; publish a correction'); END;
CREATE TRIGGER reports_no_delete BEFORE DELETE ON reports
  BEGIN SELECT RAISE(ABORT, 'a published report never changes; publish a correction'); END;
)sql";

const char* const kPositionGuards = R"sql(
CREATE TRIGGER positions_no_update BEFORE UPDATE ON positions
  BEGIN SELECT RAISE(ABORT, 'a stated position never changes'); END;
CREATE TRIGGER positions_no_delete BEFORE DELETE ON positions
  BEGIN SELECT RAISE(ABORT, 'a stated position never changes'); END;
)sql";

namespace {

// v5: the history binds the state. Each event may carry the projection rows
// its write changed (storage/projection.h), covered by its hash; the state an
// older database holds is sealed into the history once (SealExistingState).
const char* const kSchemaV5 = R"sql(
ALTER TABLE events ADD COLUMN changes BLOB NOT NULL DEFAULT x'';
)sql";

// v6: reach. Liaisons' contact points, and the outbox: one delivery per notice
// and contact point, written with the notice, sent by the delivery worker.
const char* const kSchemaV6 = R"sql(
CREATE TABLE contact_points(
  id INTEGER PRIMARY KEY, liaison_id INTEGER NOT NULL, party_id INTEGER NOT NULL,
  kind INTEGER NOT NULL, address TEXT NOT NULL, created_at INTEGER NOT NULL,
  removed_at INTEGER NOT NULL);
CREATE INDEX contact_points_by_party ON contact_points(party_id, id);
CREATE INDEX contact_points_by_liaison ON contact_points(liaison_id, id);
CREATE TABLE deliveries(
  id INTEGER PRIMARY KEY, notice_id INTEGER NOT NULL, case_id INTEGER NOT NULL,
  party_id INTEGER NOT NULL, contact_point_id INTEGER NOT NULL, liaison_id INTEGER NOT NULL,
  kind INTEGER NOT NULL, address TEXT NOT NULL, notice_kind INTEGER NOT NULL,
  state INTEGER NOT NULL, attempts INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL,
  detail TEXT NOT NULL, updated_at INTEGER NOT NULL);
CREATE INDEX deliveries_due ON deliveries(next_attempt_at) WHERE state = 1;
CREATE INDEX deliveries_by_notice ON deliveries(notice_id, contact_point_id);
CREATE INDEX deliveries_by_case ON deliveries(case_id, id);
)sql";

// v7: notices for every role. A notice is for a party's liaisons (as before:
// recipient_role 0), the mediators or a commander; so is a contact point.
const char* const kSchemaV7 = R"sql(
ALTER TABLE notices ADD COLUMN recipient_role INTEGER NOT NULL DEFAULT 0;
ALTER TABLE notices ADD COLUMN commander_id INTEGER NOT NULL DEFAULT 0;
CREATE INDEX notices_by_recipient ON notices(recipient_role, commander_id, id)
  WHERE recipient_role != 0;
ALTER TABLE contact_points ADD COLUMN role INTEGER NOT NULL DEFAULT 0;
ALTER TABLE contact_points ADD COLUMN commander_id INTEGER NOT NULL DEFAULT 0;
CREATE INDEX contact_points_by_role ON contact_points(role, commander_id, id) WHERE role != 0;
)sql";

// v8: confidential text at rest. The public id of the data key that the
// database's mediator-only positions are sealed with (storage/data_cipher.h);
// the key itself lives outside the database. Not a projection: the history
// does not record it, and `rebuild` leaves it as it is.
const char* const kSchemaV8 = R"sql(
CREATE TABLE data_key(id INTEGER PRIMARY KEY CHECK (id = 1), key_id TEXT NOT NULL);
)sql";

// v9: the history as a table keyed by its place in the whole log. Events are
// appended in log order, so every write appends to the same last pages instead
// of inserting into each case's part of a table clustered by (case, seq), and
// a record (up to a few KB) is stored in its row instead of on an overflow page
// of its own (a WITHOUT ROWID row keeps only ~1 KB in place). A case's events
// are found through events_by_case.
// From schema 9 on, case bodies are written as StoredCase messages
// (storage/case_body.cc) and old JSON bodies are read as they are: a binary
// before schema 9 could not read the new ones, which the version number guards.
const char* const kSchemaV9 = R"sql(
CREATE TABLE events_v9(
  log_seq INTEGER PRIMARY KEY, case_id INTEGER NOT NULL, seq INTEGER NOT NULL,
  at INTEGER NOT NULL, actor TEXT NOT NULL, type INTEGER NOT NULL, party_id INTEGER NOT NULL,
  visibility INTEGER NOT NULL, details TEXT NOT NULL, hash TEXT NOT NULL,
  log_hash TEXT NOT NULL, changes BLOB NOT NULL DEFAULT x'');
INSERT INTO events_v9(log_seq, case_id, seq, at, actor, type, party_id, visibility, details,
                      hash, log_hash, changes)
  SELECT log_seq, case_id, seq, at, actor, type, party_id, visibility, details, hash,
         log_hash, changes FROM events ORDER BY log_seq;
DROP TABLE events;
ALTER TABLE events_v9 RENAME TO events;
CREATE UNIQUE INDEX events_by_case ON events(case_id, seq);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END;
)sql";

// v10: each reader's language and each group's time zone (issue 17). Text
// columns added last, "" by default, which digests as a row did before them.
const char* const kSchemaV10 = R"sql(
ALTER TABLE contact_groups ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';
ALTER TABLE liaisons ADD COLUMN language TEXT NOT NULL DEFAULT '';
ALTER TABLE commanders ADD COLUMN language TEXT NOT NULL DEFAULT '';
)sql";

Status ChainExistingEvents(Connection& c) {
  std::vector<chain::StoredEvent> rows;
  {
    static const std::string sql =
        "SELECT case_id, seq, at, actor, type, party_id, visibility, details, 0, '', '', x'' "
        "FROM events ORDER BY at, case_id, seq";
    Query q(c, sql.c_str());
    while (q.Next()) rows.push_back(sql::ReadStoredEvent(q));
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

}  // namespace

Status Migrate(Connection& c, int newest) {
  Query q(c, "PRAGMA user_version");
  if (!q.Next()) return q.status().ok() ? Status::Internal("no user_version") : q.status();
  int64_t version = q.Int(0);
  q.Run();
  if (version > newest)
    return Status::FailedPrecondition(
        "the database schema is version " + std::to_string(version) + ", newer than the " +
        std::to_string(newest) +
        " this barazad knows; run a newer barazad or restore a matching backup");
  if (version == newest) return Status::Ok();
  BARAZA_RETURN_IF_ERROR(c.Exec("BEGIN IMMEDIATE"));
  Status s = Status::Ok();
  if (version < 1) s = c.Exec(kSchemaV1);
  if (s.ok() && version < 2) s = c.Exec(kSchemaV2Begin);
  if (s.ok() && version < 2) s = ChainExistingEvents(c);
  if (s.ok() && version < 2) s = c.Exec(kSchemaV2End);
  if (s.ok() && version < 3) s = c.Exec(kSchemaV3);
  if (s.ok() && version < 3) s = c.Exec(kReportGuards);
  if (s.ok() && version < 4) s = c.Exec(kSchemaV4);
  if (s.ok() && version < 4) s = c.Exec(kPositionGuards);
  if (s.ok() && version < 5) s = c.Exec(kSchemaV5);
  if (s.ok() && version < 6) s = c.Exec(kSchemaV6);
  if (s.ok() && version < 7) s = c.Exec(kSchemaV7);
  if (s.ok() && version < 8) s = c.Exec(kSchemaV8);
  if (s.ok() && version < 9) s = c.Exec(kSchemaV9);
  if (s.ok() && version < 10) s = c.Exec(kSchemaV10);
  // Last: it records every row of every table (those of v6 are empty then).
  if (s.ok() && version < 5) s = SealExistingState(c);
  if (s.ok()) {
    std::string set = "PRAGMA user_version = " + std::to_string(newest);
    s = c.Exec(set.c_str());
  }
  if (s.ok()) s = c.Exec("COMMIT");
  if (!s.ok()) c.Exec("ROLLBACK");
  return s;
}

}  // namespace baraza::sqlite

#include "storage/pg_schema.h"

#include <set>
#include <string>

#include "storage/projection.h"

namespace baraza::pg {
namespace {

// v1: the tables of the SQLite store's schema 8, with the same names, columns
// and meaning (docs/storage.md, "Tables"), so that a row digests the same in
// both stores and one history has one head. Integers are bigint, text is
// text, and the record of a write's changes and the case body (a StoredCase
// message) are bytea.
const char* const kSchemaV1 = R"sql(
CREATE TABLE contact_groups(
  id bigint PRIMARY KEY, name text NOT NULL, purpose text NOT NULL,
  kind bigint NOT NULL, appeal_window bigint NOT NULL, created_at bigint NOT NULL);
CREATE TABLE parties(
  id bigint PRIMARY KEY, group_id bigint NOT NULL REFERENCES contact_groups(id),
  name text NOT NULL, category bigint NOT NULL, created_at bigint NOT NULL,
  UNIQUE(group_id, name));
CREATE TABLE liaisons(
  id bigint PRIMARY KEY, party_id bigint NOT NULL REFERENCES parties(id),
  name text NOT NULL, created_at bigint NOT NULL);
CREATE INDEX liaisons_by_party ON liaisons(party_id);
CREATE TABLE requests(
  actor text NOT NULL, request_id text NOT NULL, fingerprint text NOT NULL,
  object_id bigint NOT NULL, response text NOT NULL, created_at bigint NOT NULL,
  PRIMARY KEY(actor, request_id));
CREATE TABLE commanders(
  id bigint PRIMARY KEY, name text NOT NULL, created_at bigint NOT NULL);
CREATE TABLE tokens(
  hash text PRIMARY KEY, role bigint NOT NULL, subject_id bigint NOT NULL,
  party_id bigint NOT NULL, group_id bigint NOT NULL, label text NOT NULL,
  created_at bigint NOT NULL, expires_at bigint NOT NULL, revoked_at bigint NOT NULL);
CREATE TABLE cases(
  id bigint PRIMARY KEY, group_id bigint NOT NULL REFERENCES contact_groups(id),
  state bigint NOT NULL, version bigint NOT NULL, updated_at bigint NOT NULL,
  commander_id bigint NOT NULL, body bytea NOT NULL);
CREATE INDEX cases_by_group ON cases(group_id, id);
CREATE INDEX cases_by_commander ON cases(commander_id, id) WHERE commander_id != 0;
CREATE TABLE case_parties(
  party_id bigint NOT NULL, case_id bigint NOT NULL, PRIMARY KEY(party_id, case_id));
CREATE TABLE events(
  case_id bigint NOT NULL, seq bigint NOT NULL, at bigint NOT NULL, actor text NOT NULL,
  type bigint NOT NULL, party_id bigint NOT NULL, visibility bigint NOT NULL,
  details text NOT NULL, log_seq bigint NOT NULL UNIQUE, hash text NOT NULL,
  log_hash text NOT NULL, changes bytea NOT NULL DEFAULT '\x',
  PRIMARY KEY(case_id, seq));
CREATE TABLE notices(
  id bigint PRIMARY KEY, case_id bigint NOT NULL, party_id bigint NOT NULL,
  kind bigint NOT NULL, text text NOT NULL, created_at bigint NOT NULL,
  deadline bigint NOT NULL, recipient_role bigint NOT NULL DEFAULT 0,
  commander_id bigint NOT NULL DEFAULT 0);
CREATE INDEX notices_by_party ON notices(party_id, id);
CREATE INDEX notices_by_recipient ON notices(recipient_role, commander_id, id)
  WHERE recipient_role != 0;
CREATE TABLE deadlines(
  case_id bigint NOT NULL, party_id bigint NOT NULL, kind bigint NOT NULL,
  due_at bigint NOT NULL, PRIMARY KEY(case_id, party_id, kind));
CREATE INDEX deadlines_by_due ON deadlines(due_at, case_id);
CREATE TABLE reports(
  id bigint PRIMARY KEY, case_id bigint NOT NULL, group_id bigint NOT NULL,
  corrects_id bigint NOT NULL, published_at bigint NOT NULL, published_by text NOT NULL,
  title text NOT NULL, history_head text NOT NULL, case_head text NOT NULL,
  sections text NOT NULL);
CREATE INDEX reports_by_group ON reports(group_id, id);
CREATE INDEX reports_by_case ON reports(case_id, id);
CREATE TABLE positions(
  case_id bigint NOT NULL, id bigint NOT NULL, party_id bigint NOT NULL,
  visibility bigint NOT NULL, stated_at bigint NOT NULL, text text NOT NULL,
  PRIMARY KEY(case_id, id));
CREATE TABLE contact_points(
  id bigint PRIMARY KEY, liaison_id bigint NOT NULL, party_id bigint NOT NULL,
  kind bigint NOT NULL, address text NOT NULL, created_at bigint NOT NULL,
  removed_at bigint NOT NULL, role bigint NOT NULL DEFAULT 0,
  commander_id bigint NOT NULL DEFAULT 0);
CREATE INDEX contact_points_by_party ON contact_points(party_id, id);
CREATE INDEX contact_points_by_liaison ON contact_points(liaison_id, id);
CREATE INDEX contact_points_by_role ON contact_points(role, commander_id, id) WHERE role != 0;
CREATE TABLE deliveries(
  id bigint PRIMARY KEY, notice_id bigint NOT NULL, case_id bigint NOT NULL,
  party_id bigint NOT NULL, contact_point_id bigint NOT NULL, liaison_id bigint NOT NULL,
  kind bigint NOT NULL, address text NOT NULL, notice_kind bigint NOT NULL,
  state bigint NOT NULL, attempts bigint NOT NULL, next_attempt_at bigint NOT NULL,
  detail text NOT NULL, updated_at bigint NOT NULL);
CREATE INDEX deliveries_due ON deliveries(next_attempt_at) WHERE state = 1;
CREATE INDEX deliveries_by_notice ON deliveries(notice_id, contact_point_id);
CREATE INDEX deliveries_by_case ON deliveries(case_id, id);
CREATE TABLE data_key(id bigint PRIMARY KEY CHECK (id = 1), key_id text NOT NULL);

-- The history, stated positions and published reports are append-only.
CREATE FUNCTION baraza_refuse_change() RETURNS trigger LANGUAGE plpgsql AS
  $$ BEGIN RAISE EXCEPTION '%', TG_ARGV[0]; END $$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events FOR EACH ROW
  EXECUTE FUNCTION baraza_refuse_change('the history is append-only');
CREATE TRIGGER positions_append_only BEFORE UPDATE OR DELETE ON positions FOR EACH ROW
  EXECUTE FUNCTION baraza_refuse_change('a stated position never changes');
CREATE TRIGGER reports_append_only BEFORE UPDATE OR DELETE ON reports FOR EACH ROW
  EXECUTE FUNCTION baraza_refuse_change('a published report never changes; publish a correction');
)sql";

// v2: each reader's language and each group's time zone (SQLite's schema 10).
const char* const kSchemaV2 = R"sql(
ALTER TABLE contact_groups ADD COLUMN time_zone text NOT NULL DEFAULT '';
ALTER TABLE liaisons ADD COLUMN language text NOT NULL DEFAULT '';
ALTER TABLE commanders ADD COLUMN language text NOT NULL DEFAULT '';
)sql";

// v3: no planner statistics for the columns nothing searches, joins or orders
// by: the wide text and bytes that are a row's payload. ANALYZE skips them,
// which halves its time on the history (pg::Statistics and autovacuum run it).
const char* const kSchemaV3 = R"sql(
ALTER TABLE events ALTER COLUMN actor SET STATISTICS 0, ALTER COLUMN details SET STATISTICS 0,
  ALTER COLUMN hash SET STATISTICS 0, ALTER COLUMN log_hash SET STATISTICS 0,
  ALTER COLUMN changes SET STATISTICS 0;
ALTER TABLE cases ALTER COLUMN body SET STATISTICS 0;
ALTER TABLE notices ALTER COLUMN text SET STATISTICS 0;
ALTER TABLE deliveries ALTER COLUMN address SET STATISTICS 0,
  ALTER COLUMN detail SET STATISTICS 0;
ALTER TABLE requests ALTER COLUMN fingerprint SET STATISTICS 0,
  ALTER COLUMN response SET STATISTICS 0;
ALTER TABLE positions ALTER COLUMN text SET STATISTICS 0;
ALTER TABLE reports ALTER COLUMN published_by SET STATISTICS 0,
  ALTER COLUMN title SET STATISTICS 0, ALTER COLUMN history_head SET STATISTICS 0,
  ALTER COLUMN case_head SET STATISTICS 0, ALTER COLUMN sections SET STATISTICS 0;
)sql";

// Every column barazad writes (projection::Tables()) is in the schema: a
// column added to the projection without a PostgreSQL schema version is named
// here at start, rather than failing every write that touches it.
Status CheckColumns(Connection& c) {
  std::set<std::string> have;
  Query q(c,
          "SELECT table_name || '.' || column_name FROM information_schema.columns "
          "WHERE table_schema = current_schema()");
  while (q.Next()) have.insert(q.Text(0));
  BARAZA_RETURN_IF_ERROR(q.status());
  for (const auto& t : projection::Tables())
    for (const char* col : t.columns)
      if (!have.count(std::string(t.name) + "." + col))
        return Status::FailedPrecondition(
            std::string("the PostgreSQL schema has no column ") + t.name + "." + col +
            ", which this barazad writes; add a schema version that adds it "
            "(storage/pg_schema.cc, PgCaseStore::kSchemaVersion)");
  return Status::Ok();
}

}  // namespace

Status Migrate(Connection& c, int newest) {
  BARAZA_RETURN_IF_ERROR(c.Exec("BEGIN"));
  auto fail = [&](Status s) {
    c.Exec("ROLLBACK");
    return s;
  };
  const std::string lock = "SELECT pg_advisory_xact_lock(" + std::to_string(kHistoryLock) + ")";
  Status s = c.Exec(lock);
  if (s.ok()) s = c.Exec("CREATE TABLE IF NOT EXISTS schema_version(version bigint NOT NULL)");
  if (!s.ok()) return fail(s);
  int64_t version = 0;
  {
    Query q(c, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
    if (q.Next()) version = q.Int(0);
    if (!q.status().ok()) return fail(q.status());
  }
  if (version > newest)
    return fail(Status::FailedPrecondition(
        "the PostgreSQL database's schema is version " + std::to_string(version) +
        ", newer than the " + std::to_string(newest) +
        " this barazad knows; run a newer barazad or restore a matching backup"));
  if (version == newest) return fail(CheckColumns(c));
  if (version < 1) s = c.Exec(kSchemaV1);
  if (s.ok() && version < 2) s = c.Exec(kSchemaV2);
  if (s.ok() && version < 3) s = c.Exec(kSchemaV3);
  if (s.ok()) s = CheckColumns(c);
  if (s.ok()) s = c.Exec("DELETE FROM schema_version");
  if (s.ok()) s = c.Exec("INSERT INTO schema_version VALUES(" + std::to_string(newest) + ")");
  if (s.ok()) s = c.Exec("COMMIT");
  if (!s.ok()) return fail(s);
  return s;
}

}  // namespace baraza::pg

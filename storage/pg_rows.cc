#include "storage/pg_rows.h"

#include "storage/case_codec.h"
#include "storage/sqlite_confidential.h"

namespace baraza::pg {

const char* const kEventColumns =
    "SELECT case_id, seq, at, actor, type, party_id, visibility, details, log_seq, hash, log_hash, "
    "changes FROM events ";

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
  r.changes = q.Blob(11);
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

namespace {

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

}  // namespace

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
    Query q(c,
            "SELECT id, name, purpose, kind, created_at, appeal_window, time_zone "
            "FROM contact_groups WHERE id = ?");
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
    g.time_zone = q.Text(6);
  }
  static const std::string sql = std::string(kPartyColumns) + "WHERE p.group_id = ? ORDER BY p.id";
  Query q(c, sql.c_str());
  q.Bind(id);
  while (q.Next()) g.parties.push_back(ReadParty(q));
  if (!q.status().ok()) return q.status();
  return g;
}

namespace {
// A case's positions, in order, from their table.
Status LoadPositions(Connection& c, Case& out, const DataCipher* cipher) {
  Query q(c,
          "SELECT id, party_id, visibility, stated_at, text FROM positions "
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
    BARAZA_ASSIGN_OR_RETURN(p.text, sqlite::PlainPositionText(cipher, out.id, p));
    out.positions.push_back(std::move(p));
  }
  return q.status();
}

}  // namespace

Result<Case> DecodeStoredCase(Connection& c, const std::string& body, const DataCipher* cipher) {
  auto decoded = codec::DecodeCase(body);
  if (!decoded.ok()) return decoded.status();
  BARAZA_RETURN_IF_ERROR(LoadPositions(c, *decoded, cipher));
  return decoded;
}

Result<Case> LoadCase(Connection& c, Id id, const DataCipher* cipher) {
  std::string body;
  {
    Query q(c, "SELECT body FROM cases WHERE id = ?");
    q.Bind(id);
    if (!q.Next()) {
      if (!q.status().ok()) return q.status();
      return Status::NotFound("case " + std::to_string(id) + " does not exist");
    }
    body = q.Blob(0);
  }
  return DecodeStoredCase(c, body, cipher);
}

Result<Liaison> LoadLiaison(Connection& c, Id id) {
  Query q(c, "SELECT id, party_id, name, created_at, language FROM liaisons WHERE id = ?");
  q.Bind(id);
  if (!q.Next()) {
    BARAZA_RETURN_IF_ERROR(q.status());
    return Status::NotFound("liaison " + std::to_string(id) + " does not exist");
  }
  return Liaison{q.Int(0), q.Int(1), q.Text(2), q.Int(3), q.Text(4)};
}

Result<Commander> LoadCommander(Connection& c, Id id) {
  Query q(c, "SELECT id, name, created_at, language FROM commanders WHERE id = ?");
  q.Bind(id);
  if (!q.Next()) {
    BARAZA_RETURN_IF_ERROR(q.status());
    return NoSuchCommander(id);
  }
  return Commander{q.Int(0), q.Text(1), q.Int(2), q.Text(3)};
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

const char* const kNoticeColumns =
    "SELECT id, case_id, party_id, kind, text, created_at, deadline, recipient_role, "
    "commander_id FROM notices ";

Notice ReadNotice(Query& q) {
  return projection::NoticeOf(
      {q.Int(0), q.Int(1), q.Int(2), q.Int(3), q.Text(4), q.Int(5), q.Int(6), q.Int(7), q.Int(8)});
}

Result<Notice> LoadNotice(Connection& c, Id id) {
  static const std::string sql = std::string(kNoticeColumns) + "WHERE id = ?";
  Query q(c, sql.c_str());
  q.Bind(id);
  if (!q.Next()) {
    BARAZA_RETURN_IF_ERROR(q.status());
    return Status::NotFound("notice " + std::to_string(id) + " does not exist");
  }
  return ReadNotice(q);
}

}  // namespace baraza::pg

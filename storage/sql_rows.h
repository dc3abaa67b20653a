// Reading the stores' rows into the model: groups, parties, cases with their
// positions, events, reports, tokens, notices. One code for SQLite and PostgreSQL
// (the same tables and columns): templates over the connection (`C`, with its
// `C::Query`) and the query (`Q`) of storage/sqlite_connection.h or pg_connection.h.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "storage/case_codec.h"
#include "storage/case_store.h"
#include "storage/data_cipher.h"
#include "storage/event_chain.h"
#include "storage/projection.h"
#include "storage/sqlite_confidential.h"

namespace baraza::sql {


inline constexpr const char* kEventColumns =
    "SELECT case_id, seq, at, actor, type, party_id, visibility, details, log_seq, hash, log_hash, "
    "changes FROM events ";

template <class Q>
inline chain::StoredEvent ReadStoredEvent(Q& q) {
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

inline constexpr const char* kTokenColumns =
    "SELECT hash, role, subject_id, party_id, group_id, label, created_at, expires_at, "
    "revoked_at FROM tokens ";

template <class Q>
inline TokenRecord ReadToken(Q& q) {
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

namespace detail {

inline constexpr const char* kPartyColumns =
    "SELECT p.id, p.group_id, p.name, p.category, p.created_at, "
    "(SELECT COUNT(*) FROM liaisons l WHERE l.party_id = p.id) FROM parties p ";

template <class Q>
inline Party ReadParty(Q& q) {
  Party p;
  p.id = q.Int(0);
  p.group_id = q.Int(1);
  p.name = q.Text(2);
  p.category = static_cast<PartyCategory>(q.Int(3));
  p.created_at = q.Int(4);
  p.liaison_count = static_cast<int>(q.Int(5));
  return p;
}

}  // namespace detail

template <class C>
inline Result<Party> LoadParty(C& c, Id id) {
  static const std::string sql = std::string(detail::kPartyColumns) + "WHERE p.id = ?";
  typename C::Query q(c, sql.c_str());
  q.Bind(id);
  if (!q.Next()) {
    if (!q.status().ok()) return q.status();
    return Status::NotFound("party " + std::to_string(id) + " does not exist");
  }
  return detail::ReadParty(q);
}

template <class C>
inline Result<ContactGroup> LoadGroup(C& c, Id id) {
  ContactGroup g;
  {
    typename C::Query q(c, "SELECT id, name, purpose, kind, created_at, appeal_window, time_zone "
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
  static const std::string sql = std::string(detail::kPartyColumns) + "WHERE p.group_id = ? ORDER BY p.id";
  typename C::Query q(c, sql.c_str());
  q.Bind(id);
  while (q.Next()) g.parties.push_back(detail::ReadParty(q));
  if (!q.status().ok()) return q.status();
  return g;
}

template <class C>
inline Result<Liaison> LoadLiaison(C& c, Id id) {
  typename C::Query q(c, "SELECT id, party_id, name, created_at, language FROM liaisons WHERE id = ?");
  q.Bind(id);
  if (!q.Next()) {
    BARAZA_RETURN_IF_ERROR(q.status());
    return Status::NotFound("liaison " + std::to_string(id) + " does not exist");
  }
  return Liaison{q.Int(0), q.Int(1), q.Text(2), q.Int(3), q.Text(4)};
}

template <class C>
inline Result<Commander> LoadCommander(C& c, Id id) {
  typename C::Query q(c, "SELECT id, name, created_at, language FROM commanders WHERE id = ?");
  q.Bind(id);
  if (!q.Next()) {
    BARAZA_RETURN_IF_ERROR(q.status());
    return NoSuchCommander(id);
  }
  return Commander{q.Int(0), q.Text(1), q.Int(2), q.Text(3)};
}

namespace detail {
inline constexpr const char* kPositionsOfCase =
    "SELECT id, party_id, visibility, stated_at, text FROM positions WHERE case_id = ? "
    "ORDER BY id";

// The position in the current row's columns from `first` (id, party_id,
// visibility, stated_at, text), its text unsealed.
template <class Q>
inline Result<Position> PositionAt(Q& q, int first, Id case_id, const DataCipher* cipher) {
  Position p;
  p.id = q.Int(first);
  p.party_id = q.Int(first + 1);
  p.visibility = static_cast<Visibility>(q.Int(first + 2));
  p.stated_at = q.Int(first + 3);
  p.text = q.Text(first + 4);
  BARAZA_ASSIGN_OR_RETURN(p.text, sqlite::PlainPositionText(cipher, case_id, p));
  return p;
}

// A case's positions, in order, from the rows of kPositionsOfCase.
template <class Q>
inline Status ReadPositions(Q& q, Case& out, const DataCipher* cipher) {
  out.positions.clear();
  while (q.Next()) {
    BARAZA_ASSIGN_OR_RETURN(Position p, PositionAt(q, 0, out.id, cipher));
    out.positions.push_back(std::move(p));
  }
  return q.status();
}

// The case a row of `cases` holds (body: binary, or an old JSON text),
// without its positions; refused when the body is another case's (moved to
// this row behind the server's back), which no read or write may build on.
inline Result<Case> CaseOfRow(Id row_id, const std::string& body) {
  auto decoded = codec::DecodeCase(body);
  if (!decoded.ok()) return decoded.status();
  if (decoded->id != row_id)
    return Status::Internal("case " + std::to_string(row_id) + "'s row holds the body of case " +
                            std::to_string(decoded->id) + "; run barazad audit verify");
  return decoded;
}

// The sizes of "IN (?,...)" lists a query is prepared with (one statement
// each), and the largest that `remaining` values fill.
inline constexpr size_t kInListSizes[] = {64, 16, 4, 1};
inline size_t InListSize(size_t remaining) {
  for (size_t n : kInListSizes)
    if (n <= remaining) return n;
  return 1;
}

// kPositionsOfCase for n cases at once ("case_id IN (?,...)"), n one of kInListSizes.
inline const char* PositionsOfCases(size_t n) {
  static const std::map<size_t, std::string> kSql = [] {
    std::map<size_t, std::string> out;
    for (size_t chunk : kInListSizes) {
      std::string sql =
          "SELECT case_id, id, party_id, visibility, stated_at, text FROM positions "
          "WHERE case_id IN (";
      for (size_t i = 0; i < chunk; ++i) sql += i ? ",?" : "?";
      out[chunk] = sql + ") ORDER BY case_id, id";
    }
    return out;
  }();
  return kSql.at(n).c_str();
}

// The positions of every case of `cases` (decoded without them), not a query
// each: on PostgreSQL one for them all (C::kIdArrays), on SQLite one for up to
// 64 cases.
inline constexpr const char* kPositionsOfCaseArray =
    "SELECT case_id, id, party_id, visibility, stated_at, text FROM positions "
    "WHERE case_id = ANY(?::bigint[]) ORDER BY case_id, id";
template <class C>
inline Status LoadPositionsOf(C& c, const std::vector<Case*>& cases, const DataCipher* cipher) {
  std::map<Id, Case*> by_id;
  for (Case* k : cases) {
    k->positions.clear();
    by_id[k->id] = k;
  }
  auto read = [&](typename C::Query& q) -> Status {
    while (q.Next()) {
      Case& k = *by_id.at(q.Int(0));
      BARAZA_ASSIGN_OR_RETURN(Position p, PositionAt(q, 1, k.id, cipher));
      k.positions.push_back(std::move(p));
    }
    return q.status();
  };
  if (by_id.empty()) return Status::Ok();
  if constexpr (C::kIdArrays) {
    std::string ids = "{";
    for (const auto& [id, k] : by_id) ids += (ids.size() > 1 ? "," : "") + std::to_string(id);
    typename C::Query q(c, kPositionsOfCaseArray);
    q.Bind(ids + "}");
    return read(q);
  } else {
    std::vector<Id> ids;
    for (const auto& [id, k] : by_id) ids.push_back(id);
    for (size_t first = 0; first < ids.size();) {
      const size_t n = InListSize(ids.size() - first);
      typename C::Query q(c, PositionsOfCases(n));
      for (size_t i = first; i < first + n; ++i) q.Bind(ids[i]);
      BARAZA_RETURN_IF_ERROR(read(q));
      first += n;
    }
    return Status::Ok();
  }
}

}  // namespace detail

// A case's body and its positions in one statement (one round trip to
// PostgreSQL): the case's row first (0, body), then a row for each position
// (1, NULL, id, party_id, visibility, stated_at, text), in order.
inline constexpr const char* kCaseWithPositions =
    "SELECT 0, body, 0, 0, 0, 0, '' FROM cases WHERE id = ?1 UNION ALL "
    "SELECT 1, NULL, id, party_id, visibility, stated_at, text FROM positions "
    "WHERE case_id = ?1 ORDER BY 1, 3";

template <class C>
inline Result<Case> LoadCase(C& c, Id id, const DataCipher* cipher) {
  typename C::Query q(c, kCaseWithPositions);
  q.Bind(id);
  if (!q.Next() || q.Int(0) != 0) {
    if (!q.status().ok()) return q.status();
    return Status::NotFound("case " + std::to_string(id) + " does not exist");
  }
  auto decoded = detail::CaseOfRow(id, q.Blob(1));
  if (!decoded.ok()) return decoded.status();
  decoded->positions.clear();
  while (q.Next()) {
    BARAZA_ASSIGN_OR_RETURN(Position p, detail::PositionAt(q, 2, decoded->id, cipher));
    decoded->positions.push_back(std::move(p));
  }
  BARAZA_RETURN_IF_ERROR(q.status());
  return decoded;
}

template <class C>
inline Result<std::vector<Event>> LoadEvents(C& c, Id case_id) {
  static const std::string sql = std::string(kEventColumns) + "WHERE case_id = ? ORDER BY seq";
  typename C::Query q(c, sql.c_str());
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

inline constexpr const char* kReportColumns =
    "SELECT id, case_id, group_id, corrects_id, published_at, published_by, title, "
    "history_head, case_head, sections FROM reports ";

template <class Q>
inline Result<Report> ReadReport(Q& q) {
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

template <class C>
inline Result<Report> LoadReport(C& c, Id id) {
  static const std::string sql = std::string(kReportColumns) + "WHERE id = ?";
  typename C::Query q(c, sql.c_str());
  q.Bind(id);
  if (!q.Next()) {
    BARAZA_RETURN_IF_ERROR(q.status());
    return NoSuchReport(id);
  }
  return ReadReport(q);
}

inline constexpr const char* kNoticeColumns =
    "SELECT id, case_id, party_id, kind, text, created_at, deadline, recipient_role, "
    "commander_id FROM notices ";

template <class Q>
inline Notice ReadNotice(Q& q) {
  return projection::NoticeOf({q.Int(0), q.Int(1), q.Int(2), q.Int(3), q.Text(4), q.Int(5),
                               q.Int(6), q.Int(7), q.Int(8)});
}

template <class C>
inline Result<Notice> LoadNotice(C& c, Id id) {
  static const std::string sql = std::string(kNoticeColumns) + "WHERE id = ?";
  typename C::Query q(c, sql.c_str());
  q.Bind(id);
  if (!q.Next()) {
    BARAZA_RETURN_IF_ERROR(q.status());
    return Status::NotFound("notice " + std::to_string(id) + " does not exist");
  }
  return ReadNotice(q);
}

}  // namespace baraza::sql

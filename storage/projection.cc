#include "storage/projection.h"

#include <algorithm>

#include "baraza/record/changes.pb.h"
#include "storage/case_codec.h"
#include "services/auth/sha256.h"

namespace baraza::projection {
namespace {

int64_t I(Id v) { return static_cast<int64_t>(v); }
template <typename E>
int64_t E64(E v) { return static_cast<int64_t>(v); }

void PutInt(std::string& out, int64_t v) {
  auto u = static_cast<uint64_t>(v);
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((u >> shift) & 0xff));
}

// Cells as bytes that no other sequence of cells produces: a tag, then a
// fixed-size integer or a length-prefixed text.
void PutCells(std::string& out, Table table, const Row& row, size_t n) {
  PutInt(out, static_cast<int64_t>(table));
  for (size_t i = 0; i < n && i < row.size(); ++i) {
    if (const auto* v = std::get_if<int64_t>(&row[i])) {
      out.push_back('i');
      PutInt(out, *v);
    } else {
      const auto& s = std::get<std::string>(row[i]);
      out.push_back('t');
      PutInt(out, static_cast<int64_t>(s.size()));
      out += s;
    }
  }
}

int64_t IntAt(const Row& row, int i) {
  if (i < 0 || static_cast<size_t>(i) >= row.size()) return 0;
  const auto* v = std::get_if<int64_t>(&row[static_cast<size_t>(i)]);
  return v ? *v : 0;
}

std::string CellText(const Cell& c) {
  if (const auto* v = std::get_if<int64_t>(&c)) return std::to_string(*v);
  return std::get<std::string>(c);
}

}  // namespace

const std::vector<TableSpec>& Tables() {
  static const std::vector<TableSpec> kTables = {
      {Table::kContactGroups, "contact_groups",
       {"id", "name", "purpose", "kind", "appeal_window", "created_at", "time_zone"}, 1, -1,
       "contact group", 6, "t"},  // time_zone (schema 9)
      {Table::kParties, "parties", {"id", "group_id", "name", "category", "created_at"}, 1, -1,
       "party"},
      // language (schema 9), as commanders'.
      {Table::kLiaisons, "liaisons", {"id", "party_id", "name", "created_at", "language"}, 1, -1,
       "liaison", 4, "t"},
      {Table::kCommanders, "commanders", {"id", "name", "created_at", "language"}, 1, -1,
       "commander", 3, "t"},
      {Table::kTokens, "tokens",
       {"hash", "role", "subject_id", "party_id", "group_id", "label", "created_at", "expires_at",
        "revoked_at"},
       1, -1, "token"},
      {Table::kCases, "cases",
       {"id", "group_id", "state", "version", "updated_at", "commander_id", "body"}, 1, 0, "case"},
      {Table::kCaseParties, "case_parties", {"party_id", "case_id"}, 2, 1, "party of case"},
      {Table::kPositions, "positions",
       {"case_id", "id", "party_id", "visibility", "stated_at", "text"}, 2, 0, "position"},
      // recipient_role (schema 7): 0 for a party's notice, else the Role it is for.
      {Table::kNotices, "notices",
       {"id", "case_id", "party_id", "kind", "text", "created_at", "deadline", "recipient_role",
        "commander_id"},
       1, 1, "notice", 7},
      {Table::kDeadlines, "deadlines", {"case_id", "party_id", "kind", "due_at"}, 3, 0,
       "deadline"},
      {Table::kRequests, "requests",
       {"actor", "request_id", "fingerprint", "object_id", "response", "created_at"}, 2, -1,
       "request"},
      {Table::kReports, "reports",
       {"id", "case_id", "group_id", "corrects_id", "published_at", "published_by", "title",
        "history_head", "case_head", "sections"},
       1, 1, "report"},
      // role (schema 7): 0 for a liaison's contact point, else the Role it is of.
      {Table::kContactPoints, "contact_points",
       {"id", "liaison_id", "party_id", "kind", "address", "created_at", "removed_at", "role",
        "commander_id"},
       1, -1, "contact point", 7},
      {Table::kDeliveries, "deliveries",
       {"id", "notice_id", "case_id", "party_id", "contact_point_id", "liaison_id", "kind",
        "address", "notice_kind", "state", "attempts", "next_attempt_at", "detail", "updated_at"},
       1, 2, "delivery"},
  };
  return kTables;
}

const TableSpec* Spec(uint32_t table) {
  for (const auto& t : Tables())
    if (static_cast<uint32_t>(t.table) == table) return &t;
  return nullptr;
}

const TableSpec& Spec(Table table) { return *Spec(static_cast<uint32_t>(table)); }

std::string KeyOf(Table table, const Row& row) {
  std::string out;
  PutCells(out, table, row, Spec(table).key_columns);
  return out;
}

std::string DigestOf(Table table, const Row& row) {
  RowDigester d;
  d.Begin(table);
  for (const Cell& cell : row) {
    if (const auto* v = std::get_if<int64_t>(&cell)) d.Int(*v);
    else d.Text(std::get<std::string>(cell).data(), std::get<std::string>(cell).size());
  }
  return d.Finish();
}

void RowDigester::Begin(Table table) {
  bytes_.assign("baraza-row-v1");
  PutInt(bytes_, static_cast<int64_t>(table));
  held_.clear();
  column_ = 0;
  first_columns_ = Spec(table).first_columns;
}

void RowDigester::Column() {
  bytes_ += held_;
  held_.clear();
  ++column_;
}

void RowDigester::Int(int64_t v) {
  if (first_columns_ != 0 && column_ >= first_columns_ && v == 0) {
    held_.push_back('i');
    PutInt(held_, v);
    ++column_;
    return;
  }
  Column();
  bytes_.push_back('i');
  PutInt(bytes_, v);
}

void RowDigester::Text(const char* data, size_t size) {
  if (first_columns_ != 0 && column_ >= first_columns_ && size == 0) {
    held_.push_back('t');
    PutInt(held_, 0);
    ++column_;
    return;
  }
  Column();
  bytes_.push_back('t');
  PutInt(bytes_, static_cast<int64_t>(size));
  bytes_.append(data, size);
}

std::string RowDigester::Finish() const { return auth::Sha256(bytes_); }

Id CaseOf(Table table, const Row& row) { return IntAt(row, Spec(table).case_column); }

std::string Describe(Table table, const Row& row) {
  const TableSpec& spec = Spec(table);
  std::string out = spec.row_name;
  auto key = [&](size_t i) { return i < row.size() ? CellText(row[i]) : std::string("?"); };
  switch (table) {
    case Table::kTokens: return out + " " + key(0).substr(0, 12);
    case Table::kCaseParties: return "party " + key(0) + " of case " + key(1);
    case Table::kPositions: return out + " " + key(1) + " of case " + key(0);
    case Table::kDeadlines:
      return "deadline (party " + key(1) + ", kind " + key(2) + ") of case " + key(0);
    case Table::kRequests: return out + " \"" + key(1) + "\" of " + key(0);
    default: break;
  }
  out += " " + key(0);
  if (spec.case_column > 0) out += " of case " + key(static_cast<size_t>(spec.case_column));
  return out;
}

Row GroupRow(const ContactGroup& g) {
  return {I(g.id), g.name, g.purpose, E64(g.kind), I(g.appeal_window), I(g.created_at),
          g.time_zone};
}
Row PartyRow(const Party& p) {
  return {I(p.id), I(p.group_id), p.name, E64(p.category), I(p.created_at)};
}
Row LiaisonRow(const Liaison& l) {
  return {I(l.id), I(l.party_id), l.name, I(l.created_at), l.language};
}
Row CommanderRow(const Commander& c) { return {I(c.id), c.name, I(c.created_at), c.language}; }
Row TokenRow(const TokenRecord& t) {
  return {t.hash, E64(t.role), I(t.subject_id), I(t.party_id), I(t.group_id), t.label,
          I(t.created_at), I(t.expires_at), I(t.revoked_at)};
}
Row CaseRow(const Case& c, const std::string& body) {
  return {I(c.id), I(c.group_id), E64(c.state), I(c.version), I(c.updated_at),
          I(c.filed_by_commander_id), body};
}
Row CasePartyRow(Id party_id, Id case_id) { return {I(party_id), I(case_id)}; }
Row PositionRow(Id case_id, const Position& p) {
  return {I(case_id), I(p.id), I(p.party_id), E64(p.visibility), I(p.stated_at), p.text};
}
namespace {
std::string TextAt(const Row& row, size_t i) {
  if (i >= row.size()) return {};
  const auto* v = std::get_if<std::string>(&row[i]);
  return v ? *v : std::string();
}

// How a recipient's role is stored: 0 for a party's liaisons (the first kind,
// stored before the others existed), else the Role.
int64_t StoredRole(Role r) { return r == Role::kLiaison ? 0 : static_cast<int64_t>(r); }
Role RoleStored(int64_t v) { return v == 0 ? Role::kLiaison : static_cast<Role>(v); }
}  // namespace

// A notice's text column holds its message, encoded (codec::EncodeMessage), or
// for a notice written before messages existed its English text: no column was
// added, so every older row and record digests as it did.
Row NoticeRow(const Notice& n) {
  std::string text = n.message.empty() ? n.text : codec::EncodeMessage(n.message);
  return {I(n.id), I(n.case_id), I(n.PartyId()), E64(n.kind), std::move(text), I(n.created_at),
          I(n.deadline), StoredRole(n.to.role),
          I(n.to.role == Role::kCommander ? n.to.id : 0)};
}

Notice NoticeOf(const Row& r) {
  Notice n;
  n.id = IntAt(r, 0);
  n.case_id = IntAt(r, 1);
  n.kind = static_cast<NoticeKind>(IntAt(r, 3));
  n.text = TextAt(r, 4);
  if (auto m = codec::DecodeMessage(n.text)) {
    n.message = std::move(*m);
    n.text.clear();
  }
  n.created_at = IntAt(r, 5);
  n.deadline = IntAt(r, 6);
  n.to.role = RoleStored(IntAt(r, 7));
  n.to.id = n.to.role == Role::kLiaison ? IntAt(r, 2) : IntAt(r, 8);
  return n;
}
Row DeadlineRow(const Deadline& d) {
  return {I(d.case_id), I(d.party_id), E64(d.kind), I(d.due_at)};
}
Row RequestRow(const StoredRequest& r) {
  return {r.actor, r.request_id, r.fingerprint, I(r.object_id), r.response, I(r.created_at)};
}
Row ReportRow(const Report& r, const std::string& sections) {
  return {I(r.id), I(r.case_id), I(r.group_id), I(r.corrects_report_id), I(r.published_at),
          r.published_by, r.title, r.history_head, r.case_head, sections};
}

std::vector<DeadlineChange> DiffDeadlines(std::vector<Deadline> stored,
                                          const std::vector<Deadline>& wanted) {
  auto key = [](const Deadline& d) { return std::pair(d.party_id, static_cast<int>(d.kind)); };
  std::sort(stored.begin(), stored.end(),
            [&](const Deadline& a, const Deadline& b) { return key(a) < key(b); });
  std::vector<DeadlineChange> out;
  for (const Deadline& old : stored)
    if (std::none_of(wanted.begin(), wanted.end(),
                     [&](const Deadline& d) { return key(d) == key(old); }))
      out.push_back({old, std::nullopt, true});
  for (const Deadline& d : wanted) {
    auto it = std::find_if(stored.begin(), stored.end(),
                           [&](const Deadline& old) { return key(d) == key(old); });
    if (it != stored.end() && it->due_at == d.due_at) continue;  // unchanged
    std::optional<Deadline> old;
    if (it != stored.end()) old = *it;
    out.push_back({d, old, false});
  }
  return out;
}

Event RegistryEvent(int64_t seq, UnixMillis at, const std::vector<Change>& changes) {
  constexpr size_t kListed = 10;
  std::string summary;
  for (size_t i = 0; i < changes.size() && i < kListed; ++i) {
    const auto& ch = changes[i];
    summary += (i ? "; " : "") + Describe(ch.table, ch.row) + (ch.deleted ? " deleted" : " written");
  }
  if (changes.size() > kListed)
    summary += "; and " + std::to_string(changes.size() - kListed) + " more";
  Event e;
  e.case_id = 0;
  e.seq = seq;
  e.at = at;
  e.actor = "system";
  e.type = EventType::kRegistryChanged;
  e.visibility = Visibility::kMediatorOnly;
  e.details["changed"] = summary;
  return e;
}

Row ContactPointRow(const ContactPoint& p) {
  return {I(p.id), I(p.liaison_id), I(p.party_id), E64(p.kind), p.address, I(p.created_at),
          I(p.removed_at), StoredRole(p.role), I(p.commander_id)};
}

Row DeliveryRow(const Delivery& d) {
  return {I(d.id), I(d.notice_id), I(d.case_id), I(d.party_id), I(d.contact_point_id),
          I(d.liaison_id), E64(d.kind), d.address, E64(d.notice_kind), E64(d.state),
          I(d.attempts), I(d.next_attempt_at), d.detail, I(d.updated_at)};
}


ContactPoint ContactPointOf(const Row& r) {
  ContactPoint p;
  p.id = IntAt(r, 0);
  p.liaison_id = IntAt(r, 1);
  p.party_id = IntAt(r, 2);
  p.kind = static_cast<ContactKind>(IntAt(r, 3));
  p.address = TextAt(r, 4);
  p.created_at = IntAt(r, 5);
  p.removed_at = IntAt(r, 6);
  p.role = RoleStored(IntAt(r, 7));
  p.commander_id = IntAt(r, 8);
  return p;
}

Delivery DeliveryOf(const Row& r) {
  Delivery d;
  d.id = IntAt(r, 0);
  d.notice_id = IntAt(r, 1);
  d.case_id = IntAt(r, 2);
  d.party_id = IntAt(r, 3);
  d.contact_point_id = IntAt(r, 4);
  d.liaison_id = IntAt(r, 5);
  d.kind = static_cast<ContactKind>(IntAt(r, 6));
  d.address = TextAt(r, 7);
  d.notice_kind = static_cast<NoticeKind>(IntAt(r, 8));
  d.state = static_cast<DeliveryState>(IntAt(r, 9));
  d.attempts = static_cast<int>(IntAt(r, 10));
  d.next_attempt_at = IntAt(r, 11);
  d.detail = TextAt(r, 12);
  d.updated_at = IntAt(r, 13);
  return d;
}

// --------------------------------------------------------------- StateSum ---

namespace {
std::array<uint64_t, 4> Limbs(const std::string& digest) {
  std::array<uint64_t, 4> out{};
  for (size_t limb = 0; limb < 4; ++limb) {
    uint64_t v = 0;
    for (size_t b = 0; b < 8; ++b) {
      size_t i = (3 - limb) * 8 + b;  // big-endian bytes, least significant limb first
      v = (v << 8) | (i < digest.size() ? static_cast<unsigned char>(digest[i]) : 0);
    }
    out[limb] = v;
  }
  return out;
}
}  // namespace

void StateSum::Add(const std::string& digest) {
  auto d = Limbs(digest);
  unsigned __int128 carry = 0;
  for (size_t i = 0; i < 4; ++i) {
    unsigned __int128 s = static_cast<unsigned __int128>(limbs_[i]) + d[i] + carry;
    limbs_[i] = static_cast<uint64_t>(s);
    carry = s >> 64;
  }
}

void StateSum::Subtract(const std::string& digest) {
  auto d = Limbs(digest);
  uint64_t borrow = 0;
  for (size_t i = 0; i < 4; ++i) {
    uint64_t a = limbs_[i];
    uint64_t r = a - d[i] - borrow;
    borrow = (a < d[i] || (a == d[i] && borrow)) ? 1 : 0;
    limbs_[i] = r;
  }
}

std::string StateSum::Bytes() const {
  std::string out;
  for (int limb = 3; limb >= 0; --limb) PutInt(out, static_cast<int64_t>(limbs_[limb]));
  return out;
}

Result<StateSum> StateSum::FromBytes(const std::string& bytes) {
  if (bytes.size() != 32) return Status::DataLoss("a recorded state sum is not 32 bytes");
  StateSum s;
  s.limbs_ = Limbs(bytes);
  return s;
}

std::string StateSum::Hex() const {
  std::string b = Bytes();
  return auth::Hex(reinterpret_cast<const unsigned char*>(b.data()), b.size());
}

// --------------------------------------------------------------- Recorder ---

void Recorder::Put(Table table, Row row, const Row* old) {
  if (old) sum_.Subtract(DigestOf(table, *old));
  sum_.Add(DigestOf(table, row));
  changes_.push_back({table, std::move(row), false});
}

void Recorder::Delete(Table table, const Row& old) {
  sum_.Subtract(DigestOf(table, old));
  Row key(old.begin(), old.begin() + static_cast<std::ptrdiff_t>(
                                         std::min(old.size(), Spec(table).key_columns)));
  changes_.push_back({table, std::move(key), true});
}

std::string Recorder::Take() {
  std::string out = Encode(changes_, sum_);
  changes_.clear();
  return out;
}

void Recorder::WriteDone(bool ok) {
  if (ok) good_ = sum_;
  else sum_ = good_;
  changes_.clear();  // taken by the write's events when it succeeded
}

// ---------------------------------------------------------------- codec ---

std::string Encode(const std::vector<Change>& changes, const StateSum& sum) {
  record::Changes msg;
  for (const Change& c : changes) {
    auto* row = msg.add_rows();
    row->set_table(static_cast<uint32_t>(c.table));
    row->set_deleted(c.deleted);
    for (const Cell& cell : c.row) {
      auto* v = row->add_values();
      if (const auto* i = std::get_if<int64_t>(&cell)) v->set_int_(*i);
      else v->set_text(std::get<std::string>(cell));
    }
  }
  msg.set_state_sum(sum.Bytes());
  std::string out;
  msg.SerializeToString(&out);
  return out;
}

Result<Decoded> Decode(const std::string& bytes) {
  record::Changes msg;
  if (!msg.ParseFromString(bytes))
    return Status::DataLoss("the changes recorded with an event cannot be read");
  Decoded out;
  BARAZA_ASSIGN_OR_RETURN(out.sum, StateSum::FromBytes(msg.state_sum()));
  for (const auto& r : msg.rows()) {
    const TableSpec* spec = Spec(r.table());
    if (!spec) return Status::DataLoss("an event records a change of unknown table " +
                                       std::to_string(r.table()));
    size_t want = r.deleted() ? spec->key_columns : spec->columns.size();
    size_t have = static_cast<size_t>(r.values_size());
    // Recorded before columns were added: they hold their default, 0 or "".
    bool older = !r.deleted() && spec->first_columns != 0 && have >= spec->first_columns &&
                 have < want;
    if (have != want && !older)
      return Status::DataLoss(std::string("an event records a ") + spec->row_name + " with " +
                              std::to_string(r.values_size()) + " columns instead of " +
                              std::to_string(want));
    Change c{spec->table, {}, r.deleted()};
    for (const auto& v : r.values()) {
      if (v.kind_case() == record::Value::kInt) c.row.emplace_back(static_cast<int64_t>(v.int_()));
      else c.row.emplace_back(v.text());
    }
    while (c.row.size() < want && older) {
      size_t added = c.row.size() - spec->first_columns;
      if (added < std::char_traits<char>::length(spec->added_kinds) && spec->added_kinds[added] == 't')
        c.row.emplace_back(std::string());
      else
        c.row.emplace_back(int64_t{0});
    }
    out.changes.push_back(std::move(c));
  }
  return out;
}

}  // namespace baraza::projection

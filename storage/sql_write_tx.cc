#include "storage/sql_write_tx.h"

#include <algorithm>
#include <tuple>

#include "storage/case_codec.h"
#include "storage/pg_connection.h"
#include "storage/sql_record.h"
#include "storage/sql_rows.h"
#include "storage/sqlite_confidential.h"
#include "storage/sqlite_connection.h"

namespace baraza::sql {


using projection::Row;
using projection::Table;

using sqlite::StoredPositionRow;

namespace {
constexpr const char* kDeadlinesOfCase =
    "SELECT party_id, kind, due_at FROM deadlines WHERE case_id = ?";
template <class Q>
Deadline DeadlineRead(Q& q, Id case_id) {
  return Deadline{case_id, q.Int(0), static_cast<DeadlineKind>(q.Int(1)), q.Int(2)};
}
}  // namespace

template <class C>
Status SqlTx<C>::Begin() {
  BARAZA_ASSIGN_OR_RETURN(chain::Head stored, history_.StoredHead());
  if (committed_head_ && committed_head_->events == stored.events &&
      committed_head_->hash == stored.hash)
    return Status::Ok();
  committed_head_.reset();
  history_.Forget();
  ForgetReads();
  BARAZA_ASSIGN_OR_RETURN(projection::StateSum sum, RecordedSum(c_));
  recorder_.Reset(sum);
  return Status::Ok();
}

template <class C>
Status SqlTx<C>::FinishWrite() {
  if (recorder_.empty()) return Status::Ok();
  BARAZA_ASSIGN_OR_RETURN(typename HistoryWriter<C>::Tail tail, history_.CaseTail(0));
  Event e = projection::RegistryEvent(tail.seq + 1, registry_at_, recorder_.pending());
  registry_at_ = 0;
  return history_.Append(e, codec::EncodeDetails(e.details), recorder_.Take());
}

template <class C>
void SqlTx<C>::WriteDone(bool ok) {
  if (ok)
    for (auto& [id, c] : staged_) pending_[id] = std::move(c);
  staged_.clear();
  history_.WriteDone(ok);
  recorder_.WriteDone(ok);
  registry_at_ = 0;
  if (ok) {
    good_notices_ = {first_notice_, last_notice_};
  } else {
    std::tie(first_notice_, last_notice_) = good_notices_;
    // A write refused before it wrote anything (the usual refusal) leaves what
    // this transaction knows true: the batch's other writes keep it.
    if (c_.changed()) ForgetReads();
  }
}

template <class C>
std::vector<CaseRef> SqlTx<C>::TakeSaved(bool committed) {
  std::vector<CaseRef> out;
  for (auto& [id, c] : pending_) out.push_back(std::move(c));
  pending_.clear();
  requests_.clear();  // kept for one transaction
  first_notice_ = last_notice_ = 0;
  good_notices_ = {0, 0};
  committed_head_.reset();
  if (committed) {
    // As this transaction left it (never read after the COMMIT: another
    // barazad may have written since).
    committed_head_ = history_.KnownHead();
    if (kept_cases_.keeps()) kept_cases_.Committed(std::vector<CaseRef>(out));
  } else {  // read everything again next time
    history_.Forget();
    ForgetReads();
    auto sum = RecordedSum(c_);
    recorder_.Reset(sum.ok() ? *sum : projection::StateSum());
  }
  return out;
}

template <class C>
void SqlTx<C>::ForgetReads() {
  groups_.clear();
  contact_points_.clear();
  next_case_.reset();
  next_ids_.clear();
  case_rows_.clear();
  case_rows_bytes_ = 0;
  stored_positions_.clear();
  deadlines_.clear();
  requests_.clear();
  kept_cases_.Clear();
}

template <class C>
void SqlTx<C>::KeepBounded() {
  if (case_rows_.size() >= kKnownCases || case_rows_bytes_ >= kKnownRowBytes) {
    case_rows_.clear();
    case_rows_bytes_ = 0;
  }
  if (stored_positions_.size() >= kKnownCases) stored_positions_.clear();
  if (deadlines_.size() >= kKnownCases) deadlines_.clear();
}

template <class C>
void SqlTx<C>::KeepRow(Id id, projection::Row row) {
  KeepBounded();
  auto bytes = [](const projection::Row& r) {
    return std::get<std::string>(r[kCaseBodyColumn]).size() + 64;
  };
  if (auto old = case_rows_.find(id); old != case_rows_.end()) case_rows_bytes_ -= bytes(old->second);
  case_rows_bytes_ += bytes(row);
  case_rows_[id] = std::move(row);
}

// Groups change only through this writer (InsertGroup, InsertParty,
// InsertLiaison forget them all), so a group once loaded is kept: opening a
// case needs its group, and a FileDispute would otherwise read it twice.
template <class C>
Result<ContactGroup> SqlTx<C>::GetGroup(Id id) {
  if (auto it = groups_.find(id); it != groups_.end()) return it->second;
  auto g = LoadGroup(c_, id);
  if (g.ok() && groups_.size() < 1024) groups_.emplace(id, *g);
  return g;
}

template <class C>
Result<Party> SqlTx<C>::GetParty(Id id) { return LoadParty(c_, id); }

template <class C>
Result<Liaison> SqlTx<C>::GetLiaison(Id id) { return LoadLiaison(c_, id); }

template <class C>
Result<Commander> SqlTx<C>::GetCommander(Id id) { return LoadCommander(c_, id); }

template <class C>
Status SqlTx<C>::SetReaderLanguage(Role role, Id id, const std::string& language, UnixMillis now) {
  bool liaison = role == Role::kLiaison;
  Table table = liaison ? Table::kLiaisons : Table::kCommanders;
  BARAZA_ASSIGN_OR_RETURN(auto old, ReadRow(c_, table, {id}));
  if (!old)
    return liaison ? Status::NotFound("liaison " + std::to_string(id) + " does not exist")
                   : NoSuchCommander(id);
  Query q(c_, liaison ? "UPDATE liaisons SET language = ? WHERE id = ?"
                      : "UPDATE commanders SET language = ? WHERE id = ?");
  q.Bind(language).Bind(id);
  BARAZA_RETURN_IF_ERROR(q.Send());
  Row row = *old;
  row.back() = language;  // the language is the last column of both tables
  recorder_.Put(table, std::move(row), &*old);
  Touch(now);
  return Status::Ok();
}

template <class C>
Result<CaseRef> SqlTx<C>::GetCaseShared(Id id) {
  // This transaction's own writes first (immutable once saved: shared, not
  // copied), then the committed state, cached or loaded.
  if (auto it = staged_.find(id); it != staged_.end()) return it->second;
  if (auto it = pending_.find(id); it != pending_.end()) return it->second;
  if (auto cached = cache_.Get(id)) return cached;
  // A kept case only with all that its save needs (the maps may have been
  // cleared apart): else read together below, not one by one at the save.
  if (auto kept = kept_cases_.Get(id);
      kept && case_rows_.count(id) && stored_positions_.count(id) && deadlines_.count(id) &&
      history_.KnowsTail(id))
    return kept;
  // What the save that follows needs too, read together (one round trip in
  // PostgreSQL's pipeline): the whole row (its old row, for the state sum), the
  // positions, the pending deadlines and the last event.
  Query row_q(c_, SqlOf(Table::kCases).select_key.c_str()), positions_q(c_, detail::kPositionsOfCase),
      deadlines_q(c_, kDeadlinesOfCase), tail_q(c_, HistoryWriter<C>::kCaseTailSql);
  for (Query* q : {&row_q, &positions_q, &deadlines_q, &tail_q}) {
    q->Bind(id);
    q->Start();
  }
  if (!row_q.Next()) {
    BARAZA_RETURN_IF_ERROR(row_q.status());
    return Status::NotFound("case " + std::to_string(id) + " does not exist");
  }
  Row row = ReadCells(row_q, projection::Spec(Table::kCases).columns.size());
  auto c = detail::CaseOfRow(id, std::get<std::string>(row[kCaseBodyColumn]));
  if (!c.ok()) return c.status();
  BARAZA_RETURN_IF_ERROR(detail::ReadPositions(positions_q, *c, cipher_));
  std::vector<Deadline> deadlines;
  while (deadlines_q.Next()) deadlines.push_back(DeadlineRead(deadlines_q, id));
  BARAZA_RETURN_IF_ERROR(deadlines_q.status());
  typename HistoryWriter<C>::Tail tail;
  if (tail_q.Next()) tail = {tail_q.Int(0), tail_q.Text(1)};
  BARAZA_RETURN_IF_ERROR(tail_q.status());
  history_.NoteTail(id, std::move(tail));
  KeepBounded();
  deadlines_[id] = std::move(deadlines);
  KeepRow(id, std::move(row));
  stored_positions_[id] = c->positions.empty() ? 0 : c->positions.back().id;
  auto loaded = std::make_shared<const Case>(std::move(c).value());
  if (kept_cases_.keeps()) kept_cases_.AddLoaded(loaded, kept_cases_.Epoch());
  return loaded;
}

// Inserts a row under a new id and records it; returns the id.
template <class C>
Result<Id> SqlTx<C>::InsertNew(Table table, Row row) {
  auto next = next_ids_.find(table);
  if (next == next_ids_.end()) {
    BARAZA_ASSIGN_OR_RETURN(Id first, NextRowId(c_, table));
    next = next_ids_.emplace(table, first).first;
  }
  const Id id = next->second;
  row[0] = id;
  BARAZA_RETURN_IF_ERROR(InsertRow(c_, table, row));
  next->second = id + 1;
  recorder_.Put(table, std::move(row));
  return id;
}

template <class C>
Result<Id> SqlTx<C>::InsertGroup(const ContactGroup& g) {
  groups_.clear();
  BARAZA_ASSIGN_OR_RETURN(Id id, InsertNew(Table::kContactGroups, projection::GroupRow(g)));
  Touch(g.created_at);
  return id;
}

template <class C>
Result<Id> SqlTx<C>::InsertParty(const Party& p) {
  groups_.clear();
  auto g = LoadGroup(c_, p.group_id);
  if (!g.ok()) return g.status();
  for (const auto& other : g->parties)
    if (other.name == p.name)
      return Status::AlreadyExists("a party named \"" + p.name + "\" is already in contact group " +
                                   std::to_string(p.group_id));
  BARAZA_ASSIGN_OR_RETURN(Id id, InsertNew(Table::kParties, projection::PartyRow(p)));
  Touch(p.created_at);
  return id;
}

template <class C>
Result<Id> SqlTx<C>::InsertLiaison(const Liaison& l) {
  groups_.clear();
  auto p = LoadParty(c_, l.party_id);
  if (!p.ok()) return p.status();
  BARAZA_ASSIGN_OR_RETURN(Id id, InsertNew(Table::kLiaisons, projection::LiaisonRow(l)));
  Touch(l.created_at);
  return id;
}

template <class C>
Result<Id> SqlTx<C>::InsertCommander(const Commander& commander) {
  BARAZA_ASSIGN_OR_RETURN(Id id, InsertNew(Table::kCommanders, projection::CommanderRow(commander)));
  Touch(commander.created_at);
  return id;
}

template <class C>
Status SqlTx<C>::InsertToken(const TokenRecord& t) {
  Row row = projection::TokenRow(t);
  BARAZA_RETURN_IF_ERROR(InsertRow(c_, Table::kTokens, row));
  recorder_.Put(Table::kTokens, std::move(row));
  Touch(t.created_at);
  return Status::Ok();
}

template <class C>
Result<TokenRecord> SqlTx<C>::RevokeToken(const std::string& token_id, UnixMillis now) {
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
  Row old = projection::TokenRow(*t);
  Query q(c_, "UPDATE tokens SET revoked_at = ? WHERE hash = ?");
  q.Bind(now).Bind(t->hash);
  BARAZA_RETURN_IF_ERROR(q.Send());
  t->revoked_at = now;
  recorder_.Put(Table::kTokens, projection::TokenRow(*t), &old);
  Touch(now);
  return *t;
}

// Only this writer inserts cases, so the next id is read once and then counted.
template <class C>
Result<Id> SqlTx<C>::NextCaseId() {
  if (next_case_) return *next_case_;
  Query q(c_, "SELECT COALESCE(MAX(id), 0) + 1 FROM cases");
  if (!q.Next()) return q.status().ok() ? Status::Internal("no next case id") : q.status();
  next_case_ = q.Int(0);
  return *next_case_;
}

template <class C>
Result<std::vector<Event>> SqlTx<C>::ListEvents(Id case_id) { return LoadEvents(c_, case_id); }

template <class C>
Result<HistoryHeads> SqlTx<C>::Heads(Id case_id) {
  HistoryHeads h;
  BARAZA_ASSIGN_OR_RETURN(chain::Head log, history_.LogHead());
  h.log = chain::Head::After(log.events, log.hash).ToString();
  BARAZA_ASSIGN_OR_RETURN(typename HistoryWriter<C>::Tail tail, history_.CaseTail(case_id));
  h.case_last = tail.hash;
  return h;
}

template <class C>
Result<Id> SqlTx<C>::NextReportId() {
  Query q(c_, "SELECT COALESCE(MAX(id), 0) + 1 FROM reports");
  if (!q.Next()) return q.status().ok() ? Status::Internal("no next report id") : q.status();
  return q.Int(0);
}

template <class C>
Result<Report> SqlTx<C>::GetReport(Id id) { return LoadReport(c_, id); }

template <class C>
Status SqlTx<C>::InsertReport(const Report& r) {
  Row row = projection::ReportRow(r, codec::EncodeSections(r.sections));
  BARAZA_RETURN_IF_ERROR(InsertRow(c_, Table::kReports, row));
  recorder_.Put(Table::kReports, std::move(row));
  Touch(r.published_at);
  return Status::Ok();
}

// Appends a save's events; the last carries every row the write changed.
template <class C>
Status SqlTx<C>::AppendEvents(const std::vector<Event>& events, bool is_new) {
  for (size_t i = 0; i < events.size(); ++i) {
    const Event& e = events[i];
    std::string changes = i + 1 == events.size() ? recorder_.Take() : std::string();
    BARAZA_RETURN_IF_ERROR(
        history_.Append(e, codec::EncodeDetails(e.details), changes, is_new && i == 0));
  }
  return Status::Ok();
}

// Positions are only ever added: insert those the stored case does not have.
template <class C>
Status SqlTx<C>::AppendPositions(const Case& c, bool is_new) {
  if (c.positions.empty()) return Status::Ok();
  int64_t stored = 0;
  if (auto known = stored_positions_.find(c.id); known != stored_positions_.end()) {
    stored = known->second;
  } else if (!is_new) {
    Query q(c_, "SELECT COALESCE(MAX(id), 0) FROM positions WHERE case_id = ?");
    q.Bind(c.id);
    if (q.Next()) stored = q.Int(0);
    BARAZA_RETURN_IF_ERROR(q.status());
  }
  // Positions are in id order: find the first new one from the end, so that a
  // position added to a long case does not walk all the others.
  size_t first_new = c.positions.size();
  while (first_new > 0 && c.positions[first_new - 1].id > stored) --first_new;
  for (size_t i = first_new; i < c.positions.size(); ++i) {
    BARAZA_ASSIGN_OR_RETURN(Row row, StoredPositionRow(cipher_, c.id, c.positions[i]));
    BARAZA_RETURN_IF_ERROR(InsertRow(c_, Table::kPositions, row));
    recorder_.Put(Table::kPositions, std::move(row));
  }
  stored_positions_[c.id] = c.positions.back().id;
  return Status::Ok();
}

template <class C>
Status SqlTx<C>::SaveCase(CaseRef saved, const std::vector<Event>& events, std::vector<Notice>& notices,
                      const std::vector<Deadline>& deadlines) {
  const Case& c = *saved;
  // Version 1 is a new case: a plain INSERT, which fails if the id is taken.
  // A later version replaces the stored one only if that is the version before it.
  const bool is_new = c.version == 1;
  auto changed_meanwhile = [&] {
    return Status(Code::kAborted, "case " + std::to_string(c.id) +
                                      " changed meanwhile (it is not at version " +
                                      std::to_string(c.version - 1) + ")");
  };
  if (c.version < 1) return changed_meanwhile();
  Row row = projection::CaseRow(c, codec::EncodeCase(c, codec::Positions::kLeftOut));
  std::optional<Row> old;
  if (is_new) {
    // A plain INSERT (on PostgreSQL, sent with the batch's other new cases):
    // the id taken means the case exists, at version 1 or later.
    Status inserted = InsertRow(c_, Table::kCases, row);
    if (inserted.code() == Code::kAlreadyExists) return changed_meanwhile();
    BARAZA_RETURN_IF_ERROR(inserted);
  } else {
    // The row it replaces, for the state sum: as this transaction read or
    // saved it, else read now.
    if (auto known = case_rows_.find(c.id); known != case_rows_.end()) {
      old = known->second;
    } else {
      BARAZA_ASSIGN_OR_RETURN(old, ReadRow(c_, Table::kCases, {c.id}));
    }
    Query q(c_,
            "UPDATE cases SET state = ?, version = ?, updated_at = ?, body = ? "
            "WHERE id = ? AND version = ?");
    q.Bind(row[2]).Bind(row[3]).Bind(row[4]).BindBlob(std::get<std::string>(row[kCaseBodyColumn]))
        .Bind(c.id).Bind(c.version - 1);
    // No row at that version: another write changed the case (the pipeline's
    // failure, on PostgreSQL, reruns the batch and this write gets the error).
    BARAZA_RETURN_IF_ERROR(q.Send(1, changed_meanwhile()));
  }
  KeepRow(c.id, row);
  recorder_.Put(Table::kCases, std::move(row), old ? &*old : nullptr);
  BARAZA_RETURN_IF_ERROR(AppendPositions(c, is_new));
  staged_[c.id] = std::move(saved);  // `c` stays valid: the map holds the same case
  if (is_new && next_case_ && c.id >= *next_case_) next_case_ = c.id + 1;
  if (is_new) {  // a new case (its INSERT above would fail otherwise) has no such rows yet
    std::vector<Id> parties = c.PartyIds();
    std::sort(parties.begin(), parties.end());
    parties.erase(std::unique(parties.begin(), parties.end()), parties.end());
    for (Id p : parties) {
      Query q(c_, "INSERT INTO case_parties(party_id, case_id) VALUES(?,?)");
      q.Bind(p).Bind(c.id);
      BARAZA_RETURN_IF_ERROR(q.Send());
      recorder_.Put(Table::kCaseParties, projection::CasePartyRow(p, c.id));
    }
  }
  for (Notice& n : notices) {
    BARAZA_ASSIGN_OR_RETURN(n.id, InsertNew(Table::kNotices, projection::NoticeRow(n)));
    if (first_notice_ == 0) first_notice_ = n.id;
    last_notice_ = n.id;
    for (Delivery& d : n.deliveries) {
      d.notice_id = n.id;
      BARAZA_RETURN_IF_ERROR(InsertDelivery(d));
    }
  }
  BARAZA_RETURN_IF_ERROR(ReplaceDeadlines(c.id, is_new, deadlines));
  return AppendEvents(events, is_new);
}

template <class C>
Result<Id> SqlTx<C>::InsertContactPoint(const ContactPoint& p) {
  contact_points_.clear();
  BARAZA_ASSIGN_OR_RETURN(Id id, InsertNew(Table::kContactPoints, projection::ContactPointRow(p)));
  Touch(p.created_at);
  return id;
}

template <class C>
Result<ContactPoint> SqlTx<C>::RemoveContactPoint(Id id, UnixMillis now) {
  contact_points_.clear();
  BARAZA_ASSIGN_OR_RETURN(auto old, ReadRow(c_, Table::kContactPoints, {id}));
  if (!old) return NoSuchContactPoint(id);
  ContactPoint p = projection::ContactPointOf(*old);
  if (p.removed_at != 0)
    return Status::FailedPrecondition("contact point " + std::to_string(id) +
                                      " was removed already");
  p.removed_at = now;
  Row row = projection::ContactPointRow(p);
  Query q(c_, "UPDATE contact_points SET removed_at = ? WHERE id = ?");
  q.Bind(now).Bind(id);
  BARAZA_RETURN_IF_ERROR(q.Send());
  recorder_.Put(Table::kContactPoints, std::move(row), &*old);
  Touch(now);
  return p;
}

template <class C>
Result<std::vector<ContactPoint>> SqlTx<C>::ContactPointsFor(const Recipient& to) {
  if (auto it = contact_points_.find(to); it != contact_points_.end()) return it->second;
  Result<std::vector<projection::Row>> rows =
      to.role == Role::kLiaison
          ? SelectRows(c_, Table::kContactPoints,
                       "party_id = ? AND role = 0 AND removed_at = 0 ORDER BY id", {to.id})
      : to.role == Role::kMediator
          ? SelectRows(c_, Table::kContactPoints,
                       "role != 0 AND role = 1 AND commander_id = 0 AND removed_at = 0 "
                       "ORDER BY id",
                       {})
          : SelectRows(c_, Table::kContactPoints,
                       "role != 0 AND role = 3 AND commander_id = ? AND removed_at = 0 "
                       "ORDER BY id",
                       {to.id});
  if (!rows.ok()) return rows.status();
  std::vector<ContactPoint> out;
  for (const auto& r : *rows) out.push_back(projection::ContactPointOf(r));
  if (contact_points_.size() >= 4096) contact_points_.clear();  // bounded
  contact_points_[to] = out;
  return out;
}

template <class C>
Result<Notice> SqlTx<C>::GetNotice(Id notice_id) { return LoadNotice(c_, notice_id); }

template <class C>
Result<Delivery> SqlTx<C>::GetDelivery(Id delivery_id) {
  BARAZA_ASSIGN_OR_RETURN(auto row, ReadRow(c_, Table::kDeliveries, {delivery_id}));
  if (!row) return NoSuchDelivery(delivery_id);
  return projection::DeliveryOf(*row);
}

template <class C>
Result<std::optional<Delivery>> SqlTx<C>::FindDelivery(Id notice_id, Id contact_point_id) {
  BARAZA_ASSIGN_OR_RETURN(auto rows, SelectRows(c_, Table::kDeliveries,
                                                "notice_id = ? AND contact_point_id = ? LIMIT 1",
                                                {notice_id, contact_point_id}));
  if (rows.empty()) return std::optional<Delivery>();
  return std::optional<Delivery>(projection::DeliveryOf(rows[0]));
}

template <class C>
Status SqlTx<C>::InsertDelivery(Delivery& d) {
  BARAZA_ASSIGN_OR_RETURN(d.id, InsertNew(Table::kDeliveries, projection::DeliveryRow(d)));
  return Status::Ok();
}

template <class C>
Status SqlTx<C>::UpdateDelivery(const Delivery& d) {
  BARAZA_ASSIGN_OR_RETURN(auto old, ReadRow(c_, Table::kDeliveries, {d.id}));
  if (!old) return NoSuchDelivery(d.id);
  Row row = projection::DeliveryRow(d);
  BARAZA_RETURN_IF_ERROR(DeleteRow(c_, Table::kDeliveries, row));
  BARAZA_RETURN_IF_ERROR(InsertRow(c_, Table::kDeliveries, row));
  recorder_.Put(Table::kDeliveries, std::move(row), &*old);
  return Status::Ok();
}

// Makes the case's pending deadlines `deadlines`, touching only those that
// changed: a deadline rewritten as it was would still dirty a page of the
// index by due time (most changes end one party's deadline and keep the rest).
template <class C>
Status SqlTx<C>::ReplaceDeadlines(Id case_id, bool is_new, const std::vector<Deadline>& deadlines) {
  std::vector<Deadline> stored;  // a new case has none yet
  if (auto known = deadlines_.find(case_id); known != deadlines_.end()) {
    stored = known->second;
  } else if (!is_new) {
    Query q(c_, kDeadlinesOfCase);
    q.Bind(case_id);
    while (q.Next()) stored.push_back(DeadlineRead(q, case_id));
    BARAZA_RETURN_IF_ERROR(q.status());
  }
  deadlines_[case_id] = deadlines;  // as they will be once written
  for (Deadline& d : deadlines_[case_id]) d.case_id = case_id;
  for (const auto& ch : projection::DiffDeadlines(std::move(stored), deadlines)) {
    Deadline d = ch.deadline;
    d.case_id = case_id;
    Row row = projection::DeadlineRow(d);
    if (ch.deleted) {
      BARAZA_RETURN_IF_ERROR(DeleteRow(c_, Table::kDeadlines, row));
      recorder_.Delete(Table::kDeadlines, row);
      continue;
    }
    std::optional<Row> old;
    if (ch.old) {  // the stored deadline read above: it moves
      old = projection::DeadlineRow(*ch.old);
      Query q(c_, "UPDATE deadlines SET due_at = ? WHERE case_id = ? AND party_id = ? AND kind = ?");
      q.Bind(d.due_at).Bind(case_id).Bind(d.party_id).Bind(static_cast<int64_t>(d.kind));
      BARAZA_RETURN_IF_ERROR(q.Send(1, Status::Internal("a deadline of case " +
                                                        std::to_string(case_id) +
                                                        " is not where it was read")));
    } else {
      BARAZA_RETURN_IF_ERROR(InsertRow(c_, Table::kDeadlines, row));
    }
    recorder_.Put(Table::kDeadlines, std::move(row), old ? &*old : nullptr);
  }
  return Status::Ok();
}


template class SqlTx<sqlite::Connection>;
template class SqlTx<pg::Connection>;

}  // namespace baraza::sql

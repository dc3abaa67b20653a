#include "storage/memory_case_store.h"

#include <algorithm>
#include <set>

#include "storage/case_codec.h"
#include "storage/event_chain.h"

namespace baraza {
namespace {

Party WithLiaisonCount(const MemoryCaseStore::Data& d, Party p) {
  p.liaison_count = static_cast<int>(std::count_if(
      d.liaisons.begin(), d.liaisons.end(), [&](const auto& kv) { return kv.second.party_id == p.id; }));
  return p;
}

Result<ContactGroup> GroupOf(const MemoryCaseStore::Data& d, Id group_id) {
  auto it = d.groups.find(group_id);
  if (it == d.groups.end())
    return Status::NotFound("contact group " + std::to_string(group_id) + " does not exist");
  ContactGroup g = it->second;
  g.parties.clear();
  for (const auto& [id, p] : d.parties)
    if (p.group_id == group_id) g.parties.push_back(WithLiaisonCount(d, p));
  return g;
}

Result<Party> PartyOf(const MemoryCaseStore::Data& d, Id party_id) {
  auto it = d.parties.find(party_id);
  if (it == d.parties.end())
    return Status::NotFound("party " + std::to_string(party_id) + " does not exist");
  return WithLiaisonCount(d, it->second);
}

Result<Case> CaseOf(const MemoryCaseStore::Data& d, Id case_id) {
  auto it = d.cases.find(case_id);
  if (it == d.cases.end())
    return Status::NotFound("case " + std::to_string(case_id) + " does not exist");
  return it->second;
}

Id NextKey(const auto& map) { return map.empty() ? 1 : map.rbegin()->first + 1; }

Result<Notice> NoticeOf(const MemoryCaseStore::Data& d, Id notice_id) {
  auto it = d.notices.find(notice_id);
  if (it == d.notices.end())
    return Status::NotFound("notice " + std::to_string(notice_id) + " does not exist");
  return it->second;
}

using projection::Row;
using projection::Table;

// Records the same changes as the SQLite store, in the same order, so that
// both chain the same history to the same head.
class MemoryTx : public WriteTx {
 public:
  explicit MemoryTx(MemoryCaseStore::Data& d) : d_(d) { recorder_.Reset(d.state_sum); }

  // Rows changed with no event to carry them go into a registry event (case 0).
  void FinishWrite() {
    if (!recorder_.empty()) {
      auto& log = d_.events[0];
      Event e = projection::RegistryEvent(log.empty() ? 1 : log.back().seq + 1, registry_at_,
                                          recorder_.pending());
      Append(e, recorder_.Take());
    }
    d_.state_sum = recorder_.sum();
  }
  Result<ContactGroup> GetGroup(Id id) override { return GroupOf(d_, id); }
  Result<Party> GetParty(Id id) override { return PartyOf(d_, id); }
  Result<Liaison> GetLiaison(Id id) override {
    auto it = d_.liaisons.find(id);
    if (it == d_.liaisons.end())
      return Status::NotFound("liaison " + std::to_string(id) + " does not exist");
    return it->second;
  }
  Result<Commander> GetCommander(Id id) override {
    auto it = d_.commanders.find(id);
    if (it == d_.commanders.end()) return NoSuchCommander(id);
    return it->second;
  }
  Result<CaseRef> GetCaseShared(Id id) override {
    auto c = CaseOf(d_, id);
    if (!c.ok()) return c.status();
    return std::make_shared<const Case>(std::move(c).value());
  }
  Result<Id> InsertGroup(const ContactGroup& g) override {
    Id id = NextKey(d_.groups);
    d_.groups[id] = g;
    d_.groups[id].id = id;
    Record(Table::kContactGroups, projection::GroupRow(d_.groups[id]), g.created_at);
    return id;
  }
  Result<Id> InsertParty(const Party& p) override {
    if (!d_.groups.count(p.group_id))
      return Status::NotFound("contact group " + std::to_string(p.group_id) + " does not exist");
    for (const auto& [id, other] : d_.parties)
      if (other.group_id == p.group_id && other.name == p.name)
        return Status::AlreadyExists("a party named \"" + p.name + "\" is already in the group");
    Id id = NextKey(d_.parties);
    d_.parties[id] = p;
    d_.parties[id].id = id;
    Record(Table::kParties, projection::PartyRow(d_.parties[id]), p.created_at);
    return id;
  }
  Result<Id> InsertLiaison(const Liaison& l) override {
    if (!d_.parties.count(l.party_id))
      return Status::NotFound("party " + std::to_string(l.party_id) + " does not exist");
    Id id = NextKey(d_.liaisons);
    d_.liaisons[id] = l;
    d_.liaisons[id].id = id;
    Record(Table::kLiaisons, projection::LiaisonRow(d_.liaisons[id]), l.created_at);
    return id;
  }
  Status SetReaderLanguage(Role role, Id id, const std::string& language,
                           UnixMillis now) override {
    if (role == Role::kLiaison) {
      auto it = d_.liaisons.find(id);
      if (it == d_.liaisons.end())
        return Status::NotFound("liaison " + std::to_string(id) + " does not exist");
      Row old = projection::LiaisonRow(it->second);
      it->second.language = language;
      recorder_.Put(Table::kLiaisons, projection::LiaisonRow(it->second), &old);
    } else {
      auto it = d_.commanders.find(id);
      if (it == d_.commanders.end()) return NoSuchCommander(id);
      Row old = projection::CommanderRow(it->second);
      it->second.language = language;
      recorder_.Put(Table::kCommanders, projection::CommanderRow(it->second), &old);
    }
    registry_at_ = std::max(registry_at_, now);
    return Status::Ok();
  }
  Result<Id> InsertCommander(const Commander& c) override {
    Id id = NextKey(d_.commanders);
    d_.commanders[id] = c;
    d_.commanders[id].id = id;
    Record(Table::kCommanders, projection::CommanderRow(d_.commanders[id]), c.created_at);
    return id;
  }
  Result<std::optional<StoredRequest>> FindRequest(const std::string& actor,
                                                   const std::string& request_id) override {
    auto it = d_.requests.find({actor, request_id});
    if (it == d_.requests.end()) return std::optional<StoredRequest>();
    return std::optional<StoredRequest>(it->second);
  }
  Status InsertRequest(const StoredRequest& r) override {
    if (!d_.requests.emplace(std::pair(r.actor, r.request_id), r).second)
      return Status::AlreadyExists("request " + r.request_id + " exists");
    Record(Table::kRequests, projection::RequestRow(r), r.created_at);
    return Status::Ok();
  }
  Status InsertToken(const TokenRecord& t) override {
    if (!d_.tokens.emplace(t.hash, t).second) return Status::AlreadyExists("token exists");
    Record(Table::kTokens, projection::TokenRow(t), t.created_at);
    return Status::Ok();
  }
  Result<TokenRecord> RevokeToken(const std::string& token_id, UnixMillis now) override {
    for (auto& [hash, t] : d_.tokens) {
      if (t.PublicId() != token_id) continue;
      if (t.revoked_at != 0) return RevokedAlready(t);
      Row old = projection::TokenRow(t);
      t.revoked_at = now;
      recorder_.Put(Table::kTokens, projection::TokenRow(t), &old);
      registry_at_ = std::max(registry_at_, now);
      return t;
    }
    return UnknownToken(token_id);
  }
  Result<Id> NextCaseId() override { return NextKey(d_.cases); }
  Result<std::vector<Event>> ListEvents(Id case_id) override {
    auto it = d_.events.find(case_id);
    return it == d_.events.end() ? std::vector<Event>() : it->second;
  }
  Result<HistoryHeads> Heads(Id case_id) override {
    chain::Head log = chain::Head::After(d_.log_events, d_.log_hash);
    auto it = d_.case_hash.find(case_id);
    return HistoryHeads{log.ToString(), it == d_.case_hash.end() ? std::string() : it->second};
  }
  Result<Id> NextReportId() override { return NextKey(d_.reports); }
  Result<Report> GetReport(Id id) override {
    auto it = d_.reports.find(id);
    if (it == d_.reports.end()) return NoSuchReport(id);
    return it->second;
  }
  Status InsertReport(const Report& r) override {
    if (!d_.reports.emplace(r.id, r).second)
      return Status::AlreadyExists("report " + std::to_string(r.id) + " exists");
    Record(Table::kReports, projection::ReportRow(r, codec::EncodeSections(r.sections)),
           r.published_at);
    return Status::Ok();
  }
  using WriteTx::SaveCase;
  Status SaveCase(CaseRef saved, const std::vector<Event>& events, std::vector<Notice>& notices,
                  const std::vector<Deadline>& deadlines) override {
    const Case& c = *saved;
    auto it = d_.cases.find(c.id);
    int64_t stored = it == d_.cases.end() ? 0 : it->second.version;
    if (c.version != stored + 1)
      return Status(Code::kAborted, "case " + std::to_string(c.id) + " changed meanwhile (version " +
                                        std::to_string(stored) + ")");
    const bool is_new = stored == 0;
    std::optional<Row> old;
    if (!is_new) old = projection::CaseRow(it->second, codec::EncodeCase(it->second, kLeftOut));
    recorder_.Put(Table::kCases, projection::CaseRow(c, codec::EncodeCase(c, kLeftOut)),
                  old ? &*old : nullptr);
    Id stored_positions = is_new || it->second.positions.empty() ? 0 : it->second.positions.back().id;
    for (const auto& p : c.positions)
      if (p.id > stored_positions) recorder_.Put(Table::kPositions, projection::PositionRow(c.id, p));
    if (is_new) {
      std::set<Id> seen;
      for (Id p : c.PartyIds())
        if (seen.insert(p).second) recorder_.Put(Table::kCaseParties, projection::CasePartyRow(p, c.id));
    }
    for (auto& n : notices) {
      n.id = NextKey(d_.notices);
      recorder_.Put(Table::kNotices, projection::NoticeRow(n));
      for (Delivery& d : n.deliveries) {
        d.notice_id = n.id;
        BARAZA_RETURN_IF_ERROR(InsertDelivery(d));
      }
      d_.notices[n.id] = n;
      d_.notices[n.id].deliveries.clear();
    }
    std::vector<Deadline> before;
    if (auto d = d_.deadlines.find(c.id); d != d_.deadlines.end()) before = d->second;
    for (const auto& ch : projection::DiffDeadlines(before, deadlines)) {
      Deadline d = ch.deadline;
      d.case_id = c.id;
      if (ch.deleted) {
        recorder_.Delete(Table::kDeadlines, projection::DeadlineRow(d));
        continue;
      }
      std::optional<Row> old_row;
      if (ch.old) old_row = projection::DeadlineRow(*ch.old);
      recorder_.Put(Table::kDeadlines, projection::DeadlineRow(d), old_row ? &*old_row : nullptr);
    }
    for (size_t i = 0; i < events.size(); ++i) {
      const auto& log = d_.events[c.id];
      if (!log.empty() && events[i].seq != log.back().seq + 1)
        return Status::Internal("event " + std::to_string(events[i].seq) + " out of order");
      Append(events[i], i + 1 == events.size() ? recorder_.Take() : std::string());
    }
    d_.cases[c.id] = c;
    d_.deadlines[c.id] = deadlines;
    if (deadlines.empty()) d_.deadlines.erase(c.id);
    return Status::Ok();
  }

  Result<Id> InsertContactPoint(const ContactPoint& p) override {
    Id id = NextKey(d_.contact_points);
    ContactPoint stored = p;
    stored.id = id;
    d_.contact_points[id] = stored;
    Record(Table::kContactPoints, projection::ContactPointRow(stored), p.created_at);
    return id;
  }
  Result<ContactPoint> RemoveContactPoint(Id id, UnixMillis now) override {
    auto it = d_.contact_points.find(id);
    if (it == d_.contact_points.end()) return NoSuchContactPoint(id);
    if (it->second.removed_at != 0)
      return Status::FailedPrecondition("contact point " + std::to_string(id) +
                                        " was removed already");
    Row old = projection::ContactPointRow(it->second);
    it->second.removed_at = now;
    recorder_.Put(Table::kContactPoints, projection::ContactPointRow(it->second), &old);
    registry_at_ = std::max(registry_at_, now);
    return it->second;
  }
  Result<std::vector<ContactPoint>> ContactPointsFor(const Recipient& to) override {
    std::vector<ContactPoint> out;
    for (const auto& [id, p] : d_.contact_points)
      if (p.Receives() == to && p.removed_at == 0) out.push_back(p);
    return out;
  }
  Result<Notice> GetNotice(Id notice_id) override { return NoticeOf(d_, notice_id); }
  Result<Delivery> GetDelivery(Id id) override {
    auto it = d_.deliveries.find(id);
    if (it == d_.deliveries.end()) return NoSuchDelivery(id);
    return it->second;
  }
  Result<std::optional<Delivery>> FindDelivery(Id notice_id, Id contact_point_id) override {
    for (const auto& [id, d] : d_.deliveries)
      if (d.notice_id == notice_id && d.contact_point_id == contact_point_id)
        return std::optional<Delivery>(d);
    return std::optional<Delivery>();
  }
  Status InsertDelivery(Delivery& d) override {
    d.id = NextKey(d_.deliveries);
    d_.deliveries[d.id] = d;
    recorder_.Put(Table::kDeliveries, projection::DeliveryRow(d));
    return Status::Ok();
  }
  Status UpdateDelivery(const Delivery& d) override {
    auto it = d_.deliveries.find(d.id);
    if (it == d_.deliveries.end()) return NoSuchDelivery(d.id);
    Row old = projection::DeliveryRow(it->second);
    it->second = d;
    recorder_.Put(Table::kDeliveries, projection::DeliveryRow(d), &old);
    return Status::Ok();
  }

 private:
  static constexpr auto kLeftOut = codec::Positions::kLeftOut;

  void Record(Table table, Row row, UnixMillis at) {
    recorder_.Put(table, std::move(row));
    registry_at_ = std::max(registry_at_, at);
  }

  void Append(const Event& e, const std::string& changes) {
    d_.events[e.case_id].push_back(e);
    std::string& case_hash = d_.case_hash[e.case_id];
    case_hash = chain::CaseLink(case_hash, e, codec::EncodeDetails(e.details), changes);
    d_.log_hash = chain::LogLink(d_.log_hash, case_hash);
    d_.log_events += 1;
  }

  projection::Recorder recorder_;
  UnixMillis registry_at_ = 0;
  MemoryCaseStore::Data& d_;
};

}  // namespace

void MemoryCaseStore::Write(WriteFn fn, DoneFn done, RequestRef) {
  Status status;
  {
    std::lock_guard lock(mu_);
    Data scratch = data_;
    MemoryTx tx(scratch);
    status = fn(tx);
    if (status.ok()) tx.FinishWrite();
    if (status.ok()) data_ = std::move(scratch);
  }
  done(std::move(status));
}

Result<ContactGroup> MemoryCaseStore::GetGroup(Id id) {
  std::lock_guard lock(mu_);
  return GroupOf(data_, id);
}

Result<std::vector<ContactGroup>> MemoryCaseStore::ListGroups(Id after_id, int limit) {
  std::lock_guard lock(mu_);
  std::vector<ContactGroup> out;
  for (auto it = data_.groups.upper_bound(after_id);
       it != data_.groups.end() && static_cast<int>(out.size()) < limit; ++it)
    out.push_back(GroupOf(data_, it->first).value());
  return out;
}

Result<Party> MemoryCaseStore::GetParty(Id id) {
  std::lock_guard lock(mu_);
  return PartyOf(data_, id);
}

Result<Liaison> MemoryCaseStore::GetLiaison(Id id) {
  std::lock_guard lock(mu_);
  auto it = data_.liaisons.find(id);
  if (it == data_.liaisons.end())
    return Status::NotFound("liaison " + std::to_string(id) + " does not exist");
  return it->second;
}

Result<Commander> MemoryCaseStore::GetCommander(Id id) {
  std::lock_guard lock(mu_);
  auto it = data_.commanders.find(id);
  if (it == data_.commanders.end()) return NoSuchCommander(id);
  return it->second;
}

Result<Case> MemoryCaseStore::GetCase(Id id) {
  std::lock_guard lock(mu_);
  return CaseOf(data_, id);
}

Result<std::vector<Case>> MemoryCaseStore::ListCases(const CaseFilter& f) {
  std::lock_guard lock(mu_);
  std::vector<Case> out;
  for (auto it = data_.cases.rbegin(); it != data_.cases.rend(); ++it) {
    const Case& c = it->second;
    if (static_cast<int>(out.size()) >= f.limit) break;
    if (f.before_id && c.id >= f.before_id) continue;
    if (f.group_id && c.group_id != f.group_id) continue;
    if (f.party_id && !c.InvolvesParty(f.party_id)) continue;
    if (!f.party_id && f.commander_id && c.filed_by_commander_id != f.commander_id) continue;
    if (f.state && c.state != *f.state) continue;
    out.push_back(c);
  }
  return out;
}

Result<std::vector<Event>> MemoryCaseStore::ListEvents(Id case_id) {
  std::lock_guard lock(mu_);
  auto it = data_.events.find(case_id);
  if (it == data_.events.end()) return std::vector<Event>{};
  return it->second;
}

Result<std::vector<Notice>> MemoryCaseStore::ListNotices(const Recipient& to, Id after_id,
                                                         int limit) {
  std::lock_guard lock(mu_);
  std::vector<Notice> out;
  for (auto it = data_.notices.upper_bound(after_id);
       it != data_.notices.end() && static_cast<int>(out.size()) < limit; ++it)
    if (it->second.to == to) out.push_back(it->second);
  return out;
}

Result<std::optional<TokenRecord>> MemoryCaseStore::FindToken(const std::string& hash) {
  std::lock_guard lock(mu_);
  auto it = data_.tokens.find(hash);
  if (it == data_.tokens.end()) return std::optional<TokenRecord>{};
  return std::optional<TokenRecord>{it->second};
}

Result<int64_t> MemoryCaseStore::CountTokens(Role role) {
  std::lock_guard lock(mu_);
  return static_cast<int64_t>(std::count_if(data_.tokens.begin(), data_.tokens.end(),
                                            [&](const auto& kv) { return kv.second.role == role; }));
}

Result<std::vector<TokenRecord>> MemoryCaseStore::ListTokens() {
  std::lock_guard lock(mu_);
  std::vector<TokenRecord> out;
  for (const auto& [hash, t] : data_.tokens) out.push_back(t);
  std::stable_sort(out.begin(), out.end(),  // by time, then hash: the SQLite store's order
                   [](const auto& a, const auto& b) { return a.created_at < b.created_at; });
  return out;
}

Result<std::optional<UnixMillis>> MemoryCaseStore::NextDeadline() {
  std::lock_guard lock(mu_);
  std::optional<UnixMillis> next;
  for (const auto& [id, ds] : data_.deadlines)
    for (const auto& d : ds)
      if (!next || d.due_at < *next) next = d.due_at;
  return next;
}

Result<std::vector<Id>> MemoryCaseStore::CasesDue(UnixMillis now, int limit) {
  std::lock_guard lock(mu_);
  std::vector<std::pair<UnixMillis, Id>> due;
  for (const auto& [id, ds] : data_.deadlines) {
    UnixMillis earliest = INT64_MAX;
    for (const auto& d : ds) earliest = std::min(earliest, d.due_at);
    if (earliest <= now) due.emplace_back(earliest, id);
  }
  std::sort(due.begin(), due.end());
  std::vector<Id> out;
  for (const auto& [at, id] : due) {
    if (static_cast<int>(out.size()) >= limit) break;
    out.push_back(id);
  }
  return out;
}

Result<std::vector<Deadline>> MemoryCaseStore::DeadlinesOf(Id case_id) {
  std::lock_guard lock(mu_);
  auto it = data_.deadlines.find(case_id);
  if (it == data_.deadlines.end()) return std::vector<Deadline>{};
  auto ds = it->second;
  std::sort(ds.begin(), ds.end(), [](const Deadline& a, const Deadline& b) {
    return std::tie(a.due_at, a.party_id, a.kind) < std::tie(b.due_at, b.party_id, b.kind);
  });
  return ds;
}

Result<Report> MemoryCaseStore::GetReport(Id report_id) {
  std::lock_guard lock(mu_);
  auto it = data_.reports.find(report_id);
  if (it == data_.reports.end()) return NoSuchReport(report_id);
  return it->second;
}

Result<std::vector<Report>> MemoryCaseStore::ListReports(const ReportFilter& f) {
  std::lock_guard lock(mu_);
  std::vector<Report> out;
  for (auto it = data_.reports.rbegin(); it != data_.reports.rend(); ++it) {
    const Report& r = it->second;
    if (static_cast<int>(out.size()) >= f.limit) break;
    if ((f.group_id && r.group_id != f.group_id) || (f.case_id && r.case_id != f.case_id) ||
        (f.before_id && r.id >= f.before_id))
      continue;
    out.push_back(r);
  }
  return out;
}

Result<std::vector<Id>> MemoryCaseStore::ReportingGroups(Id after_id, int limit) {
  std::lock_guard lock(mu_);
  std::set<Id> groups;
  for (const auto& [id, r] : data_.reports)
    if (r.group_id > after_id) groups.insert(r.group_id);
  std::vector<Id> out(groups.begin(), groups.end());
  if (static_cast<int>(out.size()) > limit) out.resize(limit);
  return out;
}

}  // namespace baraza

namespace baraza {

Result<std::vector<ContactPoint>> MemoryCaseStore::ListContactPoints(Role role, Id id) {
  std::lock_guard lock(mu_);
  std::vector<ContactPoint> out;
  for (const auto& [key, p] : data_.contact_points) {
    if (p.role != role) continue;
    if (role == Role::kLiaison ? p.liaison_id == id : p.commander_id == id) out.push_back(p);
  }
  return out;
}

Result<ContactPoint> MemoryCaseStore::GetContactPoint(Id id) {
  std::lock_guard lock(mu_);
  auto it = data_.contact_points.find(id);
  if (it == data_.contact_points.end()) return NoSuchContactPoint(id);
  return it->second;
}

Result<Notice> MemoryCaseStore::GetNotice(Id notice_id) {
  std::lock_guard lock(mu_);
  return NoticeOf(data_, notice_id);
}

Result<std::vector<Delivery>> MemoryCaseStore::DueDeliveries(UnixMillis now, int limit) {
  std::lock_guard lock(mu_);
  std::vector<Delivery> out;
  for (const auto& [id, d] : data_.deliveries)
    if (d.state == DeliveryState::kQueued && d.next_attempt_at <= now) out.push_back(d);
  std::stable_sort(out.begin(), out.end(), [](const Delivery& a, const Delivery& b) {
    return a.next_attempt_at < b.next_attempt_at;
  });
  if (static_cast<int>(out.size()) > limit) out.resize(static_cast<size_t>(limit));
  return out;
}

Result<std::optional<UnixMillis>> MemoryCaseStore::NextDeliveryAt() {
  std::lock_guard lock(mu_);
  std::optional<UnixMillis> out;
  for (const auto& [id, d] : data_.deliveries)
    if (d.state == DeliveryState::kQueued && (!out || d.next_attempt_at < *out))
      out = d.next_attempt_at;
  return out;
}

Result<std::vector<Delivery>> MemoryCaseStore::ListDeliveries(Id case_id) {
  std::lock_guard lock(mu_);
  std::vector<Delivery> out;
  for (const auto& [id, d] : data_.deliveries)
    if (d.case_id == case_id) out.push_back(d);
  return out;
}

Result<StoreCounts> MemoryCaseStore::Counts(UnixMillis now) {
  std::lock_guard lock(mu_);
  std::map<CaseState, int64_t> by_state;
  for (const auto& [id, c] : data_.cases) by_state[c.state] += 1;
  StoreCounts out;
  out.cases_by_state.assign(by_state.begin(), by_state.end());
  for (const auto& [id, ds] : data_.deadlines)
    for (const auto& d : ds) {
      out.deadlines_pending += 1;
      if (d.due_at > now) continue;
      out.deadlines_overdue += 1;
      if (!out.oldest_overdue || d.due_at < *out.oldest_overdue) out.oldest_overdue = d.due_at;
    }
  return out;
}

}  // namespace baraza

// Appending events to the tamper-evident history, each chained to its case's
// previous event and to the whole log (docs/security.md); one code for SQLite
// and PostgreSQL (a template over the connection, storage/sql_rows.h). Used by
// the stores' writers and by the SQLite schema 5 migration; one thread at a time.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>

#include "storage/event_chain.h"

namespace baraza::sql {


template <class C>
class HistoryWriter {
 public:
  explicit HistoryWriter(C& c) : c_(c) {}

  // Appends `e` with its details and the projection changes recorded with it
  // (may be empty). `new_case`: the case has no event yet (saves a look-up).
  Status Append(const Event& e, const std::string& details_json, const std::string& changes,
                bool new_case = false);
  // The whole log's last link. Only this writer appends, so once read it is
  // kept and moved on as events are appended.
  Result<chain::Head> LogHead();
  // The head as stored now, read (not kept).
  Result<chain::Head> StoredHead();
  // The head as this writer knows it (read or moved on), without a query.
  const std::optional<chain::Head>& KnownHead() const { return head_; }
  // The last event of a case: its sequence number and hash (0 and "" if none);
  // read once, then moved on as this writer appends.
  struct Tail {
    int64_t seq = 0;
    std::string hash;
  };
  Result<Tail> CaseTail(Id case_id);
  // CaseTail's query, for a caller that reads it with others (SqlTx loading a
  // case), and what it found.
  static constexpr const char* kCaseTailSql =
      "SELECT seq, hash FROM events WHERE case_id = ? ORDER BY seq DESC LIMIT 1";
  void NoteTail(Id case_id, Tail tail) {
    if (tails_.size() >= kMaxTails) tails_.clear();
    tails_[case_id] = std::move(tail);
  }
  bool KnowsTail(Id case_id) const { return tails_.count(case_id) != 0; }

  // The write in progress succeeded (its events stand) or was rolled back.
  void WriteDone(bool ok);
  // The transaction did not commit: read the head again next time.
  void Forget() {
    head_ = good_head_ = std::nullopt;
    tails_.clear();
  }

 private:
  using Query = typename C::Query;
  C& c_;
  // The cases' last events as read or appended (no look-up for a case's next
  // event, nor for the registry's); bounded, and forgotten with a failed write.
  static constexpr size_t kMaxTails = 16384;  // as SqlTx's known cases
  std::unordered_map<Id, Tail> tails_;
  // The log head with this write's events, and with only the writes that succeeded.
  std::optional<chain::Head> head_, good_head_;
};



template <class C>
Result<chain::Head> HistoryWriter<C>::StoredHead() {
  chain::Head h;
  Query q(c_, "SELECT log_seq, log_hash FROM events ORDER BY log_seq DESC LIMIT 1");
  if (q.Next()) h = {q.Int(0), q.Text(1)};
  BARAZA_RETURN_IF_ERROR(q.status());
  return h;
}

template <class C>
Result<chain::Head> HistoryWriter<C>::LogHead() {
  if (head_) return *head_;
  BARAZA_ASSIGN_OR_RETURN(chain::Head h, StoredHead());
  head_ = good_head_ = h;
  return h;
}

template <class C>
Result<typename HistoryWriter<C>::Tail> HistoryWriter<C>::CaseTail(Id case_id) {
  if (auto known = tails_.find(case_id); known != tails_.end()) return known->second;
  Query q(c_, kCaseTailSql);
  q.Bind(case_id);
  Tail t;
  if (q.Next()) t = {q.Int(0), q.Text(1)};
  BARAZA_RETURN_IF_ERROR(q.status());
  NoteTail(case_id, t);
  return t;
}

template <class C>
Status HistoryWriter<C>::Append(const Event& e, const std::string& details_json,
                             const std::string& changes, bool new_case) {
  std::string previous;
  if (!new_case && e.seq > 1) {
    BARAZA_ASSIGN_OR_RETURN(Tail tail, CaseTail(e.case_id));
    previous = tail.hash;
  }
  BARAZA_ASSIGN_OR_RETURN(chain::Head log, LogHead());
  std::string link = chain::CaseLink(previous, e, details_json, changes);
  log.hash = chain::LogLink(log.hash, link);
  Query q(c_,
          "INSERT INTO events(case_id, seq, at, actor, type, party_id, visibility, details, "
          "log_seq, hash, log_hash, changes) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)");
  q.Bind(e.case_id).Bind(e.seq).Bind(e.at).Bind(e.actor).Bind(static_cast<int64_t>(e.type))
      .Bind(e.party_id).Bind(static_cast<int64_t>(e.visibility)).Bind(details_json)
      .Bind(++log.events).Bind(link).Bind(log.hash).BindBlob(changes);
  tails_.erase(e.case_id);  // until the row is in
  BARAZA_RETURN_IF_ERROR(q.Send());
  head_ = log;
  if (tails_.size() >= kMaxTails) tails_.clear();
  tails_[e.case_id] = {e.seq, link};
  return Status::Ok();
}

template <class C>
void HistoryWriter<C>::WriteDone(bool ok) {
  if (ok) {
    good_head_ = head_;
  } else {
    // Its events undone (if it appended any): the tails it moved on are wrong.
    if (head_ && (!good_head_ || head_->events != good_head_->events)) tails_.clear();
    head_ = good_head_;
  }
}

}  // namespace baraza::sql

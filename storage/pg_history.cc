#include "storage/pg_history.h"

namespace baraza::pg {

Result<chain::Head> HistoryWriter::LogHead() {
  if (head_) return *head_;
  chain::Head h;
  Query q(c_, "SELECT log_seq, log_hash FROM events ORDER BY log_seq DESC LIMIT 1");
  if (q.Next()) h = {q.Int(0), q.Text(1)};
  BARAZA_RETURN_IF_ERROR(q.status());
  head_ = good_head_ = h;
  return h;
}

Result<HistoryWriter::Tail> HistoryWriter::CaseTail(Id case_id) {
  Query q(c_, "SELECT seq, hash FROM events WHERE case_id = ? ORDER BY seq DESC LIMIT 1");
  q.Bind(case_id);
  Tail t;
  if (q.Next()) t = {q.Int(0), q.Text(1)};
  BARAZA_RETURN_IF_ERROR(q.status());
  return t;
}

Status HistoryWriter::Append(const Event& e, const std::string& details_json,
                             const std::string& changes, bool new_case) {
  std::string previous;
  if (e.case_id == last_case_ && e.seq == last_.seq + 1) {
    previous = last_.hash;
  } else if (!new_case && e.seq > 1) {
    BARAZA_ASSIGN_OR_RETURN(Tail tail, CaseTail(e.case_id));
    previous = tail.hash;
  }
  BARAZA_ASSIGN_OR_RETURN(chain::Head log, LogHead());
  std::string link = chain::CaseLink(previous, e, details_json, changes);
  log.hash = chain::LogLink(log.hash, link);
  Query q(c_,
          "INSERT INTO events(case_id, seq, at, actor, type, party_id, visibility, details, "
          "log_seq, hash, log_hash, changes) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)");
  q.Bind(e.case_id)
      .Bind(e.seq)
      .Bind(e.at)
      .Bind(e.actor)
      .Bind(static_cast<int64_t>(e.type))
      .Bind(e.party_id)
      .Bind(static_cast<int64_t>(e.visibility))
      .Bind(details_json)
      .Bind(++log.events)
      .Bind(link)
      .Bind(log.hash)
      .BindBlob(changes);
  last_case_ = -1;  // until the row is in
  BARAZA_RETURN_IF_ERROR(q.Run());
  head_ = log;
  last_case_ = e.case_id;
  last_ = {e.seq, link};
  return Status::Ok();
}

void HistoryWriter::WriteDone(bool ok) {
  if (ok) {
    good_head_ = head_;
  } else {
    head_ = good_head_;
    last_case_ = -1;
  }
}

}  // namespace baraza::pg

#include "storage/event_chain.h"

#include "services/auth/sha256.h"

namespace baraza::chain {

std::string CaseLink(const std::string& previous, const Event& e, const std::string& details_json,
                     const std::string& changes) {
  // Fields are separated by a newline and prefixed by their length where they
  // hold user text, so that no two different events hash the same bytes.
  std::string b = (changes.empty() ? "baraza-event-v1\n" : "baraza-event-v2\n") + previous + "\n";
  b += std::to_string(e.case_id) + "\n" + std::to_string(e.seq) + "\n" + std::to_string(e.at) +
       "\n" + std::to_string(static_cast<int>(e.type)) + "\n" + std::to_string(e.party_id) + "\n" +
       std::to_string(static_cast<int>(e.visibility)) + "\n";
  b += std::to_string(e.actor.size()) + ":" + e.actor + "\n";
  b += std::to_string(details_json.size()) + ":" + details_json;
  if (!changes.empty()) b += "\n" + std::to_string(changes.size()) + ":" + changes;
  return auth::Sha256Hex(b);
}

std::string LogLink(const std::string& previous, const std::string& case_link) {
  return auth::Sha256Hex("baraza-log-v1\n" + previous + "\n" + case_link);
}

std::string Head::ToString() const { return std::to_string(events) + ":" + hash; }

Result<Head> Head::Parse(const std::string& text) {
  auto colon = text.find(':');
  auto bad = [&] {
    return Status::InvalidArgument("a history head is \"<events>:<64 hex digits>\" as printed by "
                                   "`barazad audit head`; got \"" + text.substr(0, 80) + "\"");
  };
  if (colon == std::string::npos || colon == 0 || colon > 18) return bad();
  Head h;
  for (size_t i = 0; i < colon; ++i) {
    if (text[i] < '0' || text[i] > '9') return bad();
    h.events = h.events * 10 + (text[i] - '0');
  }
  h.hash = text.substr(colon + 1);
  if (h.hash.size() != 64 || h.hash.find_first_not_of("0123456789abcdef") != std::string::npos)
    return bad();
  return h;
}

void Verifier::Break(std::string what) {
  if (!first_break_) first_break_ = std::move(what);
}

void Verifier::Add(const StoredEvent& row) {
  ++events_;
  if (first_break_) return;
  const Event& e = row.event;
  // Said only when something is wrong (built lazily: the audit walks millions of rows).
  auto where = [&] {
    return "event " + std::to_string(row.log_seq) + " of the log (case " +
           std::to_string(e.case_id) + ", event " + std::to_string(e.seq) + ")";
  };
  if (row.log_seq != events_) {
    Break(where() + ": the log jumps from event " + std::to_string(events_ - 1) + " to " +
          std::to_string(row.log_seq) + "; events were deleted or renumbered");
    return;
  }
  CaseTail& tail = cases_[e.case_id];
  if (e.seq != tail.seq + 1) {
    Break(where() + ": case " + std::to_string(e.case_id) + " goes from event " +
          std::to_string(tail.seq) + " to " + std::to_string(e.seq) +
          "; events of the case were deleted or reordered");
    return;
  }
  std::string link = CaseLink(tail.hash, e, row.details_json, row.changes);
  if (link != row.hash) {
    Break(where() + ": its content does not match its hash; it was edited");
    return;
  }
  std::string log = LogLink(log_hash_, link);
  if (log != row.log_hash) {
    Break(where() + ": the log chain breaks here; events were inserted, moved or re-hashed");
    return;
  }
  tail = {e.seq, link};
  log_hash_ = log;
  if (kept_ && events_ == kept_->events) hash_at_kept_ = log_hash_;
}

void Verifier::Finish() {
  if (first_break_ || !kept_) return;
  if (events_ < kept_->events) {
    Break("the log holds " + std::to_string(events_) + " events but the kept head names event " +
          std::to_string(kept_->events) + "; events were removed from the end");
  } else if (kept_->events > 0 && hash_at_kept_ != kept_->hash) {
    Break("event " + std::to_string(kept_->events) +
          " of the log does not match the kept head; the log was rewritten up to it");
  }
}

}  // namespace baraza::chain

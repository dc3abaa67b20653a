// The tamper-evident history: each event's hash covers its content and the
// previous event of its case; a second chain runs over the whole log in write
// order, and its last link is the head an operator keeps outside the server.
// Pure (no SQLite); used by the SQLite store's writer and by `barazad audit`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "services/workflow/model.h"
#include "services/workflow/status.h"

namespace baraza::chain {

// The hash of an event given the hash of the previous event of its case ("" for
// the first). `details_json` is the details exactly as stored; `changes`, the
// projection rows the event's write changed (storage/projection.h), as stored:
// an event with none hashes as events did before schema 5, so old heads verify.
std::string CaseLink(const std::string& previous, const Event& e, const std::string& details_json,
                     const std::string& changes = {});
// The hash of the whole log after an event, given the log hash before it.
std::string LogLink(const std::string& previous, const std::string& case_link);

// A point of the log an operator keeps: after `events` events, the log hash.
// Written and read as "<events>:<hex hash>".
struct Head {
  int64_t events = 0;
  std::string hash;
  // The head after `events` events whose last log link is `last_link` (an empty
  // log's head is 0 and 64 zeros, so that it still reads as a head).
  static Head After(int64_t events, const std::string& last_link) {
    return {events, events == 0 ? std::string(64, '0') : last_link};
  }
  std::string ToString() const;
  static Result<Head> Parse(const std::string& text);
};

// One stored event row, in log order.
struct StoredEvent {
  int64_t log_seq = 0;
  Event event;
  std::string details_json;
  std::string changes;   // the projection rows its write changed (schema 5); may be empty
  std::string hash;      // the case chain link as stored
  std::string log_hash;  // the log chain link as stored
};

// Walks the stored rows in log order and finds the first that was edited,
// deleted, inserted or moved; then checks the end of the log against a kept head.
class Verifier {
 public:
  // `kept`: a head printed earlier by `barazad audit head`, if the operator has
  // one; a log cut short, or rewritten and re-hashed, fails against it.
  explicit Verifier(std::optional<Head> kept = std::nullopt) : kept_(std::move(kept)) {}
  // Feeds the next row; after the first break the rest is only counted.
  void Add(const StoredEvent& row);
  // Call after the last row: checks the end of the log against the kept head.
  void Finish();

  const std::optional<std::string>& first_break() const { return first_break_; }
  // Where the log ends; an empty log's head is 0 and 64 zeros.
  Head head() const { return Head::After(events_, log_hash_); }

 private:
  void Break(std::string what);

  std::optional<std::string> first_break_;
  int64_t events_ = 0;
  std::string log_hash_;
  std::optional<Head> kept_;
  std::optional<std::string> hash_at_kept_;  // the log hash after kept_->events, once seen
  struct CaseTail {
    int64_t seq = 0;
    std::string hash;
  };
  std::unordered_map<Id, CaseTail> cases_;
};

}  // namespace baraza::chain

// CaseCache: the most recently used cases, decoded, so that reads of hot cases
// skip SQLite and JSON. The store's writer puts every case it commits; a reader
// may add what it loaded only if no commit happened since it began (the epoch),
// so the cache never holds a version older than the database. Cases are held as
// immutable shared values, so a hit is copied outside the lock. Thread-safe.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "services/workflow/model.h"

namespace baraza {

class CaseCache {
 public:
  // Holds at most `capacity` cases and about `max_bytes` of them: cases grow
  // with their positions, so a count alone would not bound the memory.
  explicit CaseCache(size_t capacity, size_t max_bytes = 32u << 20)
      : capacity_(capacity), max_bytes_(max_bytes) {}

  // Roughly what a decoded case occupies: its texts and its lists.
  static size_t ApproxBytes(const Case& c) {
    size_t n = sizeof(Case) + c.title.size() + c.description.size() + c.outcome.text.size() +
               c.outcome.rationale.size() + c.outcome.remedy.size() + c.action.location.size() +
               c.action.threat.size() + c.action.narrowness.size() +
               c.respondents.size() * sizeof(Respondent);
    n += c.positions.item_bytes();  // counted as they were added: no walk
    for (const auto& r : c.extension_requests) n += sizeof(ExtensionRequest) + r.reason.size();
    for (const auto& s : c.explanations) n += sizeof(Statement) + s.text.size();
    for (const auto& a : c.appeals)
      n += sizeof(Appeal) + a.grounds.size() + a.requested_remedy.size() +
           (a.answer ? a.answer->text.size() : 0);
    return n;
  }

  size_t bytes() {
    std::lock_guard lock(mu_);
    return bytes_;
  }

  // The cached case, if any (and, when `version` is given, only at that version);
  // shared, never copied under the lock.
  std::shared_ptr<const Case> Get(Id id, std::optional<int64_t> version = std::nullopt) {
    std::lock_guard lock(mu_);
    auto it = index_.find(id);
    if (it == index_.end() || (version && it->second->c->version != *version)) return nullptr;
    lru_.splice(lru_.begin(), lru_, it->second);
    return it->second->c;
  }

  bool keeps() const { return capacity_ > 0; }

  // Forgets every case (what was read may no longer be true).
  void Clear() {
    std::lock_guard lock(mu_);
    lru_.clear();
    index_.clear();
    bytes_ = 0;
    ++epoch_;
  }

  // Read before loading from the database; pass to AddLoaded.
  uint64_t Epoch() {
    std::lock_guard lock(mu_);
    return epoch_;
  }

  // A reader's case, kept only if nothing was committed since `epoch`.
  void AddLoaded(std::shared_ptr<const Case> c, uint64_t epoch) {
    Entry e{std::move(c), 0};
    e.bytes = ApproxBytes(*e.c);  // outside the lock: a long case takes a while
    std::lock_guard lock(mu_);
    if (epoch == epoch_) PutLocked(std::move(e));
  }

  // The writer, after COMMIT: the committed versions (shared with the
  // transaction that saved them, never copied), then a new epoch.
  void Committed(std::vector<std::shared_ptr<const Case>>&& cases) {
    std::vector<Entry> entries;
    entries.reserve(cases.size());
    for (auto& c : cases) {
      size_t bytes = ApproxBytes(*c);
      entries.push_back(Entry{std::move(c), bytes});
    }
    std::lock_guard lock(mu_);
    for (auto& e : entries) PutLocked(std::move(e));
    ++epoch_;
  }

 private:
  // A cached case and its size as counted when it came in.
  struct Entry {
    std::shared_ptr<const Case> c;
    size_t bytes = 0;
  };

  void PutLocked(Entry value) {
    if (capacity_ == 0) return;
    const Id id = value.c->id;
    bytes_ += value.bytes;
    auto it = index_.find(id);
    if (it != index_.end()) {
      bytes_ -= it->second->bytes;
      *it->second = std::move(value);
      lru_.splice(lru_.begin(), lru_, it->second);
    } else {
      lru_.push_front(std::move(value));
      index_[id] = lru_.begin();
    }
    while (lru_.size() > 1 && (lru_.size() > capacity_ || bytes_ > max_bytes_)) {
      bytes_ -= lru_.back().bytes;
      index_.erase(lru_.back().c->id);
      lru_.pop_back();
    }
  }

  std::mutex mu_;
  size_t capacity_;
  size_t max_bytes_;
  size_t bytes_ = 0;
  uint64_t epoch_ = 0;
  std::list<Entry> lru_;
  std::unordered_map<Id, std::list<Entry>::iterator> index_;
};

}  // namespace baraza

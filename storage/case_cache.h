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

#include "services/workflow/model.h"

namespace baraza {

class CaseCache {
 public:
  explicit CaseCache(size_t capacity) : capacity_(capacity) {}

  // The cached case, if any (and, when `version` is given, only at that version).
  std::optional<Case> Get(Id id, std::optional<int64_t> version = std::nullopt) {
    std::shared_ptr<const Case> hit;
    {
      std::lock_guard lock(mu_);
      auto it = index_.find(id);
      if (it == index_.end() || (version && (*it->second)->version != *version))
        return std::nullopt;
      lru_.splice(lru_.begin(), lru_, it->second);
      hit = *it->second;
    }
    return *hit;
  }

  // Read before loading from the database; pass to AddLoaded.
  uint64_t Epoch() {
    std::lock_guard lock(mu_);
    return epoch_;
  }

  // A reader's case, kept only if nothing was committed since `epoch`.
  void AddLoaded(const Case& c, uint64_t epoch) {
    std::lock_guard lock(mu_);
    if (epoch == epoch_) PutLocked(c);
  }

  // The writer, after COMMIT: the committed versions, then a new epoch.
  template <typename Cases>
  void Committed(const Cases& cases) {
    std::lock_guard lock(mu_);
    for (const Case& c : cases) PutLocked(c);
    ++epoch_;
  }

 private:
  void PutLocked(const Case& c) {
    if (capacity_ == 0) return;
    auto value = std::make_shared<const Case>(c);
    auto it = index_.find(c.id);
    if (it != index_.end()) {
      *it->second = std::move(value);
      lru_.splice(lru_.begin(), lru_, it->second);
      return;
    }
    lru_.push_front(std::move(value));
    index_[c.id] = lru_.begin();
    if (lru_.size() > capacity_) {
      index_.erase(lru_.back()->id);
      lru_.pop_back();
    }
  }

  std::mutex mu_;
  size_t capacity_;
  uint64_t epoch_ = 0;
  std::list<std::shared_ptr<const Case>> lru_;
  std::unordered_map<Id, std::list<std::shared_ptr<const Case>>::iterator> index_;
};

}  // namespace baraza

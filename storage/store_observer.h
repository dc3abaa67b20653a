// What the store tells an outside observer (barazad's metrics) about its
// writer, without storage knowing who listens. Called on the writer thread:
// an implementation must be cheap and must not block or write to the store.
#pragma once

#include <cstdint>

namespace baraza {

class WriterObserver {
 public:
  virtual ~WriterObserver() = default;
  // One transaction of `writes` queued writes ended: committed (`committed`) or
  // rolled back because BEGIN or COMMIT failed. `micros` is the time from
  // BEGIN to the end of COMMIT (or of the rollback).
  virtual void BatchDone(int writes, int64_t micros, bool committed) = 0;
};

}  // namespace baraza

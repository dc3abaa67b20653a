#include "storage/case_store.h"

#include <future>

namespace baraza {

Status CaseStore::WriteAndWait(WriteFn fn) {
  std::promise<Status> promise;
  auto future = promise.get_future();
  Write(std::move(fn), [&promise](Status s) { promise.set_value(std::move(s)); });
  return future.get();
}

}  // namespace baraza

#include "services/api/call_meter.h"

#include <atomic>

namespace baraza::api {
namespace {
std::atomic<RpcObserver*> observer{nullptr};
}  // namespace

RpcObserver* CurrentRpcObserver() { return observer.load(std::memory_order_relaxed); }
void SetRpcObserver(RpcObserver* o) { observer.store(o, std::memory_order_relaxed); }

}  // namespace baraza::api

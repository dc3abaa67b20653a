#include "services/api/access_policy.h"

#include <string>

namespace baraza::api {

Status Authorize(const Actor& actor, std::string_view method) {
  unsigned bit = actor.role == Role::kMediator    ? kMediators
                 : actor.role == Role::kLiaison   ? kLiaisons
                 : actor.role == Role::kCommander ? kCommanders
                 : actor.role == Role::kObserver  ? kObservers
                                                  : 0u;
  for (const auto& entry : kAccessPolicy) {
    if (entry.method != method) continue;
    if (entry.callers & bit) return Status::Ok();
    if (bit == kObservers)
      return Status::PermissionDenied("an observer token reads published reports and nothing else");
    return Status::PermissionDenied(std::string(entry.why));
  }
  return Status::PermissionDenied("no role may call " + std::string(method));
}

}  // namespace baraza::api

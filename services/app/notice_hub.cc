#include "services/app/notice_hub.h"

namespace baraza {

int64_t NoticeHub::Subscribe(Id party_id, Listener listener) {
  std::lock_guard lock(mu_);
  int64_t id = next_id_++;
  subs_[id] = Subscription{party_id, std::move(listener)};
  return id;
}

void NoticeHub::Unsubscribe(int64_t subscription) {
  std::lock_guard lock(mu_);
  subs_.erase(subscription);
}

void NoticeHub::Publish(const std::vector<Notice>& notices) {
  std::lock_guard lock(mu_);
  for (const auto& n : notices)
    for (const auto& [id, sub] : subs_)
      if (sub.party_id == n.party_id) sub.listener(n);
}

size_t NoticeHub::SubscriberCount() {
  std::lock_guard lock(mu_);
  return subs_.size();
}

}  // namespace baraza

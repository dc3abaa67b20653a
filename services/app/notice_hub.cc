#include "services/app/notice_hub.h"

namespace baraza {

int64_t NoticeHub::Subscribe(const Recipient& to, Listener listener,
                             std::function<void()> on_close) {
  std::lock_guard lock(mu_);
  int64_t id = next_id_++;
  if (closed_) {
    if (on_close) on_close();
    return id;
  }
  subs_[id] = Subscription{to, std::move(listener), std::move(on_close)};
  return id;
}

void NoticeHub::Close() {
  std::lock_guard lock(mu_);
  closed_ = true;
  for (auto& [id, sub] : subs_)
    if (sub.on_close) sub.on_close();
}

void NoticeHub::Unsubscribe(int64_t subscription) {
  std::lock_guard lock(mu_);
  subs_.erase(subscription);
}

void NoticeHub::Publish(const std::vector<Notice>& notices) {
  std::lock_guard lock(mu_);
  for (const auto& n : notices)
    for (const auto& [id, sub] : subs_)
      if (sub.to == n.to) sub.listener(n);
}

size_t NoticeHub::SubscriberCount() {
  std::lock_guard lock(mu_);
  return subs_.size();
}

}  // namespace baraza

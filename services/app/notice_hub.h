// NoticeHub: hands notices, once committed, to those watching them
// (WatchNotices streams of a party's liaisons, the mediators, a commander). Listeners run under the hub's lock and must only
// queue the notice. Thread-safe.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <vector>

#include "services/workflow/model.h"

namespace baraza {

class NoticeHub {
 public:
  using Listener = std::function<void(const Notice&)>;

  // Calls `listener` for every notice to `to` published from now on,
  // until Unsubscribe returns, and `on_close` once if the hub closes first (at
  // shutdown; at once if it is closed already). Returns the subscription's id.
  int64_t Subscribe(const Recipient& to, Listener listener, std::function<void()> on_close = {});
  // Tells every subscriber that no more notices will come (barazad is stopping).
  void Close();
  void Unsubscribe(int64_t subscription);
  void Publish(const std::vector<Notice>& notices);
  size_t SubscriberCount();

 private:
  struct Subscription {
    Recipient to;
    Listener listener;
    std::function<void()> on_close;
  };
  std::mutex mu_;
  bool closed_ = false;
  int64_t next_id_ = 1;
  std::map<int64_t, Subscription> subs_;
};

}  // namespace baraza

#include "services/api/notice_watcher.h"

#include <deque>
#include <vector>

#include "services/api/convert.h"
#include "services/api/grpc_status.h"

namespace baraza::api {

// Streams the notices of one liaison's party, of the mediators or of one commander: first those it missed (after the id it
// names), then each new one as it commits. Notices are written one at a time,
// in id order, none twice, and each only while the token is still valid.
class NoticeWatcher final : public grpc::ServerWriteReactor<v1::Notice> {
 public:
  NoticeWatcher(StreamGuard& guard, NoticeHub& hub, const Actor& actor, std::string token_hash,
                Id after, std::string language)
      : guard_(guard), hub_(hub), actor_(actor), token_hash_(std::move(token_hash)),
        last_queued_(after), language_(std::move(language)) {
    // First of all: from here on OnDone (which removes it) may run.
    guard_.Add(this);
    // Subscribe before reading the backlog so nothing falls between the two;
    // live notices that arrive meanwhile wait in early_ and are merged by id.
    // The caller's own notices (access policy: only roles that read notices get here).
    subscription_ = hub_.Subscribe(
        actor.Reads().value_or(Recipient{Role::kObserver, 0}),
        [this](const Notice& n) { OnNotice(n); }, [this] { OnServerClosing(); });
    std::vector<Notice> backlog;
    Status status;
    for (Id from = after;;) {  // bounded by the notices that exist
      auto page = guard_.app().ListNotices(actor, 0, from, 1000);
      if (!page.ok()) {
        status = page.status();
        break;
      }
      backlog.insert(backlog.end(), page->begin(), page->end());
      if (page->size() < 1000) break;
      from = page->back().id;
    }
    std::lock_guard<std::recursive_mutex> lock(mu_);
    if (!status.ok()) {
      EndLocked(ToGrpcStatus(status));
      return;
    }
    for (const auto& n : backlog) Enqueue(n);
    for (const auto& n : early_) Enqueue(n);
    early_.clear();
    ready_ = true;
    if (finished_) return;  // the server began to close while the backlog was read
    WriteNext();
  }

  // The guard's periodic check: ends the stream if the token is no longer valid.
  void Recheck() {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    if (!finished_) TokenStillValid();
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    writing_ = false;
    if (!ok) {
      EndLocked(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the stream broke; reconnect"));
      return;
    }
    // Written to the liaison's open stream: the record counts it as delivered.
    Notice sent;
    sent.id = current_.id();
    guard_.app().NoticeStreamed(actor_, sent);
    if (closing_) return EndLocked(ClosingStatus());
    WriteNext();
  }

  void OnCancel() override {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    EndLocked(grpc::Status::CANCELLED);
  }

  void OnDone() override {
    guard_.Remove(this);
    hub_.Unsubscribe(subscription_);  // no listener call after this returns
    delete this;
  }

 private:
  static grpc::Status ClosingStatus() {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                        "barazad is shutting down; reconnect when it is back (notices are kept)");
  }

  // Ends the stream with UNAUTHENTICATED (saying why) when the token was revoked
  // or expired. Cheap: the application's token cache answers, and reads the
  // store at most once a second per token.
  bool TokenStillValid() {
    auto identity = guard_.app().Identify(token_hash_);
    if (identity.actor.ok()) return true;
    EndLocked(ToGrpcStatus(identity.actor.status()));
    return false;
  }

  // barazad is stopping: end the stream now, after the write in flight if any.
  void OnServerClosing() {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    closing_ = true;
    if (!writing_) EndLocked(ClosingStatus());
  }

  void OnNotice(const Notice& n) {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    if (!ready_) {
      early_.push_back(n);
      return;
    }
    Enqueue(n);
    WriteNext();
  }

  void Enqueue(const Notice& n) {
    if (n.id <= last_queued_) return;
    last_queued_ = n.id;
    queue_.push_back(n);
  }

  void WriteNext() {
    if (writing_ || finished_ || queue_.empty()) return;
    if (!TokenStillValid()) return;
    current_.Clear();
    guard_.app().texts().Render(queue_.front(), language_);
    ToProto(queue_.front(), &current_);
    queue_.pop_front();
    writing_ = true;
    StartWrite(&current_);
  }

  void EndLocked(const grpc::Status& s) {
    if (finished_) return;
    finished_ = true;
    Finish(s);
  }

  StreamGuard& guard_;
  NoticeHub& hub_;
  const Actor actor_;
  const std::string token_hash_;
  int64_t subscription_ = 0;
  // Recursive: gRPC may run OnWriteDone inline from StartWrite.
  std::recursive_mutex mu_;
  bool ready_ = false;
  bool writing_ = false;
  bool finished_ = false;
  bool closing_ = false;
  Id last_queued_;
  std::vector<Notice> early_;
  std::deque<Notice> queue_;
  v1::Notice current_;
  std::string language_;  // the reader's, resolved when the stream began
};

namespace {

class FailedWatch final : public grpc::ServerWriteReactor<v1::Notice> {
 public:
  explicit FailedWatch(const grpc::Status& s) { Finish(s); }
  void OnDone() override { delete this; }
};

}  // namespace

StreamGuard::StreamGuard(Application& app, std::chrono::milliseconds period)
    : app_(app), period_(period), thread_([this] { Run(); }) {}

StreamGuard::~StreamGuard() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void StreamGuard::Add(NoticeWatcher* watcher) {
  std::lock_guard<std::mutex> lock(mu_);
  watchers_.insert(watcher);
}

void StreamGuard::Remove(NoticeWatcher* watcher) {
  std::lock_guard<std::mutex> lock(mu_);
  watchers_.erase(watcher);
}

void StreamGuard::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {  // bounded: the destructor sets stopping_
    wake_.wait_for(lock, period_, [this] { return stopping_; });
    if (stopping_) break;
    // Under mu_, so that no watcher is deleted meanwhile (OnDone waits in
    // Remove). A watcher never takes mu_ while holding its own lock.
    for (NoticeWatcher* w : watchers_) w->Recheck();
  }
}

grpc::ServerWriteReactor<v1::Notice>* StartNoticeWatch(StreamGuard& guard, NoticeHub& hub,
                                                       const Actor& actor,
                                                       std::string token_hash, Id after,
                                                       std::string language) {
  return new NoticeWatcher(guard, hub, actor, std::move(token_hash), after, std::move(language));
}

grpc::ServerWriteReactor<v1::Notice>* FailedNoticeWatch(const grpc::Status& status) {
  return new FailedWatch(status);
}

}  // namespace baraza::api

// The WatchNotices stream of one liaison, and StreamGuard, which re-checks the
// token of every open stream about once a second so that a revoked or expired
// token ends its stream. Used by NoticeServiceImpl; thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "baraza/v1/baraza.grpc.pb.h"
#include "services/app/application.h"
#include "services/app/notice_hub.h"

namespace baraza::api {

class NoticeWatcher;

// A token is checked when the call starts and never again unless someone asks;
// a stream can stay open for days. The guard's thread asks every `period`, so
// an idle stream ends within a period of its token's revocation or expiry (a
// stream that is sending also checks before each notice).
class StreamGuard {
 public:
  explicit StreamGuard(Application& app,
                       std::chrono::milliseconds period = std::chrono::seconds(1));
  ~StreamGuard();  // stops the thread; every stream must have ended (server->Wait())
  StreamGuard(const StreamGuard&) = delete;
  StreamGuard& operator=(const StreamGuard&) = delete;

  void Add(NoticeWatcher* watcher);
  // After this returns the guard no longer touches `watcher`.
  void Remove(NoticeWatcher* watcher);
  Application& app() { return app_; }

 private:
  void Run();

  Application& app_;
  const std::chrono::milliseconds period_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::set<NoticeWatcher*> watchers_;
  std::thread thread_;
};

// Starts a liaison's notice stream: the notices after `after` that it missed,
// then each new one as it commits, until the client leaves, the server stops
// or the token (by its SHA-256, `token_hash`) is no longer valid.
grpc::ServerWriteReactor<v1::Notice>* StartNoticeWatch(StreamGuard& guard, NoticeHub& hub,
                                                       const Actor& actor,
                                                       std::string token_hash, Id after,
                                                       std::string language);

// A stream refused before it started.
grpc::ServerWriteReactor<v1::Notice>* FailedNoticeWatch(const grpc::Status& status);

}  // namespace baraza::api

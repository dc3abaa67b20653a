// bench-echo: an empty unary echo server on the callback API, built in the same
// tree as barazad, so that the benchmark can compare barazad with the fastest a
// gRPC server on this machine can be: Ping answers from its handler, PingLater
// from a thread of its own (the least any answer given after a commit costs).
// Prints "echo listening on HOST:PORT".
#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <csignal>
#include <deque>
#include <iostream>
#include <mutex>
#include <thread>

#include "services/process/tuning.h"
#include "echo.grpc.pb.h"

namespace {

class EchoImpl final : public baraza::bench::Echo::CallbackService {
 public:
  EchoImpl() : answerer_([this] { AnswerLoop(); }) {}
  ~EchoImpl() { Stop(); }
  // Call after the server has shut down: every queued call has been answered.
  void Stop() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_one();
    if (answerer_.joinable()) answerer_.join();
  }

 private:
  grpc::ServerUnaryReactor* Ping(grpc::CallbackServerContext* ctx,
                                 const baraza::bench::PingRequest* req,
                                 baraza::bench::PingResponse* resp) override {
    resp->set_payload(req->payload());
    auto* reactor = ctx->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  grpc::ServerUnaryReactor* PingLater(grpc::CallbackServerContext* ctx,
                                      const baraza::bench::PingRequest* req,
                                      baraza::bench::PingResponse* resp) override {
    resp->set_payload(req->payload());
    auto* reactor = ctx->DefaultReactor();
    {
      std::lock_guard lock(mu_);
      queue_.push_back(reactor);
    }
    cv_.notify_one();
    return reactor;
  }

  // As barazad's completion thread: takes every waiting call at once and
  // finishes them one after another.
  void AnswerLoop() {
    pthread_setname_np(pthread_self(), "echo-answers");
    std::deque<grpc::ServerUnaryReactor*> batch;
    for (;;) {
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;
        batch.swap(queue_);
      }
      for (auto* reactor : batch) reactor->Finish(grpc::Status::OK);
      batch.clear();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<grpc::ServerUnaryReactor*> queue_;
  bool stopping_ = false;
  std::thread answerer_;
};

}  // namespace

int main(int argc, char** argv) {
  baraza::process::Tune();  // as barazad: the same allocator and locks
  // Block the stop signals before gRPC starts its threads; sigwait takes them below.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::string listen = argc > 1 ? argv[1] : "127.0.0.1:0";
  EchoImpl service;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  auto server = builder.BuildAndStart();
  if (!server || port == 0) {
    std::cerr << "bench-echo: cannot listen on " << listen << std::endl;
    return 1;
  }
  std::cout << "echo listening on " << listen.substr(0, listen.rfind(':')) << ":" << port
            << std::endl;
  int sig = 0;
  sigwait(&set, &sig);
  server->Shutdown();
  service.Stop();
  return 0;
}

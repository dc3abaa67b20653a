// bench-echo: an empty unary echo server on the callback API, built in the same
// tree as barazad, so that the benchmark can compare barazad with the fastest a
// gRPC server on this machine can be. Prints "echo listening on HOST:PORT".
#include <grpcpp/grpcpp.h>

#include <csignal>
#include <iostream>

#include "services/process/tuning.h"
#include "echo.grpc.pb.h"

namespace {

class EchoImpl final : public baraza::bench::Echo::CallbackService {
  grpc::ServerUnaryReactor* Ping(grpc::CallbackServerContext* ctx,
                                 const baraza::bench::PingRequest* req,
                                 baraza::bench::PingResponse* resp) override {
    resp->set_payload(req->payload());
    auto* reactor = ctx->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
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
  return 0;
}

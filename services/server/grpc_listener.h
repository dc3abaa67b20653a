// GrpcListener: barazad's gRPC port. It accepts connections itself and hands
// each to gRPC only while its peer address and the server are under their caps
// (net::ConnectionGate); a refused connection is closed at once, counted and
// logged. Listen/Start/Stop from one thread; accepting runs on its own thread.
//
// Why not gRPC's own listener: gRPC 1.51 has no connection cap
// (GRPC_ARG_MAX_ALLOWED_INCOMING_CONNECTIONS came later), accepts every
// connection it is offered, and when accept4 fails with EMFILE it stops
// listening for good — about 1,000 idle connections at the usual 1,024-file
// limit took the port until restart. gRPC's ExternalConnectionAcceptor takes
// connections accepted elsewhere, with the same credentials (TLS included).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <grpcpp/server_builder.h>

#include "services/net/connection_gate.h"
#include "services/net/refusal_log.h"
#include "services/workflow/status.h"

namespace baraza {

class GrpcListener {
 public:
  GrpcListener(net::ConnectionGate::Limits limits, net::RefusalLog& refusals);
  ~GrpcListener();
  GrpcListener(const GrpcListener&) = delete;
  GrpcListener& operator=(const GrpcListener&) = delete;

  // Binds and listens on `address` ("host:port", "[::1]:port"; port 0 picks
  // one); returns the port. Connections wait in the backlog until Start.
  Result<int> Listen(const std::string& address);
  // Hands connections to `acceptor` (ServerBuilder's AddExternalConnectionAcceptor)
  // from now on; call once the server is built.
  void Start(std::unique_ptr<grpc::experimental::ExternalConnectionAcceptor> acceptor);
  // Stops accepting and closes the listening socket; connections already handed
  // to gRPC are gRPC's to close.
  void Stop();

 private:
  // A connection handed to gRPC. gRPC closes it without telling us, so we keep
  // the socket's identity: when its descriptor no longer names that socket,
  // the connection is gone.
  struct Handed {
    dev_t dev = 0;
    ino_t ino = 0;
    std::string address;
  };
  using Clock = std::chrono::steady_clock;

  void Run();
  void AcceptReady();
  void Take(int fd, const std::string& peer);
  bool Alive(int fd, const Handed& h) const;
  void Forget(int fd);
  void SweepAddress(const std::string& address);
  void SweepAll();
  bool Evict(const std::string& address);

  net::ConnectionGate gate_;
  net::RefusalLog& refusals_;
  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};
  int reserve_fd_ = -1;  // given up to accept and close a connection when out of descriptors
  std::unique_ptr<grpc::experimental::ExternalConnectionAcceptor> acceptor_;
  std::thread thread_;
  std::unordered_map<int, Handed> handed_;                        // by descriptor
  std::unordered_map<std::string, std::vector<int>> by_address_;  // descriptors per address
  Clock::time_point last_sweep_{};
  Clock::time_point last_emfile_warning_{};
};

}  // namespace baraza

// Shared by the connection-flood and auth-slowing tests: idle TCP connections
// from chosen loopback source addresses (127.0.0.x) to 127.0.0.1, and gRPC
// channels that connect from one such address. Not thread-safe.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/create_channel.h>
#include <grpcpp/create_channel_posix.h>

namespace baraza::testing {

// Raises this process's soft open-file limit to the hard limit (the flood's
// sockets are ours too); returns the limit now in force.
inline rlim_t RaiseOwnFileLimit() {
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);
  ::getrlimit(RLIMIT_NOFILE, &limit);
  return limit.rlim_cur;
}

// A TCP socket bound to `source` (e.g. "127.0.0.2"), connecting to 127.0.0.1:port.
// Non-blocking when asked: a server that no longer accepts must not hang a test.
inline int ConnectFrom(const std::string& source, int port, bool nonblocking) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0), 0);
  if (fd < 0) return -1;
  sockaddr_in from{};
  from.sin_family = AF_INET;
  ::inet_pton(AF_INET, source.c_str(), &from.sin_addr);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0 ||
      (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0 && errno != EINPROGRESS)) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// `count` connections to 127.0.0.1:port that send nothing, taken in turn from
// `sources`; closed when this goes out of scope.
class IdleConnections {
 public:
  IdleConnections(int port, const std::vector<std::string>& sources, int count) {
    for (int i = 0; i < count; ++i) {  // bounded by count
      int fd = ConnectFrom(sources[static_cast<size_t>(i) % sources.size()], port, true);
      if (fd >= 0) fds_.push_back(fd);
    }
  }
  ~IdleConnections() { CloseAll(); }
  IdleConnections(const IdleConnections&) = delete;
  IdleConnections& operator=(const IdleConnections&) = delete;

  int opened() const { return static_cast<int>(fds_.size()); }
  void CloseAll() {
    for (int fd : fds_) ::close(fd);
    fds_.clear();
  }

 private:
  std::vector<int> fds_;
};

// "127.0.0.<first>" ... "127.0.0.<first + n - 1>".
inline std::vector<std::string> LoopbackSources(int first, int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back("127.0.0." + std::to_string(first + i));
  return out;
}

// A plaintext gRPC channel on a connection of its own from `source` to 127.0.0.1:port.
inline std::shared_ptr<grpc::Channel> ChannelFrom(const std::string& source, int port) {
  int fd = ConnectFrom(source, port, false);
  if (fd < 0) return nullptr;
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  return grpc::CreateInsecureChannelFromFd("127.0.0.1:" + std::to_string(port), fd);
}

// A plaintext gRPC channel from 127.0.0.1 that shares no connection with any other.
inline std::shared_ptr<grpc::Channel> FreshChannel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

// How many files a process holds open.
inline int OpenFiles(pid_t pid) {
  int n = 0;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
    ++n;
  return n;
}

}  // namespace baraza::testing

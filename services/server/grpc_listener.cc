#include "services/server/grpc_listener.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <spdlog/spdlog.h>

namespace baraza {
namespace {

constexpr int kAcceptsPerWakeup = 64;  // then back to poll, to see Stop
// A full sweep stats every handed descriptor; under a flood, once per interval.
constexpr auto kSweepInterval = std::chrono::milliseconds(100);

// The peer as gRPC names it, so that logs and per-address counts agree with
// ServerContext::peer(): "ipv4:10.0.0.1:5000", "ipv6:[::1]:5000" (an IPv4
// address mapped into IPv6 is written as IPv4, as gRPC does).
std::string PeerName(const sockaddr_storage& from) {
  char text[INET6_ADDRSTRLEN] = "?";
  if (from.ss_family == AF_INET) {
    const auto& a = reinterpret_cast<const sockaddr_in&>(from);
    ::inet_ntop(AF_INET, &a.sin_addr, text, sizeof text);
    return "ipv4:" + std::string(text) + ":" + std::to_string(ntohs(a.sin_port));
  }
  if (from.ss_family == AF_INET6) {
    const auto& a = reinterpret_cast<const sockaddr_in6&>(from);
    if (IN6_IS_ADDR_V4MAPPED(&a.sin6_addr)) {
      ::inet_ntop(AF_INET, &a.sin6_addr.s6_addr[12], text, sizeof text);
      return "ipv4:" + std::string(text) + ":" + std::to_string(ntohs(a.sin6_port));
    }
    ::inet_ntop(AF_INET6, &a.sin6_addr, text, sizeof text);
    return "ipv6:[" + std::string(text) + "]:" + std::to_string(ntohs(a.sin6_port));
  }
  return "unknown";
}

}  // namespace

GrpcListener::GrpcListener(net::ConnectionGate::Limits limits, net::RefusalLog& refusals)
    : gate_(limits), refusals_(refusals) {}

GrpcListener::~GrpcListener() { Stop(); }

Result<int> GrpcListener::Listen(const std::string& address) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos)
    return Status::InvalidArgument("--listen " + address + " is not host:port, e.g. 127.0.0.1:50051");
  std::string host = address.substr(0, colon), port = address.substr(colon + 1);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (int rc = ::getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &found); rc != 0)
    return Status::InvalidArgument("--listen " + address + ": " + ::gai_strerror(rc));
  std::string error = "no address";
  for (addrinfo* ai = found; ai && listen_fd_ < 0; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    int on = 1, off = 0;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    // "[::]" takes IPv4 as well, as gRPC's own listener did.
    if (ai->ai_family == AF_INET6) ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && ::listen(fd, SOMAXCONN) == 0) {
      listen_fd_ = fd;
    } else {
      error = std::strerror(errno);
      ::close(fd);
    }
  }
  ::freeaddrinfo(found);
  if (listen_fd_ < 0)
    return Status::Unavailable("cannot listen on " + address + ": " + error +
                               " (is another barazad running there? try --listen with another port)");
  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&bound), &len);
  return bound.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6&>(bound).sin6_port)
                                     : ntohs(reinterpret_cast<sockaddr_in&>(bound).sin_port);
}

void GrpcListener::Start(std::unique_ptr<grpc::experimental::ExternalConnectionAcceptor> acceptor) {
  acceptor_ = std::move(acceptor);
  if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) wake_[0] = wake_[1] = -1;
  reserve_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "baraza-accept");
    Run();
  });
}

void GrpcListener::Stop() {
  if (thread_.joinable()) {
    char byte = 1;
    if (::write(wake_[1], &byte, 1) < 0) spdlog::warn("gRPC listener: cannot wake the acceptor");
    thread_.join();
  }
  for (int* fd : {&listen_fd_, &wake_[0], &wake_[1], &reserve_fd_}) {
    if (*fd >= 0) ::close(*fd);
    *fd = -1;
  }
}

void GrpcListener::Run() {
  for (;;) {  // until Stop writes to the wake pipe
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
    int n = ::poll(fds, 2, 1000);
    if (n < 0 && errno != EINTR) {
      spdlog::error("gRPC listener: poll: {}", std::strerror(errno));
      return;
    }
    if (fds[1].revents) return;
    if (fds[0].revents) AcceptReady();
  }
}

void GrpcListener::AcceptReady() {
  for (int i = 0; i < kAcceptsPerWakeup; ++i) {
    sockaddr_storage from{};
    socklen_t len = sizeof from;
    int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&from), &len,
                       SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      Take(fd, PeerName(from));
      continue;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) return;
    if (errno == EMFILE || errno == ENFILE) {
      // Out of descriptors despite the caps (something else took them): accept
      // the waiting connection on the reserve descriptor and close it, so the
      // backlog drains and the listener keeps working; retry on the next wakeup.
      if (reserve_fd_ >= 0) ::close(reserve_fd_);
      int dropped = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (dropped >= 0) ::close(dropped);
      reserve_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
      if (Clock::now() - last_emfile_warning_ >= std::chrono::seconds(1)) {
        last_emfile_warning_ = Clock::now();
        spdlog::warn("gRPC listener: out of open files ({}); closing new connections until some "
                     "are free", std::strerror(errno));
      }
      return;
    }
    // ECONNABORTED, EPROTO, ENETDOWN...: that connection failed, not the listener.
    if (errno != EINTR && errno != ECONNABORTED)
      spdlog::warn("gRPC listener: accept: {}", std::strerror(errno));
  }
}

void GrpcListener::Take(int fd, const std::string& peer) {
  // The kernel gave us this number, so whatever we recorded under it is closed.
  if (handed_.count(fd)) Forget(fd);
  const std::string address = net::PeerAddress(peer);
  using Verdict = net::ConnectionGate::Verdict;
  Verdict v = gate_.Admit(address);
  if (v == Verdict::kPeerFull) {
    SweepAddress(address);
    v = gate_.Admit(address);
  }
  if (v == Verdict::kTotalFull && Clock::now() - last_sweep_ >= kSweepInterval) {
    SweepAll();
    v = gate_.Admit(address);
  }
  if (v == Verdict::kTotalFull) {
    if (auto victim = gate_.VictimFor(address); victim && Evict(*victim)) v = gate_.Admit(address);
  }
  struct stat st {};
  if (v != Verdict::kAdmit || ::fstat(fd, &st) != 0) {
    if (v == Verdict::kAdmit) gate_.Release(address);
    ::close(fd);
    refusals_.Refused(peer, gate_.Why(v), "connection");
    return;
  }
  // What gRPC's own listener does for every connection it accepts: no Nagle
  // delay on small frames (a unary answer would otherwise wait for an ACK).
  int on = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  handed_[fd] = Handed{st.st_dev, st.st_ino, address};
  by_address_[address].push_back(fd);
  grpc::experimental::ExternalConnectionAcceptor::NewConnectionParameters params;
  params.listener_fd = listen_fd_;
  params.fd = fd;
  acceptor_->HandleNewConnection(&params);
}

bool GrpcListener::Alive(int fd, const Handed& h) const {
  struct stat st {};
  return ::fstat(fd, &st) == 0 && st.st_dev == h.dev && st.st_ino == h.ino;
}

void GrpcListener::Forget(int fd) {
  auto it = handed_.find(fd);
  if (it == handed_.end()) return;
  auto list = by_address_.find(it->second.address);
  if (list != by_address_.end()) {
    auto& fds = list->second;
    fds.erase(std::remove(fds.begin(), fds.end(), fd), fds.end());
    if (fds.empty()) by_address_.erase(list);
  }
  gate_.Release(it->second.address);
  handed_.erase(it);
}

void GrpcListener::SweepAddress(const std::string& address) {
  auto list = by_address_.find(address);
  if (list == by_address_.end()) return;
  std::vector<int> fds = list->second;  // Forget edits the list
  for (int fd : fds)                    // bounded by the per-peer limit
    if (!Alive(fd, handed_[fd])) Forget(fd);
}

void GrpcListener::SweepAll() {
  last_sweep_ = Clock::now();
  std::vector<int> gone;
  for (const auto& [fd, h] : handed_)  // bounded by the total limit
    if (!Alive(fd, h)) gone.push_back(fd);
  for (int fd : gone) Forget(fd);
}

// Makes room by closing the newest live connection of `address`: shutdown()
// on gRPC's descriptor, which gRPC then sees as the peer leaving and closes.
// The descriptor is checked to still be that socket just before; a reuse in
// the microseconds between would need gRPC to close it and another thread to
// open a socket at that number, and would cost that socket its connection.
bool GrpcListener::Evict(const std::string& address) {
  auto list = by_address_.find(address);
  if (list == by_address_.end()) return false;
  std::vector<int> fds = list->second;
  for (auto it = fds.rbegin(); it != fds.rend(); ++it) {  // bounded by the per-peer limit
    bool alive = Alive(*it, handed_[*it]);
    if (alive) ::shutdown(*it, SHUT_RDWR);
    Forget(*it);
    if (alive) {
      refusals_.Refused(address, "closed its newest connection to make room for another address",
                        "connection");
      return true;
    }
  }
  return true;  // every one had closed already: room was made all the same
}

}  // namespace baraza

// Opening the TCP socket one of barazad's small HTTP endpoints listens on (the
// public page, the delivery-report receiver) from "host:port"; errors as values.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <optional>
#include <string>

namespace baraza::net {

struct HostPort {
  std::string host;  // without the brackets of an IPv6 address
  std::string port;
};

// "127.0.0.1:8080" or "[::1]:8080"; nullopt when there is no port.
inline std::optional<HostPort> SplitHostPort(const std::string& s) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  HostPort hp{s.substr(0, colon), s.substr(colon + 1)};
  if (hp.host.size() > 2 && hp.host.front() == '[' && hp.host.back() == ']')
    hp.host = hp.host.substr(1, hp.host.size() - 2);
  return hp;
}

// The endpoint of a numeric host and port (no name lookup); sets `ec` when there is none.
inline boost::asio::ip::tcp::endpoint Resolve(boost::asio::io_context& io, const HostPort& hp,
                                              boost::system::error_code& ec) {
  boost::asio::ip::tcp::resolver resolver(io);
  auto found = resolver.resolve(hp.host, hp.port, boost::asio::ip::tcp::resolver::numeric_service, ec);
  if (ec) return {};
  if (found.empty()) {
    ec = boost::asio::error::host_not_found;
    return {};
  }
  return found.begin()->endpoint();
}

// Opens `a` on `endpoint` (address reused) and listens; the error, if any.
inline boost::system::error_code Listen(boost::asio::ip::tcp::acceptor& a,
                                        const boost::asio::ip::tcp::endpoint& endpoint) {
  boost::system::error_code ec;
  a.open(endpoint.protocol(), ec);
  if (!ec) a.set_option(boost::asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(boost::asio::socket_base::max_listen_connections, ec);
  return ec;
}

}  // namespace baraza::net

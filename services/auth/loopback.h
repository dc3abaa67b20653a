// Whether a "host:port" address is on this machine only (literal 127.0.0.0/8,
// literal ::1, or exactly `localhost`): plaintext is refused elsewhere.
// Header-only and thread-safe; shared by barazad (--listen) and the CLIs (--server).
#pragma once

#include <arpa/inet.h>

#include <string>

namespace baraza::auth {

// The host part of "host:port", "[v6]:port" or a bare host; empty when the
// address is malformed (an unclosed bracket, text after "]" that is not ":port").
inline std::string HostOf(const std::string& address) {
  if (!address.empty() && address.front() == '[') {
    auto close = address.find(']');
    if (close == std::string::npos) return {};
    if (close + 1 != address.size() && address[close + 1] != ':') return {};
    return address.substr(1, close - 1);
  }
  auto colon = address.find(':');
  if (colon == std::string::npos) return address;
  // A second colon without brackets is an IPv6 literal with no port, or a URI
  // ("dns:///host:port"): neither is a plain host.
  if (address.find(':', colon + 1) != std::string::npos) return {};
  return address.substr(0, colon);
}

// Only addresses, never names that look like them: "127.0.0.1.attacker.example"
// is whatever its owner's DNS says. inet_pton takes the four-part dotted form
// only (no "127.1", no leading zeros, each part 0-255).
inline bool IsLoopback(const std::string& address) {
  std::string host = HostOf(address);
  if (host == "localhost") return true;
  in_addr v4{};
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1)
    return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (::inet_pton(AF_INET6, host.c_str(), &v6) == 1)
    return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;
}

}  // namespace baraza::auth

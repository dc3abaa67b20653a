// Whether a "host:port" address is on this machine only (127.0.0.0/8, ::1,
// localhost): plaintext is refused elsewhere. Header-only; shared by barazad and the CLIs.
#pragma once

#include <string>

namespace baraza::auth {

inline bool IsLoopback(const std::string& address) {
  std::string host = address.substr(0, address.rfind(':'));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

}  // namespace baraza::auth

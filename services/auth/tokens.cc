#include "services/auth/tokens.h"

#include <openssl/rand.h>

namespace baraza::auth {

Result<std::string> GenerateToken() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1)
    return Status::Internal("the system's random number generator failed");
  return "bz_" + Hex(bytes, sizeof bytes);
}

Result<std::string> ParseBearer(const std::string& header) {
  if (header.empty())
    return Status::Unauthenticated(
        "no token: send \"authorization: Bearer <token>\" (the CLIs read it from --token-file)");
  static const std::string kPrefix = "Bearer ";
  if (header.compare(0, kPrefix.size(), kPrefix) != 0 || header.size() == kPrefix.size())
    return Status::Unauthenticated("the authorization header must be \"Bearer <token>\"");
  return header.substr(kPrefix.size());
}

}  // namespace baraza::auth

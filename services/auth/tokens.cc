#include "services/auth/tokens.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

namespace baraza::auth {
namespace {

std::string Hex(const unsigned char* data, size_t n) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kDigits[data[i] >> 4]);
    out.push_back(kDigits[data[i] & 0xf]);
  }
  return out;
}

}  // namespace

Result<std::string> GenerateToken() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1)
    return Status::Internal("the system's random number generator failed");
  return "bz_" + Hex(bytes, sizeof bytes);
}

std::string Sha256Hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr);
  return Hex(digest, len);
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

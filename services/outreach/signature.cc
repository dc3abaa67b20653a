#include "services/outreach/signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cctype>

namespace baraza::outreach {

std::string Sign(const std::string& secret, const std::string& body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  // HMAC() reads `secret` with an explicit length: a key may hold any byte.
  if (!HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
            reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &n))
    return "";
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * n);
  for (unsigned int i = 0; i < n; ++i) {
    hex += kHex[mac[i] >> 4];
    hex += kHex[mac[i] & 0xf];
  }
  return hex;
}

bool Verify(const std::string& secret, const std::string& body, const std::string& header_value) {
  static constexpr std::string_view kPrefix = "sha256=";
  if (secret.empty() || header_value.size() != kPrefix.size() + 64 ||
      header_value.compare(0, kPrefix.size(), kPrefix) != 0)
    return false;
  std::string given = header_value.substr(kPrefix.size());
  for (char& c : given) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string expected = Sign(secret, body);
  if (expected.size() != given.size()) return false;
  // The lengths are public (always 64); only the content is compared in constant time.
  return CRYPTO_memcmp(expected.data(), given.data(), expected.size()) == 0;
}

}  // namespace baraza::outreach

#include "services/auth/sha256.h"

#include <openssl/evp.h>

namespace baraza::auth {

std::string Hex(const unsigned char* data, size_t n) {
  static const char* kDigits = "0123456789abcdef";
  std::string out(2 * n, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0xf];
  }
  return out;
}

std::string Sha256(const std::string& bytes) {
  // OpenSSL 3 looks the algorithm up in its providers on every EVP_Digest call;
  // fetch it once, and keep one context per thread (every write hashes twice).
  static EVP_MD* const kSha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  struct Context {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Context() { EVP_MD_CTX_free(ctx); }
  };
  static thread_local Context local;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!kSha256 || !local.ctx || !EVP_DigestInit_ex2(local.ctx, kSha256, nullptr) ||
      !EVP_DigestUpdate(local.ctx, bytes.data(), bytes.size()) ||
      !EVP_DigestFinal_ex(local.ctx, digest, &len)) {
    EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr);  // fallback
  }
  return std::string(reinterpret_cast<const char*>(digest), len);
}

std::string Sha256Hex(const std::string& bytes) {
  std::string digest = Sha256(bytes);
  return Hex(reinterpret_cast<const unsigned char*>(digest.data()), digest.size());
}

}  // namespace baraza::auth

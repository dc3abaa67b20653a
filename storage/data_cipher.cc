#include "storage/data_cipher.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>
#include <optional>

#include "services/auth/sha256.h"

namespace baraza {
namespace {

constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

std::string Base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

// Strict: only what Base64 above writes decodes.
std::optional<std::string> Unbase64(const std::string& text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  size_t pad = text.ends_with("==") ? 2 : text.ends_with("=") ? 1 : 0;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

Status Failed(const char* what) {
  return Status::Internal(std::string("AES-256-GCM ") + what + " failed in OpenSSL");
}

}  // namespace

Result<DataCipher> DataCipher::FromKey(const std::string& key) {
  if (key.size() != kKeyBytes)
    return Status::InvalidArgument("a data key is " + std::to_string(kKeyBytes) + " bytes, not " +
                                   std::to_string(key.size()));
  std::string id = auth::Sha256Hex(std::string("baraza-data-key-id\0", 19) + key).substr(0, 16);
  return DataCipher(key, id);
}

Result<std::string> DataCipher::NewKey() {
  std::string key(kKeyBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(key.size())) != 1)
    return Status::Internal("OpenSSL's random generator failed; no data key was made");
  return key;
}

bool DataCipher::IsSealed(const std::string& text) { return text.starts_with(kPrefix); }

Result<std::string> DataCipher::Seal(const std::string& plain, const std::string& aad) const {
  std::string out(kNonceBytes + plain.size() + kTagBytes, '\0');
  auto* bytes = reinterpret_cast<unsigned char*>(out.data());
  if (RAND_bytes(bytes, kNonceBytes) != 1) return Failed("nonce");
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  int len = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr,
                         reinterpret_cast<const unsigned char*>(key_.data()), bytes) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len,
                        reinterpret_cast<const unsigned char*>(aad.data()),
                        static_cast<int>(aad.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), bytes + kNonceBytes, &len,
                        reinterpret_cast<const unsigned char*>(plain.data()),
                        static_cast<int>(plain.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), bytes + kNonceBytes + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes,
                          bytes + kNonceBytes + plain.size()) != 1)
    return Failed("sealing");
  return kPrefix + Base64(out);
}

Result<std::string> DataCipher::Open(const std::string& sealed, const std::string& aad) const {
  auto refused = [] {
    return Status(Code::kDataLoss,
        "a sealed confidential text does not open with this data key: it was altered, moved to "
        "another row, or sealed under another key");
  };
  if (!IsSealed(sealed)) return refused();
  auto raw = Unbase64(sealed.substr(std::string(kPrefix).size()));
  if (!raw || raw->size() < kNonceBytes + kTagBytes) return refused();
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw->data());
  size_t text_size = raw->size() - kNonceBytes - kTagBytes;
  std::string plain(text_size, '\0');
  std::string tag = raw->substr(kNonceBytes + text_size);
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  int len = 0;
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) != 1 ||
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr,
                         reinterpret_cast<const unsigned char*>(key_.data()), bytes) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len,
                        reinterpret_cast<const unsigned char*>(aad.data()),
                        static_cast<int>(aad.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &len,
                        bytes + kNonceBytes, static_cast<int>(text_size)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) != 1)
    return Failed("opening");
  if (EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + len, &len) != 1)
    return refused();
  return plain;
}

}  // namespace baraza

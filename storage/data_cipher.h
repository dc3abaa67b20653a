// AES-256-GCM sealing of confidential text at rest (mediator-only positions):
// the store seals such text before it reaches a table, its WAL or the history's
// record, and opens it when it reads. Immutable after construction; thread-safe.
#pragma once

#include <string>

#include "services/workflow/status.h"

namespace baraza {

class DataCipher {
 public:
  static constexpr size_t kKeyBytes = 32;
  // The prefix of every sealed text: "enc1:" + base64(nonce | ciphertext | tag).
  static constexpr const char* kPrefix = "enc1:";

  // A cipher over a 32-byte key; INVALID_ARGUMENT for any other length.
  static Result<DataCipher> FromKey(const std::string& key);
  // 32 random bytes from OpenSSL's CSPRNG.
  static Result<std::string> NewKey();

  // A public name of the key (16 hex digits of a hash of it): stored in the
  // database so that a wrong key is refused at start, useless to an attacker.
  const std::string& KeyId() const { return key_id_; }

  // Seals `plain` under a fresh random 96-bit nonce; `aad` (the row's key) is
  // authenticated but not stored, so a sealed text moved to another row fails
  // to open.
  Result<std::string> Seal(const std::string& plain, const std::string& aad) const;
  // Opens what Seal made with the same `aad`; DATA_LOSS when it was altered,
  // moved to another row, or sealed under another key.
  Result<std::string> Open(const std::string& sealed, const std::string& aad) const;
  static bool IsSealed(const std::string& text);

 private:
  DataCipher(std::string key, std::string key_id) : key_(std::move(key)), key_id_(std::move(key_id)) {}
  std::string key_;
  std::string key_id_;
};

}  // namespace baraza

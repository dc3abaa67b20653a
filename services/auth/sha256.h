// SHA-256 as lowercase hex, for token hashes and the history's hash chain.
// A leaf with no Baraza dependencies; thread-safe.
#pragma once

#include <string>

namespace baraza::auth {

// Lowercase hex of some bytes.
std::string Hex(const unsigned char* data, size_t n);
// The SHA-256 of some bytes: 32 raw bytes.
std::string Sha256(const std::string& bytes);
// The hex SHA-256 of some bytes.
std::string Sha256Hex(const std::string& bytes);

}  // namespace baraza::auth

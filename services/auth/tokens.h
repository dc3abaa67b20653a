// Bearer tokens: 256-bit random secrets handed out once; the store keeps only
// their SHA-256. Used by the application to issue and check tokens. Thread-safe.
#pragma once

#include <string>

#include "services/auth/sha256.h"
#include "services/workflow/status.h"

namespace baraza::auth {

// A new token: "bz_" followed by 64 hex digits of cryptographic randomness.
Result<std::string> GenerateToken();

// The hex SHA-256 of a token, the only form in which it is stored.
inline std::string HashToken(const std::string& token) { return Sha256Hex(token); }

// The token from an `authorization` metadata value ("Bearer <token>"), or an
// UNAUTHENTICATED status that says what is wrong with it.
Result<std::string> ParseBearer(const std::string& header);

}  // namespace baraza::auth

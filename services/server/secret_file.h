// Writing a secret (a token) to a file only its owner can read (mode 0600),
// synced to disk. Used by barazad's first start and `barazad token issue`.
#pragma once

#include <string>

#include "services/workflow/status.h"

namespace baraza {

// Writes `content` and a newline to `path`, creating its folder. With
// `replace` false an existing file is never overwritten (ALREADY_EXISTS).
Status WriteSecretFile(const std::string& path, const std::string& content, bool replace);

}  // namespace baraza

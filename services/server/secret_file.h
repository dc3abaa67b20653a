// Writing a secret (a token) to a file only its owner can read (mode 0600),
// synced to disk, never through a symbolic link. Used by barazad's first start
// and `barazad token issue`; thread-compatible (plain system calls).
#pragma once

#include <string>

#include "services/workflow/status.h"

namespace baraza {

// Writes `content` and a newline to `path`, creating its folder. With
// `replace` false an existing file is never overwritten (ALREADY_EXISTS); with
// `replace` true an existing regular file is replaced as a whole (a new file
// renamed over it). A symbolic link at `path` is refused either way and left
// as it is, its target untouched: a planted link must not steer the secret.
Status WriteSecretFile(const std::string& path, const std::string& content, bool replace);

// OK when `path` does not exist or is a regular file that only its owner can
// read and write; FAILED_PRECONDITION naming the file and the fix when it is a
// symbolic link or others may read it (mode & 077).
Status CheckSecretFile(const std::string& path);

}  // namespace baraza

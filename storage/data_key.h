// The data key of confidential text at rest: 32 random bytes kept in a file
// beside the database (mode 0600) or in a systemd credential, never in the
// database. Used by SqliteCaseStore::Open; thread-compatible (plain system calls).
#pragma once

#include <string>

#include "services/workflow/status.h"

namespace baraza {

// Reads the key in `path` (64 hex digits). NOT_FOUND when there is no file;
// FAILED_PRECONDITION naming the file and the fix when it is a symbolic link,
// others may read it (unless `trusted_mode`: a systemd credential, whose
// folder only the service can read), or it does not hold a key.
Result<std::string> ReadDataKey(const std::string& path, bool trusted_mode = false);

// Creates `path` (which must not exist, links included: O_CREAT|O_EXCL|
// O_NOFOLLOW, mode 0600), writes `key` as hex, and syncs the file and its folder.
Status WriteNewDataKey(const std::string& path, const std::string& key);

}  // namespace baraza

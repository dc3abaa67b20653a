#include "services/server/secret_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace baraza {
namespace {

Status SymlinkRefused(const std::string& path) {
  return Status::FailedPrecondition(
      path + " is a symbolic link; barazad writes and trusts a token file only as a regular "
             "file of its own. Remove the link (rm " + path + ") or name another file");
}

// Creates `path` (which must not exist, links included), writes `line`, syncs.
// O_EXCL with O_CREAT fails on any existing name, a dangling link too;
// O_NOFOLLOW says so once more for readers of this code.
Status CreateAndWrite(const std::string& path, const std::string& line) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    int err = errno;
    struct stat st{};
    if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) return SymlinkRefused(path);
    if (err == EEXIST)
      return Status::AlreadyExists(path + " exists; an existing token file is never overwritten");
    return Status::Unavailable("cannot write " + path + ": " + std::strerror(err));
  }
  bool ok = ::fchmod(fd, 0600) == 0;  // exactly 0600 whatever the umask
  ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ok;
  ok = ::fsync(fd) == 0 && ok;
  ok = ::close(fd) == 0 && ok;
  if (!ok) {
    ::unlink(path.c_str());
    return Status::Unavailable("cannot write " + path + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

}  // namespace

Status WriteSecretFile(const std::string& path, const std::string& content, bool replace) {
  std::error_code ec;
  auto dir = std::filesystem::path(path).parent_path();
  if (!dir.empty()) std::filesystem::create_directories(dir, ec);
  std::string line = content + "\n";
  struct stat st{};
  bool exists = ::lstat(path.c_str(), &st) == 0;
  if (exists && S_ISLNK(st.st_mode)) return SymlinkRefused(path);
  if (!exists || !replace) return CreateAndWrite(path, line);
  if (!S_ISREG(st.st_mode))
    return Status::FailedPrecondition(path + " exists and is not a regular file; move it away");
  // Replace: a fresh file beside it, renamed over it. rename() replaces the
  // name, so even a link swapped in meanwhile is replaced, not followed.
  std::string fresh = path + ".new";
  ::unlink(fresh.c_str());  // a leftover of an interrupted start; unlink never follows links
  BARAZA_RETURN_IF_ERROR(CreateAndWrite(fresh, line));
  if (::rename(fresh.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(fresh.c_str());
    return Status::Unavailable("cannot replace " + path + ": " + std::strerror(err));
  }
  return Status::Ok();
}

Status CheckSecretFile(const std::string& path) {
  struct stat st{};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status::Ok();
    return Status::FailedPrecondition("cannot check " + path + ": " + std::strerror(errno));
  }
  if (S_ISLNK(st.st_mode)) return SymlinkRefused(path);
  if (!S_ISREG(st.st_mode))
    return Status::FailedPrecondition(path + " is not a regular file; move it away");
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Status::FailedPrecondition(
        "the token file " + path + " can be read by others (mode " + mode +
        "): whoever reads it acts as a mediator. Make it private with `chmod 600 " + path +
        "`, consider revoking the token (barazad token revoke) if others may have read it, "
        "then start barazad again");
  }
  return Status::Ok();
}

}  // namespace baraza

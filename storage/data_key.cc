#include "storage/data_key.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "services/auth/sha256.h"
#include "storage/data_cipher.h"

namespace baraza {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Status SyncFolder(const std::string& path) {
  auto dir = std::filesystem::path(path).parent_path();
  int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::Unavailable("cannot open the folder of " + path);
  bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok ? Status::Ok() : Status::Unavailable("cannot sync the folder of " + path);
}

}  // namespace

Result<std::string> ReadDataKey(const std::string& path, bool trusted_mode) {
  struct stat st{};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status::NotFound("no data key file at " + path);
    return Status::FailedPrecondition("cannot read the data key file " + path + ": " +
                                      std::strerror(errno));
  }
  if (S_ISLNK(st.st_mode))
    return Status::FailedPrecondition(
        "the data key file " + path + " is a symbolic link; barazad trusts a key only as a "
        "regular file of its own. Put the key file itself there, or pass --data-key-file");
  if (!S_ISREG(st.st_mode))
    return Status::FailedPrecondition("the data key file " + path + " is not a regular file");
  if (!trusted_mode && (st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Status::FailedPrecondition(
        "the data key file " + path + " can be read by others (mode " + mode +
        "): whoever holds it and a copy of the database reads every mediator-only position. "
        "Make it private with `chmod 600 " + path + "`, then start barazad again");
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return Status::FailedPrecondition("cannot read the data key file " + path + ": " +
                                      std::strerror(errno));
  char buf[256];
  ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  std::string text(buf, n > 0 ? static_cast<size_t>(n) : 0);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
    text.pop_back();
  std::string key;
  bool ok = text.size() == 2 * DataCipher::kKeyBytes;
  for (size_t i = 0; ok && i < text.size(); i += 2) {
    int hi = HexDigit(text[i]), lo = HexDigit(text[i + 1]);
    ok = hi >= 0 && lo >= 0;
    key.push_back(static_cast<char>(hi * 16 + lo));
  }
  if (!ok)
    return Status::FailedPrecondition(
        "the data key file " + path + " does not hold a data key (64 hex digits); it is not "
        "the file barazad wrote. Put the right key file back");
  return key;
}

Status WriteNewDataKey(const std::string& path, const std::string& key) {
  std::error_code ec;
  auto dir = std::filesystem::path(path).parent_path();
  if (!dir.empty()) std::filesystem::create_directories(dir, ec);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST)
      return Status::AlreadyExists(path + " exists; an existing data key file is never overwritten");
    return Status::Unavailable("cannot create the data key file " + path + ": " +
                               std::strerror(errno));
  }
  std::string line =
      auth::Hex(reinterpret_cast<const unsigned char*>(key.data()), key.size()) + "\n";
  bool ok = ::fchmod(fd, 0600) == 0;
  ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ok;
  ok = ::fsync(fd) == 0 && ok;
  ok = ::close(fd) == 0 && ok;
  if (!ok) {
    ::unlink(path.c_str());
    return Status::Unavailable("cannot write the data key file " + path);
  }
  return SyncFolder(path);
}

}  // namespace baraza

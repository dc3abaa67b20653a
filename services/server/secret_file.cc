#include "services/server/secret_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace baraza {

Status WriteSecretFile(const std::string& path, const std::string& content, bool replace) {
  std::error_code ec;
  auto dir = std::filesystem::path(path).parent_path();
  if (!dir.empty()) std::filesystem::create_directories(dir, ec);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | (replace ? O_TRUNC : O_EXCL), 0600);
  if (fd < 0) {
    if (errno == EEXIST)
      return Status::AlreadyExists(path + " exists; an existing token file is never overwritten");
    return Status::Unavailable("cannot write " + path + ": " + std::strerror(errno));
  }
  ::fchmod(fd, 0600);
  std::string line = content + "\n";
  bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ok = ::fsync(fd) == 0 && ok;
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    return Status::Unavailable("cannot write " + path);
  }
  return Status::Ok();
}

}  // namespace baraza

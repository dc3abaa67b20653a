#include "tests/outreach/sink_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

namespace baraza::testing {

bool SinkProcess::Start(const std::string& script, const std::string& outdir) {
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) != 0) return false;
  if (pipe2(out, O_CLOEXEC) != 0) return false;
  // Built before fork: the child of a threaded process must not allocate.
  std::string python = BARAZA_PYTHON3, path = std::string(OUTREACH_SINK_DIR) + "/" + script;
  std::vector<char*> argv = {python.data(), path.data(), const_cast<char*>(outdir.c_str()), nullptr};
  pid_ = fork();
  if (pid_ == 0) {
    dup2(in[0], STDIN_FILENO);
    dup2(out[1], STDOUT_FILENO);
    execv(python.c_str(), argv.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  stdin_ = in[1];
  if (pid_ < 0) {
    close(out[0]);
    return false;
  }
  std::string line;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < until) {
    pollfd p{out[0], POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;
    char chunk[64];
    ssize_t n = read(out[0], chunk, sizeof chunk);
    if (n <= 0) break;
    line.append(chunk, static_cast<size_t>(n));
  }
  close(out[0]);
  if (line.find('\n') != std::string::npos) port_ = std::atoi(line.c_str());
  if (port_ <= 0) Stop();
  return port_ > 0;
}

void SinkProcess::Stop() {
  if (stdin_ >= 0) close(stdin_);
  stdin_ = -1;
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (waitpid(pid_, nullptr, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() >= until) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  pid_ = -1;
  port_ = 0;
}

std::vector<nlohmann::json> ReadRecords(const std::string& dir) {
  std::vector<nlohmann::json> records;
  for (int n = 1; n <= 10000; ++n) {
    std::string path = dir + "/" + std::to_string(n) + ".json";
    if (!std::filesystem::exists(path)) break;
    std::ifstream in(path);
    records.push_back(nlohmann::json::parse(in));
  }
  return records;
}

}  // namespace baraza::testing

#include "tests/e2e/server_process.h"

#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>

namespace baraza::testing {

bool ServerProcess::Start() {
  int out[2];
  if (pipe(out) != 0) return false;
  std::string db = db_path(), token = dir_.file("mediator.token"), log = dir_.file("barazad.log");
  // Built before fork: the child of a threaded process must not allocate.
  std::vector<std::string> args = {"barazad", "--listen", listen, "--db", db,
                                   "--mediator-token-file", token};
  if (public_page) args.insert(args.end(), {"--public-page", "127.0.0.1:0"});
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const rlimit files{open_file_limit, open_file_limit};
  pid_ = fork();
  if (pid_ == 0) {
    if (open_file_limit > 0 && setrlimit(RLIMIT_NOFILE, &files) != 0) _exit(126);
    dup2(out[1], STDOUT_FILENO);
    FILE* err = freopen(log.c_str(), "a", stderr);
    (void)err;
    close(out[0]);
    close(out[1]);
    execv(BARAZAD_PATH, argv.data());
    _exit(127);
  }
  close(out[1]);
  // Read the "barazad listening on 127.0.0.1:PORT" line, for at most 20 s.
  std::string buffer;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (port_ == 0 && std::chrono::steady_clock::now() < until) {
    pollfd p{out[0], POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;
    char chunk[256];
    ssize_t n = read(out[0], chunk, sizeof chunk);
    if (n <= 0) break;
    buffer.append(chunk, static_cast<size_t>(n));
    auto at = buffer.find("listening on ");
    auto eol = buffer.find('\n', at == std::string::npos ? 0 : at);
    if (at != std::string::npos && eol != std::string::npos) {
      std::string addr = buffer.substr(at + 13, eol - at - 13);
      port_ = std::stoi(addr.substr(addr.rfind(':') + 1));
    }
  }
  // barazad prints the page's address before it starts serving gRPC.
  if (auto at = buffer.find("public page on http://"); at != std::string::npos) {
    auto end = buffer.find('/', at + 22);
    std::string addr = buffer.substr(at + 22, end - at - 22);
    page_port_ = std::stoi(addr.substr(addr.rfind(':') + 1));
  }
  if (auto at = buffer.find("delivery reports on http://"); at != std::string::npos) {
    auto end = buffer.find('/', at + 27);
    std::string addr = buffer.substr(at + 27, end - at - 27);
    reports_port_ = std::stoi(addr.substr(addr.rfind(':') + 1));
  }
  if (auto at = buffer.find("metrics on http://"); at != std::string::npos) {
    auto end = buffer.find('/', at + 18);
    std::string addr = buffer.substr(at + 18, end - at - 18);
    metrics_port_ = std::stoi(addr.substr(addr.rfind(':') + 1));
  }
  close(out[0]);
  if (port_ == 0) {
    std::ifstream in(log);
    std::cerr << "barazad did not start; its log:\n" << in.rdbuf() << std::endl;
    Kill();
    return false;
  }
  return Client("").WaitUntilServing(std::chrono::seconds(20));
}

int ServerProcess::Stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  port_ = 0;
  page_port_ = 0;
  metrics_port_ = 0;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void ServerProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
  port_ = 0;
  page_port_ = 0;
  metrics_port_ = 0;
}

std::string ServerProcess::mediator_token() const {
  std::ifstream in(dir_.file("mediator.token"));
  std::string token;
  std::getline(in, token);
  return token;
}

client::BarazaClient ServerProcess::Client(const std::string& token) const {
  client::ClientOptions o = client_options;
  o.server = address();
  o.token = token;
  o.timeout = std::chrono::seconds(10);
  return client::BarazaClient(o);
}

}  // namespace baraza::testing

#include "tests/fakes/postgres_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>

namespace baraza::testing {
namespace {

constexpr char kBin[] = "/usr/lib/postgresql/15/bin";
// The unprivileged user PostgreSQL runs as when the tests run as root
// (initdb and postgres refuse root). `nobody` exists on every Debian.
constexpr char kRunAs[] = "nobody";

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

std::string Quote(const std::string& s) { return "'" + s + "'"; }

// Runs an SQL command on the server's `postgres` database.
bool Admin(const std::string& conninfo, const std::string& sql) {
  PGconn* c = PQconnectdb(conninfo.c_str());
  bool ok = PQstatus(c) == CONNECTION_OK;
  if (ok) {
    PGresult* r = PQexec(c, sql.c_str());
    ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok) WARN("postgres: " << sql << ": " << PQerrorMessage(c));
    PQclear(r);
  } else {
    WARN("postgres: cannot connect: " << PQerrorMessage(c));
  }
  PQfinish(c);
  return ok;
}

}  // namespace

std::optional<std::string> PostgresServer::BinDir() {
  if (std::filesystem::exists(std::string(kBin) + "/initdb") &&
      std::filesystem::exists(std::string(kBin) + "/pg_ctl"))
    return std::string(kBin);
  return std::nullopt;
}

PostgresServer& PostgresServer::Get() {
  static std::unique_ptr<PostgresServer> server = [] {
    auto s = std::unique_ptr<PostgresServer>(new PostgresServer());
    s->Init();
    return s;
  }();
  return *server;
}

bool PostgresServer::Run(const std::string& command) const {
  std::string full = bin_ + "/" + command;
  if (!run_as_.empty()) full = "runuser -u " + run_as_ + " -- " + full;
  full += " >>" + Quote(dir_ + "/tools.log") + " 2>&1";
  return std::system(full.c_str()) == 0;
}

void PostgresServer::Init() {
  auto bin = BinDir();
  REQUIRE(bin);
  bin_ = *bin;
  char tmpl[] = "/tmp/baraza-pg-XXXXXX";
  REQUIRE(::mkdtemp(tmpl) != nullptr);
  dir_ = tmpl;
  data_ = dir_ + "/data";
  if (::geteuid() == 0) {
    run_as_ = kRunAs;
    passwd* pw = ::getpwnam(kRunAs);
    REQUIRE(pw != nullptr);
    REQUIRE(::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) == 0);
  }
  // The watchdog: a child that waits for this process to end (the pipe's
  // other end closes however it ends, SIGKILL included), then stops the
  // server and removes the folder.
  int fds[2];
  REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
  std::string stop = bin_ + "/pg_ctl stop -m immediate -D " + Quote(data_);
  if (!run_as_.empty()) stop = "runuser -u " + run_as_ + " -- " + stop;
  std::string script = stop + " >/dev/null 2>&1; rm -rf " + Quote(dir_);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {  // only async-signal-safe calls until exec: the parent has threads
    ::close(fds[1]);
    ::setsid();  // not killed with the test's process group
    char b;
    while (::read(fds[0], &b, 1) > 0) {
    }
    ::execl("/bin/sh", "sh", "-c", script.c_str(), static_cast<char*>(nullptr));
    ::_exit(1);
  }
  ::close(fds[0]);
  guard_pid_ = pid;
  guard_pipe_ = fds[1];
  REQUIRE(Run("initdb -D " + Quote(data_) +
              " -U baraza --auth=trust --encoding=UTF8 --locale=C.UTF-8 --no-instructions"));
  // fsync and synchronous_commit on, as in production: the tests check what
  // is durable, not a faster mode.
  std::ofstream conf(data_ + "/postgresql.conf", std::ios::app);
  conf << "\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = " << Quote(dir_)
       << "\nfsync = on\nsynchronous_commit = on\nmax_connections = 200\n"
          "shared_buffers = 32MB\nlogging_collector = off\n";
  conf.close();
  port_ = FreePort();
  Start();
}

void PostgresServer::Start() {
  // After an immediate stop the old server's processes may still be exiting
  // (its shared memory "still in use"): a few tries, a moment apart.
  bool started = false;
  for (int i = 0; i < 20 && !started; ++i) {
    if (i > 0) {
      // A postmaster of this folder still alive (it was told to stop but
      // lingers) is ended: only this process starts servers here.
      std::ifstream pidfile(data_ + "/postmaster.pid");
      pid_t pid = 0;
      pidfile >> pid;
      if (pid > 0 && ::kill(pid, SIGKILL) == 0)
        for (int j = 0; j < 50 && ::kill(pid, 0) == 0; ++j) ::usleep(100 * 1000);
      ::usleep(250 * 1000);
    }
    started = Run("pg_ctl start -w -t 60 -D " + Quote(data_) + " -o " +
                  Quote("-p " + std::to_string(port_)) + " -l " + Quote(dir_ + "/server.log"));
  }
  if (!started) {
    std::string text;
    for (const char* name : {"/server.log", "/tools.log"}) {
      std::ifstream log(dir_ + name);
      std::string all((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
      text += std::string(name) + ":\n" + all.substr(all.size() > 2000 ? all.size() - 2000 : 0);
    }
    FAIL("PostgreSQL did not start on port " << port_ << ":\n" << text);
  }
}

void PostgresServer::Stop() {
  if (Run("pg_ctl stop -m immediate -w -t 30 -D " + Quote(data_))) return;
  // pg_ctl gave up: end the postmaster itself, and wait (bounded) until it is gone.
  std::ifstream pidfile(data_ + "/postmaster.pid");
  pid_t pid = 0;
  pidfile >> pid;
  WARN("pg_ctl stop failed; killing postmaster " << pid);
  if (pid > 0) ::kill(pid, SIGKILL);
  for (int i = 0; i < 100 && pid > 0 && ::kill(pid, 0) == 0; ++i) ::usleep(100 * 1000);
}

std::string PostgresServer::ConnInfo(const std::string& db) const {
  return "host=127.0.0.1 port=" + std::to_string(port_) + " user=baraza dbname=" + db +
         " connect_timeout=5";
}

std::string PostgresServer::Uri(const std::string& db) const {
  return "postgresql://baraza@127.0.0.1:" + std::to_string(port_) + "/" + db + "?connect_timeout=5";
}

std::string PostgresServer::NewDatabase() {
  std::string name = "test_" + std::to_string(::getpid()) + "_" + std::to_string(++databases_);
  REQUIRE(Admin(ConnInfo("postgres"), "CREATE DATABASE " + name));
  return ConnInfo(name);
}

PostgresServer::~PostgresServer() {
  if (guard_pipe_ < 0) return;
  ::close(guard_pipe_);  // the watchdog stops the server and removes the folder
  int status = 0;
  ::waitpid(guard_pid_, &status, 0);
}

}  // namespace baraza::testing

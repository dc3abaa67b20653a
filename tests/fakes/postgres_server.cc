#include "tests/fakes/postgres_server.h"

#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <memory>

#include "tests/fakes/postgres_tools.h"

namespace baraza::testing {

using pgtools::Admin;
using pgtools::Quote;

namespace {

constexpr char kBin[] = "/usr/lib/postgresql/15/bin";

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
  return pgtools::Run(bin_, run_as_, dir_ + "/tools.log", command);
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
    run_as_ = pgtools::kRunAs;
    passwd* pw = ::getpwnam(pgtools::kRunAs);
    REQUIRE(pw != nullptr);
    REQUIRE(::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) == 0);
  }
  // The watchdog: stops the server and removes the folder when this process
  // ends, however it ends (SIGKILL included).
  std::string stop = bin_ + "/pg_ctl stop -m immediate -D " + Quote(data_);
  if (!run_as_.empty()) stop = "runuser -u " + run_as_ + " -- " + stop;
  guard_ = std::make_unique<pgtools::Watchdog>(stop + " >/dev/null 2>&1; rm -rf " + Quote(dir_));
  REQUIRE(Run("initdb -D " + Quote(data_) +
              " -U baraza --auth=trust --encoding=UTF8 --locale=C.UTF-8 --no-instructions"));
  // fsync and synchronous_commit on, as in production: the tests check what
  // is durable, not a faster mode.
  std::ofstream conf(data_ + "/postgresql.conf", std::ios::app);
  conf << "\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = " << Quote(dir_)
       << "\nfsync = on\nsynchronous_commit = on\nmax_connections = 200\n"
          "shared_buffers = 32MB\nlogging_collector = off\n";
  conf.close();
  port_ = pgtools::FreePort();
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
  if (guard_) guard_->Finish();  // the watchdog stops the server and removes the folder
}

}  // namespace baraza::testing

#include "tests/fakes/postgres_tools.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>

namespace baraza::testing::pgtools {

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

bool Run(const std::string& bin, const std::string& run_as, const std::string& log,
         const std::string& command) {
  std::string full = bin + "/" + command;
  if (!run_as.empty()) full = "runuser -u " + run_as + " -- " + full;
  full += " >>" + Quote(log) + " 2>&1";
  return std::system(full.c_str()) == 0;
}

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

std::string Scalar(const std::string& conninfo, const std::string& sql, std::string* error) {
  PGconn* c = PQconnectdb(conninfo.c_str());
  std::string out, why;
  if (PQstatus(c) == CONNECTION_OK) {
    PGresult* r = PQexec(c, sql.c_str());
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 && PQnfields(r) > 0)
      out = PQgetvalue(r, 0, 0);
    else if (PQresultStatus(r) != PGRES_TUPLES_OK)
      why = PQerrorMessage(c);
    PQclear(r);
  } else {
    why = PQerrorMessage(c);
  }
  PQfinish(c);
  if (error) *error = why;
  return out;
}

pid_t PostmasterPid(const std::string& data) {
  std::ifstream pidfile(data + "/postmaster.pid");
  pid_t pid = 0;
  pidfile >> pid;
  return pid;
}

Watchdog::Watchdog(const std::string& script) {
  int fds[2];
  REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
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
  pid_ = pid;
  pipe_ = fds[1];
}

void Watchdog::Finish() {
  if (pipe_ < 0) return;
  ::close(pipe_);
  pipe_ = -1;
  int status = 0;
  ::waitpid(pid_, &status, 0);
}

}  // namespace baraza::testing::pgtools

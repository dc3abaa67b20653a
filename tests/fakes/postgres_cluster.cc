#include "tests/fakes/postgres_cluster.h"

#include <dirent.h>
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <vector>

#include "tests/fakes/postgres_server.h"
#include "tests/fakes/postgres_tools.h"

namespace baraza::testing {

using pgtools::Quote;

namespace {

// The processes whose parent is `parent` (the postmaster's backends, walsender, ...).
std::vector<pid_t> ChildrenOf(pid_t parent) {
  std::vector<pid_t> out;
  DIR* proc = ::opendir("/proc");
  if (!proc) return out;
  while (dirent* e = ::readdir(proc)) {
    pid_t pid = static_cast<pid_t>(std::atoi(e->d_name));
    if (pid <= 0) continue;
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(stat, line);
    // pid (comm) state ppid ...: comm may hold spaces, so read after the last ')'.
    auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    char state = 0;
    int ppid = 0;
    if (std::sscanf(line.c_str() + close + 1, " %c %d", &state, &ppid) == 2 && ppid == parent)
      out.push_back(pid);
  }
  ::closedir(proc);
  return out;
}

// Whether `pid` still runs (a zombie, waiting to be reaped, does not).
bool Alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  auto close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] != 'Z';
}

std::string Tail(const std::string& file, size_t n) {
  std::ifstream in(file);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return all.substr(all.size() > n ? all.size() - n : 0);
}

}  // namespace

bool PostgresCluster::Run(const std::string& command) const {
  return pgtools::Run(bin_, run_as_, dir_ + "/tools.log", command);
}

PostgresCluster::PostgresCluster() {
  auto bin = PostgresServer::BinDir();
  REQUIRE(bin);
  bin_ = *bin;
  char tmpl[] = "/tmp/baraza-pgc-XXXXXX";
  REQUIRE(::mkdtemp(tmpl) != nullptr);
  dir_ = tmpl;
  data_[kPrimary] = dir_ + "/primary";
  data_[kStandby] = dir_ + "/standby";
  if (::geteuid() == 0) {
    run_as_ = pgtools::kRunAs;
    passwd* pw = ::getpwnam(pgtools::kRunAs);
    REQUIRE(pw != nullptr);
    REQUIRE(::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) == 0);
  }
  std::string script;
  for (const auto& data : data_) {
    std::string stop = bin_ + "/pg_ctl stop -m immediate -D " + Quote(data);
    if (!run_as_.empty()) stop = "runuser -u " + run_as_ + " -- " + stop;
    script += stop + " >/dev/null 2>&1; ";
  }
  guard_ = std::make_unique<pgtools::Watchdog>(script + "rm -rf " + Quote(dir_));

  ports_[kPrimary] = pgtools::FreePort();
  do {
    ports_[kStandby] = pgtools::FreePort();
  } while (ports_[kStandby] == ports_[kPrimary]);

  REQUIRE(Run("initdb -D " + Quote(data_[kPrimary]) +
              " -U baraza --auth=trust --encoding=UTF8 --locale=C.UTF-8 --no-instructions"));
  {
    // The primary streams its WAL; a commit is answered once the standby has
    // it on disk too (synchronous_commit = on with a synchronous standby).
    // The standby's clone of this file is amended below.
    std::ofstream conf(data_[kPrimary] + "/postgresql.conf", std::ios::app);
    conf << "\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = " << Quote(dir_)
         << "\nfsync = on\nsynchronous_commit = on\nmax_connections = 100\n"
            "shared_buffers = 32MB\nlogging_collector = off\n"
            "wal_level = replica\nmax_wal_senders = 4\nwal_keep_size = 64MB\n"
            "hot_standby = on\nsynchronous_standby_names = 'standby'\n";
    std::ofstream hba(data_[kPrimary] + "/pg_hba.conf", std::ios::app);
    hba << "\nhost replication replicator 127.0.0.1/32 trust\n";
  }
  StartNode(kPrimary);
  REQUIRE(pgtools::Admin(ConnInfo(kPrimary, "postgres"),
                         // no standby yet to wait for
                         "SET synchronous_commit = local; "
                         "CREATE ROLE replicator WITH REPLICATION LOGIN"));
  // The standby: a copy of the primary that follows it (-R writes
  // primary_conninfo and standby.signal), known to it as "standby".
  REQUIRE(Run("pg_basebackup -D " + Quote(data_[kStandby]) + " -h 127.0.0.1 -p " +
              std::to_string(ports_[kPrimary]) +
              " -U replicator -X stream -c fast -R -d " +
              Quote("application_name=standby")));
  {
    // Promoted, it serves alone until a new standby is attached: it must not
    // wait for a synchronous standby of its own (Patroni does the same, see
    // deploy/patroni/). This is the choice of availability once one machine is lost.
    std::ofstream conf(data_[kStandby] + "/postgresql.conf", std::ios::app);
    conf << "\nsynchronous_standby_names = ''\ncluster_name = 'standby'\n";
  }
  StartNode(kStandby);
  std::string state;
  for (int i = 0; i < 100 && state != "sync"; ++i) {
    state = StandbyState();
    if (state != "sync") ::usleep(100 * 1000);
  }
  INFO("primary's log:\n" << LogTail(kPrimary) << "\nstandby's log:\n" << LogTail(kStandby));
  REQUIRE(state == "sync");
}

void PostgresCluster::StartNode(Node node) {
  bool started = Run("pg_ctl start -w -t 60 -D " + Quote(data_[node]) + " -o " +
                     Quote("-p " + std::to_string(ports_[node])) + " -l " +
                     Quote(data_[node] + ".log"));
  if (!started)
    FAIL("PostgreSQL (" << (node == kPrimary ? "primary" : "standby") << ") did not start on port "
                        << ports_[node] << ":\n"
                        << LogTail(node) << "\ntools.log:\n"
                        << Tail(dir_ + "/tools.log", 2000));
}

std::string PostgresCluster::ConnInfo(Node node, const std::string& db) const {
  return "host=127.0.0.1 port=" + std::to_string(ports_[node]) + " user=baraza dbname=" + db +
         " connect_timeout=5";
}

std::string PostgresCluster::Uri(const std::string& db) const {
  return "postgresql://baraza@127.0.0.1:" + std::to_string(ports_[kPrimary]) + ",127.0.0.1:" +
         std::to_string(ports_[kStandby]) + "/" + db +
         "?target_session_attrs=read-write&connect_timeout=5";
}

std::string PostgresCluster::NewDatabase() {
  std::string name = "failover_" + std::to_string(::getpid()) + "_" + std::to_string(++databases_);
  REQUIRE(pgtools::Admin(ConnInfo(kPrimary, "postgres"), "CREATE DATABASE " + name));
  return name;
}

std::string PostgresCluster::StandbyState() const {
  return pgtools::Scalar(ConnInfo(kPrimary, "postgres"),
                         "SELECT sync_state FROM pg_stat_replication "
                         "WHERE application_name = 'standby'");
}

std::string PostgresCluster::InRecovery(Node node) const {
  return pgtools::Scalar(ConnInfo(node, "postgres"), "SELECT pg_is_in_recovery()");
}

void PostgresCluster::KillPrimary() {
  pid_t postmaster = pgtools::PostmasterPid(data_[kPrimary]);
  REQUIRE(postmaster > 0);
  // Stopped first, so that it forks nothing between the listing and the kill.
  REQUIRE(::kill(postmaster, SIGSTOP) == 0);
  std::vector<pid_t> all = ChildrenOf(postmaster);
  for (pid_t p : all) ::kill(p, SIGSTOP);
  all.push_back(postmaster);
  for (pid_t p : all) ::kill(p, SIGKILL);
  for (pid_t p : all)  // bounded: SIGKILL is not refused
    for (int i = 0; i < 100 && Alive(p); ++i) ::usleep(50 * 1000);
}

void PostgresCluster::PromoteStandby() {
  INFO("standby's log:\n" << LogTail(kStandby));
  REQUIRE(Run("pg_ctl promote -w -t 60 -D " + Quote(data_[kStandby])));
  REQUIRE(InRecovery(kStandby) == "f");
}

std::string PostgresCluster::LogTail(Node node) const { return Tail(data_[node] + ".log", 3000); }

PostgresCluster::~PostgresCluster() {
  if (guard_) guard_->Finish();  // stops both servers and removes the folder
}

}  // namespace baraza::testing

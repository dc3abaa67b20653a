// barazad: the Baraza server. See README.md for how to run it and docs/ for
// the design.
#include <CLI/CLI.hpp>
#include <iostream>
#include <spdlog/spdlog.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include "services/server/server.h"

int main(int argc, char** argv) {
  CLI::App app{"barazad — the Baraza case server: contact groups, disputes, notices and "
               "deadlines that the server enforces itself"};
  baraza::ServerOptions options;
  app.add_option("--listen", options.listen, "address to serve gRPC on (host:port; port 0 picks one)")
      ->capture_default_str();
  app.add_option("--db", options.db_path, "SQLite database file (created if missing)")
      ->capture_default_str();
  app.add_option("--mediator-token-file", options.token_file,
                 "where the first mediator token is written on first start (mode 0600)")
      ->capture_default_str();
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error")->capture_default_str();
  app.footer("Stop with SIGINT or SIGTERM: running calls finish, the database is closed cleanly.");
  CLI11_PARSE(app, argc, argv);

  spdlog::set_default_logger(spdlog::stderr_color_mt("barazad"));
  spdlog::set_level(spdlog::level::from_str(log_level));
  baraza::Status s = baraza::RunServer(options);
  if (!s.ok()) {
    std::cerr << "barazad: " << s.message() << std::endl;
    return 1;
  }
  return 0;
}

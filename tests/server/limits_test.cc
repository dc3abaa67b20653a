// ResolveLimits (services/server/limits.h): defaults follow the open-file limit
// and always leave descriptors for the database, the log and the outbox.
#include <catch2/catch.hpp>

#include "services/server/limits.h"

using namespace baraza;

TEST_CASE("limits at 1,024 open files leave 128 for the rest and share the page a quarter",
          "[server][limits]") {
  auto l = ResolveLimits({}, 1024, true);
  REQUIRE(l.ok());
  CHECK(l->connections == 672);
  CHECK(l->connections_per_peer == 84);
  CHECK(l->page_connections == 224);
  CHECK(l->page_connections_per_peer == 28);
  CHECK(l->streams_per_connection == 100);
  CHECK(l->connections + l->page_connections + kReservedFiles <= 1024);
}

TEST_CASE("without the page the gRPC port gets every usable descriptor, per address at most 256",
          "[server][limits]") {
  auto l = ResolveLimits({}, 20000, false);
  REQUIRE(l.ok());
  CHECK(l->connections == 20000 - static_cast<int>(kReservedFiles));
  CHECK(l->connections_per_peer == 256);
  CHECK(l->page_connections == 0);
}

TEST_CASE("limits given that would crowd out the database are refused, naming the flags",
          "[server][limits]") {
  ConnectionLimits given;
  given.connections = 1000;
  auto l = ResolveLimits(given, 1024, false);
  REQUIRE_FALSE(l.ok());
  CHECK_THAT(l.status().message(), Catch::Contains("--max-connections 1000"));
  CHECK_THAT(l.status().message(), Catch::Contains("ulimit -Hn"));
}

TEST_CASE("limits given are kept", "[server][limits]") {
  ConnectionLimits given;
  given.connections = 100;
  given.connections_per_peer = 3;
  given.streams_per_connection = 10;
  auto l = ResolveLimits(given, 1024, false);
  REQUIRE(l.ok());
  CHECK(l->connections == 100);
  CHECK(l->connections_per_peer == 3);
  CHECK(l->streams_per_connection == 10);
}

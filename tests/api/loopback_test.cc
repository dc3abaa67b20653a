// IsLoopback (services/auth/loopback.h): which "host:port" addresses may carry
// plaintext. Only literal 127.0.0.0/8, literal ::1 and exactly `localhost` count;
// a host name that merely starts like one is somewhere else on the network.
#include <catch2/catch.hpp>

#include "services/auth/loopback.h"

using baraza::auth::IsLoopback;

TEST_CASE("loopback addresses with a port are loopback", "[api][loopback]") {
  for (const char* address : {"127.0.0.1:50051", "127.1.2.3:1", "127.255.255.255:0",
                              "[::1]:50051", "localhost:50051", "127.0.0.1:0"}) {
    INFO(address);
    CHECK(IsLoopback(address));
  }
}

TEST_CASE("host names that start like a loopback address are not loopback", "[api][loopback]") {
  for (const char* address :
       {"127.attacker.example:50051", "127.0.0.1.attacker.example:50051",
        "localhost.attacker.example:50051", "127.0.0.1.:50051", "localhost.:50051",
        "LOCALHOST:50051", "127.example:1"}) {
    INFO(address);
    CHECK_FALSE(IsLoopback(address));
  }
}

TEST_CASE("addresses off this machine, malformed or ambiguous are not loopback",
          "[api][loopback]") {
  for (const char* address :
       {"0.0.0.0:50051", "128.0.0.1:50051", "192.0.2.1:50051", ":50051", "[::]:50051",
        "[::ffff:127.0.0.1]:50051", "127.0.0.256:50051", "127.1:50051", "127.0.0:50051",
        "0127.0.0.1:50051", "127.0.0.1 :50051", "[::1:50051", "[::1]x:50051",
        "dns:///127.0.0.1.attacker.example:50051", "", "[]:1", "unix:/tmp/socket"}) {
    INFO(address);
    CHECK_FALSE(IsLoopback(address));
  }
}

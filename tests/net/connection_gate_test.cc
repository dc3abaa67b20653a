// ConnectionGate (services/net/connection_gate.h): one address cannot hold more
// than its share of a listener's connections, the total is capped, and when
// every connection is taken a newcomer gets one from the address holding most.
#include <catch2/catch.hpp>

#include "services/net/connection_gate.h"

using baraza::net::ConnectionGate;
using Verdict = ConnectionGate::Verdict;

TEST_CASE("a connection over the per-peer limit is refused while other addresses are admitted",
          "[net][gate]") {
  ConnectionGate gate({10, 3});
  for (int i = 0; i < 3; ++i) CHECK(gate.Admit("ipv4:10.0.0.1") == Verdict::kAdmit);
  CHECK(gate.Admit("ipv4:10.0.0.1") == Verdict::kPeerFull);
  CHECK(gate.Admit("ipv4:10.0.0.2") == Verdict::kAdmit);
  CHECK(gate.open() == 4);
  CHECK(gate.open_from("ipv4:10.0.0.1") == 3);
}

TEST_CASE("a released connection makes room for its address again", "[net][gate]") {
  ConnectionGate gate({10, 1});
  REQUIRE(gate.Admit("ipv4:10.0.0.1") == Verdict::kAdmit);
  REQUIRE(gate.Admit("ipv4:10.0.0.1") == Verdict::kPeerFull);
  gate.Release("ipv4:10.0.0.1");
  CHECK(gate.Admit("ipv4:10.0.0.1") == Verdict::kAdmit);
  CHECK(gate.open() == 1);
}

TEST_CASE("a connection over the total limit is refused, and the address holding most is named "
          "to make room",
          "[net][gate]") {
  ConnectionGate gate({5, 4});
  for (int i = 0; i < 4; ++i) REQUIRE(gate.Admit("ipv4:10.0.0.1") == Verdict::kAdmit);
  REQUIRE(gate.Admit("ipv4:10.0.0.2") == Verdict::kAdmit);
  CHECK(gate.Admit("ipv4:10.0.0.3") == Verdict::kTotalFull);
  CHECK(gate.open_from("ipv4:10.0.0.3") == 0);
  CHECK(gate.VictimFor("ipv4:10.0.0.3") == "ipv4:10.0.0.1");
  // Between equals nobody is evicted: the slot would only move back and forth.
  ConnectionGate even({2, 1});
  REQUIRE(even.Admit("ipv4:10.0.0.1") == Verdict::kAdmit);
  REQUIRE(even.Admit("ipv4:10.0.0.2") == Verdict::kAdmit);
  CHECK_FALSE(even.VictimFor("ipv4:10.0.0.3"));
}

TEST_CASE("releasing an address that holds nothing changes nothing", "[net][gate]") {
  ConnectionGate gate({5, 5});
  gate.Release("ipv4:10.0.0.9");
  CHECK(gate.open() == 0);
}

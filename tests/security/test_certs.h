// Makes a throw-away CA, a server certificate for 127.0.0.1 and a client
// certificate with the openssl command, for TLS tests. Not thread-safe.
#pragma once

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/fakes/temp_dir.h"

namespace baraza::testing {

struct TestCerts {
  std::string ca, server_cert, server_key, client_cert, client_key;  // paths

  explicit TestCerts(const TempDir& dir) {
    auto f = [&](const char* name) { return dir.file(name); };
    ca = f("ca.pem");
    server_cert = f("server.pem");
    server_key = f("server.key");
    client_cert = f("client.pem");
    client_key = f("client.key");
    {
      std::ofstream ext(f("server.ext"));
      ext << "subjectAltName=IP:127.0.0.1,DNS:localhost\n";
    }
    const std::string key = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes ";
    std::string script =
        "set -e; cd '" + dir.path().string() + "'; " +
        "openssl req -x509" + key + "-keyout ca.key -out ca.pem -days 2 -subj '/CN=Baraza test CA';" +
        "openssl req" + key + "-keyout server.key -out server.csr -subj '/CN=localhost';" +
        "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 "
        "-extfile server.ext -out server.pem;" +
        "openssl req" + key + "-keyout client.key -out client.csr -subj '/CN=field office';" +
        "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 "
        "-out client.pem";
    std::string command = "bash -c \"" + script + "\" >/dev/null 2>&1";
    REQUIRE(std::system(command.c_str()) == 0);
  }

  static std::string Read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
};

}  // namespace baraza::testing

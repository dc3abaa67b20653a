#include "bench/h2load.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>
#include <vector>

namespace baraza::bench {
namespace {

// Single-quotes `s` for /bin/sh.
std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string Run(const std::string& cmd) {
  std::string out;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    pclose(p);
  }
  return out;
}

double Percentile(std::vector<double>& v, double q) {
  if (v.empty()) return 0;
  size_t i = std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(i), v.end());
  return v[i];
}

}  // namespace

bool HaveH2load() { return !Run("command -v h2load 2>/dev/null").empty(); }

H2loadResult RunH2load(const std::string& address, const std::string& method,
                       const std::string& authorization, const std::string& request,
                       double seconds, const std::string& work) {
  H2loadResult r;
  if (!HaveH2load()) {
    r.error = "h2load is not installed (Debian package nghttp2-client)";
    return r;
  }
  // gRPC framing: not compressed, then the message's length, big-endian.
  const std::string body = work + "/h2load.body", log = work + "/h2load.log";
  {
    std::ofstream out(body, std::ios::binary | std::ios::trunc);
    const uint32_t n = static_cast<uint32_t>(request.size());
    const char prefix[5] = {0, static_cast<char>(n >> 24), static_cast<char>(n >> 16),
                            static_cast<char>(n >> 8), static_cast<char>(n)};
    out.write(prefix, 5);
    out << request;
  }
  std::ostringstream cmd;
  cmd << "h2load -c 8 -m 32 -D " << static_cast<int>(std::max(1.0, seconds))
      << " --warm-up-time 1 -d " << Quote(body)
      << " -H 'content-type: application/grpc' -H 'te: trailers'";
  if (!authorization.empty()) cmd << " -H " << Quote("authorization: " + authorization);
  cmd << " --log-file " << Quote(log) << " " << Quote("http://" + address + method) << " 2>&1";
  const std::string out = Run(cmd.str());
  std::smatch m;
  static const std::regex kRate(R"(finished in [0-9.]+m?s, ([0-9.]+) req/s)");
  static const std::regex kCodes(R"(status codes: ([0-9]+) 2xx, ([0-9]+) 3xx, ([0-9]+) 4xx, ([0-9]+) 5xx)");
  static const std::regex kRequests(R"(requests: [0-9]+ total, [0-9]+ started, [0-9]+ done, ([0-9]+) succeeded, ([0-9]+) failed, ([0-9]+) errored)");
  if (!std::regex_search(out, m, kRate)) {
    r.error = "h2load printed no rate: " + out.substr(0, 400);
    return r;
  }
  r.rps = std::stod(m[1]);
  if (std::regex_search(out, m, kCodes)) r.succeeded = std::stoll(m[1]);
  if (std::regex_search(out, m, kRequests))
    r.failed = std::stoll(m[2]) + std::stoll(m[3]);
  // The log: start (µs since the epoch), HTTP status, duration (µs); one line a request.
  std::vector<double> ms;
  std::ifstream in(log);
  int64_t start, status, micros;
  while (ms.size() < 20'000'000 && in >> start >> status >> micros)
    if (status == 200) ms.push_back(static_cast<double>(micros) / 1000.0);
  r.p50 = Percentile(ms, 0.50);
  r.p99 = Percentile(ms, 0.99);
  r.ran = true;
  return r;
}

}  // namespace baraza::bench

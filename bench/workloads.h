// The workloads baraza-bench measures: the seeded group, parties and disputes,
// and each RPC kind as serialised requests with a check of its reply. Bench only.
#pragma once

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bench/bench_support.h"

namespace baraza::bench {

// Two sets of seeded disputes: GetCase reads the first, RespondToNotice adds
// positions to the second. Were they the same, the cases read would grow from
// run to run with the positions the respond workload adds, and the runs whose
// median is reported would not measure the same reads.
struct Seeded {
  int64_t group = 0, party = 0;
  int64_t first_case = 0, last_case = 0;          // read by GetCase
  int64_t first_answered = 0, last_answered = 0;  // answered by RespondToNotice
  std::string liaison_token;
};

// A group of two parties, one with a liaison (the disputes come from SeedCases).
bool Seed(const std::string& address, const std::string& mediator, Seeded* s);

// One kind of request as the load generator sends it. Like h2load, it sends
// bytes and checks each call's status without decoding the reply; one reply in
// kCheckEvery is decoded and checked (see workloads.cc).
struct Rpc {
  std::string method;         // "/package.Service/Method"
  std::string authorization;  // the header's value; empty for the echo
  // The n-th request, serialised.
  std::function<std::string(int64_t n)> request;
  // Whether the decoded reply to the n-th request is the one asked for.
  std::function<bool(const std::string& reply, int64_t n)> check;
  std::string language = {};  // `baraza-language` metadata; empty sends none
};
constexpr int64_t kCheckEvery = 64;

// The RPC that `kind` measures (echo, echo-later, get, list, notices,
// notices-fr, respond, respond-basic, file).
Rpc RpcFor(const std::string& kind, const std::string& mediator, const Seeded& s);

// Calls of `kind` spread over `chans`, each with a new request number.
Issue Workload(const std::string& kind, const std::vector<std::shared_ptr<grpc::Channel>>& chans,
               const std::string& mediator, const Seeded& s);

// Files `n` disputes against the seeded party, 64 at a time; their ids are
// first..last (a fresh group's disputes are numbered without gaps).
bool FileCases(const std::string& address, const std::vector<std::shared_ptr<grpc::Channel>>& chans,
               const std::string& mediator, int n, const Seeded& s, int64_t* first, int64_t* last);

// Seeds `cases` disputes to read and as many to answer (see Seeded).
bool SeedCases(const std::string& address, const std::vector<std::shared_ptr<grpc::Channel>>& chans,
               const std::string& mediator, int cases, Seeded* s);

}  // namespace baraza::bench

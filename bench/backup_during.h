// A backup taken while barazad commits durable writes at full speed: how long
// it takes, what it costs the writes, and whether the copy restores and verifies.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "bench/bench_support.h"
#include "bench/workloads.h"

namespace baraza::bench {

// FileDispute at 256 in flight; after `seconds`, `barazad backup` copies `db`
// while the writes go on until it ends; then the copy is restored into `work` and
// `audit verify` run on it. A Markdown table (and a sentence); `*failed` is set
// when the copy does not restore to the head the backup printed or does not verify.
std::string BackupDuringWritesSection(const std::string& barazad, const std::string& db,
                                      const std::string& work,
                                      const std::vector<std::shared_ptr<grpc::Channel>>& chans,
                                      const std::string& mediator, const Seeded& s,
                                      double file_rps_without, double seconds, bool* failed);

}  // namespace baraza::bench

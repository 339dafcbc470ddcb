// A seeded random workload of mixed valid and invalid transactions over a fixed cast of
// signers, for determinism tests and benchmarks. The same seed always yields the same blocks.
// Invalid transactions arise naturally (wrong roles, stale references, revoked grants) and on
// purpose (garbage bytes, wrong network, broken signatures, replays).

#pragma once

#include <cstdint>
#include <vector>

#include "base/bytes.h"

namespace imledger::contracts::testing {

struct WorkloadOptions {
  uint64_t seed = 1;
  size_t transaction_count = 10'000;
  size_t block_size = 100;
  bool include_invalid_envelopes = true;  // Garbage, wrong network, bad signatures, replays.
};

// Blocks of encoded transactions, to run after TestGenesis.
std::vector<std::vector<Bytes>> MakeRandomWorkload(const WorkloadOptions& options);

}  // namespace imledger::contracts::testing

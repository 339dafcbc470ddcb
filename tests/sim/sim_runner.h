// Seeded runs of the simulator: a fault mix drawn from each seed, a summary line per batch, and
// a replay hint for any failing seed. Not thread-safe.

#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tests/sim/simulator.h"

namespace imledger::sim {

// The options for the randomized scenario of `seed`: cluster size, fault kinds and rates.
SimOptions RandomScenario(uint64_t seed);

struct BatchSummary {
  uint64_t seeds = 0;
  uint64_t steps = 0;
  uint64_t blocks = 0;  // Sum over seeds of the lowest committed height of a correct replica.
  std::map<std::string, uint64_t> faults;
  std::vector<std::string> violations;

  void Add(const SimReport& report);
  // One line: seeds run, steps, faults injected by kind, violations.
  std::string Line() const;
};

// Runs seeds [first, first + count), or only the seed in IMLEDGER_SIM_SEED when it is set.
BatchSummary RunRandomSeeds(uint64_t first, uint64_t count);

}  // namespace imledger::sim

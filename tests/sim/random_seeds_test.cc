// Randomized fault runs: each seed draws its own mix of faults (see RandomScenario). Four
// batches of 2,500 seeds run in CI; the slow label runs 100,000 more.

#include <gtest/gtest.h>

#include "tests/sim/sim_runner.h"

namespace imledger::sim {
namespace {

TEST(RandomSeeds, SameSeedReplaysExactly) {
  for (uint64_t seed : {7u, 1234u, 99999u}) {
    SimReport first = Simulation(RandomScenario(seed)).Run();
    SimReport second = Simulation(RandomScenario(seed)).Run();
    EXPECT_EQ(first.steps, second.steps) << "seed " << seed;
    EXPECT_EQ(first.messages, second.messages) << "seed " << seed;
    EXPECT_EQ(first.faults, second.faults) << "seed " << seed;
    EXPECT_EQ(first.committed_height, second.committed_height) << "seed " << seed;
  }
}

TEST(RandomSeeds, QuickBatchOf200) {
  BatchSummary summary = RunRandomSeeds(100000, 200);
  EXPECT_EQ(summary.violations.size(), 0u) << summary.Line();
}

TEST(RandomSeeds, Seeds0To2499KeepSafetyAndLiveness) {
  BatchSummary summary = RunRandomSeeds(0, 2500);
  EXPECT_EQ(summary.violations.size(), 0u) << summary.Line();
}

TEST(RandomSeeds, Seeds2500To4999KeepSafetyAndLiveness) {
  BatchSummary summary = RunRandomSeeds(2500, 2500);
  EXPECT_EQ(summary.violations.size(), 0u) << summary.Line();
}

TEST(RandomSeeds, Seeds5000To7499KeepSafetyAndLiveness) {
  BatchSummary summary = RunRandomSeeds(5000, 2500);
  EXPECT_EQ(summary.violations.size(), 0u) << summary.Line();
}

TEST(RandomSeeds, Seeds7500To9999KeepSafetyAndLiveness) {
  BatchSummary summary = RunRandomSeeds(7500, 2500);
  EXPECT_EQ(summary.violations.size(), 0u) << summary.Line();
}

}  // namespace
}  // namespace imledger::sim

// Randomized fault runs: each seed draws its own mix of faults (see RandomScenario). Four
// batches of 2,500 seeds run in CI; the slow label runs 100,000 more.

#include <gtest/gtest.h>

#include "tests/sim/sim_runner.h"

namespace imledger::sim {
namespace {

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

// The long randomized run: 100,000 seeds beyond the CI range, in batches of 10,000.

#include <gtest/gtest.h>

#include "tests/sim/sim_runner.h"

namespace imledger::sim {
namespace {

class SlowSeeds : public testing::TestWithParam<uint64_t> {};

TEST_P(SlowSeeds, KeepSafetyAndLiveness) {
  BatchSummary summary = RunRandomSeeds(GetParam(), 10000);
  EXPECT_EQ(summary.violations.size(), 0u) << summary.Line();
}

INSTANTIATE_TEST_SUITE_P(Batches, SlowSeeds,
                         testing::Values(10000, 20000, 30000, 40000, 50000, 60000, 70000, 80000,
                                         90000, 100000));

}  // namespace
}  // namespace imledger::sim

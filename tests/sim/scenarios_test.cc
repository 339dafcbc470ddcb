// Named scenarios for failure classes known from deployed BFT systems. Each one scripts its
// faults on a four-replica cluster and then checks exact outcomes; the simulator checks safety
// after every step of every scenario as well.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/sim/simulator.h"

namespace imledger::sim {
namespace {

using consensus::MessageType;

SimOptions ScenarioOptions(uint64_t seed) {
  SimOptions options;
  options.seed = seed;
  options.replicas = 4;
  options.config.checkpoint_interval = 4;
  options.config.watermark_window = 8;
  options.config.max_batch_requests = 1;
  options.config.batch_delay_ms = 5;
  options.config.request_timeout_ms = 1000;
  options.config.view_change_timeout_ms = 1000;
  options.config.retransmit_interval_ms = 300;
  options.config.max_clock_skew_ms = 5000;
  options.config.max_message_bytes = 1u << 20;
  options.faults.min_delay_ms = 1;
  options.faults.max_delay_ms = 5;
  return options;
}

void ExpectNoViolations(const Simulation& simulation) {
  for (const std::string& violation : simulation.report().violations) {
    ADD_FAILURE() << violation;
  }
}

TEST(Scenario, LoneRequestCommitsPromptly) {
  Simulation simulation(ScenarioOptions(1));
  simulation.RunUntil(1000);
  const uint64_t submitted_ms = simulation.now_ms();
  Bytes transaction = simulation.Submit(0, 2);

  ASSERT_TRUE(simulation.RunUntilCommitted({transaction}, submitted_ms + 100));
  EXPECT_LE(simulation.now_ms() - submitted_ms, 60u);
  for (uint32_t replica = 0; replica < 4; ++replica) {
    EXPECT_EQ(simulation.CommittedHeight(replica), 1u);
    EXPECT_EQ(simulation.CommitCount(transaction, replica), 1u);
  }
  ExpectNoViolations(simulation);
}

TEST(Scenario, StalledViewChangeFinishesByRetransmission) {
  Simulation simulation(ScenarioOptions(2));
  simulation.Crash(0);
  // The new primary (replica 1) hears no ViewChange from replica 3 at first, so it lacks the
  // 2f+1 it needs; replica 3 hears none from replica 2 either.
  simulation.BlockLink(3, 1, MessageType::kViewChange, true);
  simulation.BlockLink(2, 3, MessageType::kViewChange, true);
  Bytes transaction = simulation.Submit(0, 1);
  simulation.Resubmit(transaction, 2);
  simulation.Resubmit(transaction, 3);
  simulation.RunUntil(4000);
  EXPECT_EQ(simulation.CommittedHeight(1), 0u);
  EXPECT_FALSE(simulation.replica(1)->view_active());

  simulation.BlockLink(3, 1, MessageType::kViewChange, false);
  simulation.BlockLink(2, 3, MessageType::kViewChange, false);
  simulation.At(simulation.now_ms() + 5000, [&simulation] { simulation.Restart(0); });
  ASSERT_TRUE(simulation.RunUntilCommitted({transaction}, simulation.now_ms() + 20000));
  for (uint32_t replica = 1; replica < 4; ++replica) {
    EXPECT_GE(simulation.replica(replica)->view(), 1u);
    EXPECT_EQ(simulation.CommitCount(transaction, replica), 1u);
  }
  ExpectNoViolations(simulation);
}

TEST(Scenario, ReplicaRestartedMidViewChangeRejoins) {
  Simulation simulation(ScenarioOptions(3));
  simulation.Crash(0);
  Bytes transaction = simulation.Submit(0, 1);
  simulation.Resubmit(transaction, 2);
  simulation.Resubmit(transaction, 3);
  // The request timer fires at 1000 ms; replica 2 crashes right after sending its ViewChange,
  // before the NewView can reach it.
  simulation.RunUntil(1000);
  ASSERT_FALSE(simulation.replica(2)->view_active());
  const uint64_t view_before_crash = simulation.replica(2)->view();
  simulation.Crash(2);
  simulation.RunUntil(1600);
  simulation.Restart(2);
  EXPECT_EQ(simulation.replica(2)->view(), view_before_crash);

  simulation.At(simulation.now_ms() + 3000, [&simulation] { simulation.Restart(0); });
  ASSERT_TRUE(simulation.RunUntilCommitted({transaction}, simulation.now_ms() + 20000));
  Bytes second = simulation.Submit(1, 3);
  ASSERT_TRUE(simulation.RunUntilCommitted({second}, simulation.now_ms() + 20000));
  for (uint32_t replica = 0; replica < 4; ++replica) {
    EXPECT_EQ(simulation.CommitCount(transaction, replica), 1u);
    EXPECT_EQ(simulation.CommitCount(second, replica), 1u);
  }
  ExpectNoViolations(simulation);
}

TEST(Scenario, RequestRelayedAfterCommitIsIgnored) {
  Simulation simulation(ScenarioOptions(4));
  Bytes transaction = simulation.Submit(0, 1);
  ASSERT_TRUE(simulation.RunUntilCommitted({transaction}, 2000));

  // The same request arrives again: from clients at every replica, and as a forwarded copy.
  for (uint32_t replica = 0; replica < 4; ++replica) {
    simulation.Resubmit(transaction, replica);
  }
  simulation.SendRaw(
      0, consensus::EncodeSignedMessage(consensus::SignMessage(kSimNetworkId, MessageType::kRequest,
                                                               1, transaction, simulation.key(1))));
  Bytes later = simulation.Submit(1, 2);
  ASSERT_TRUE(simulation.RunUntilCommitted({later}, simulation.now_ms() + 2000));
  for (uint32_t replica = 0; replica < 4; ++replica) {
    EXPECT_EQ(simulation.CommitCount(transaction, replica), 1u);
    EXPECT_EQ(simulation.CommittedHeight(replica), 2u);
  }
  ExpectNoViolations(simulation);
}

TEST(Scenario, ReplayAfterCrashesAndStateTransferCommitsOnce) {
  Simulation simulation(ScenarioOptions(5));
  simulation.Crash(3);
  std::vector<Bytes> early;
  for (uint32_t i = 0; i < 12; ++i) {
    early.push_back(simulation.Submit(i % 3, i % 3));
    simulation.RunUntil(simulation.now_ms() + 50);
  }
  simulation.RunUntil(simulation.now_ms() + 1000);
  EXPECT_EQ(simulation.CommittedHeight(0), 12u);
  EXPECT_EQ(simulation.CommittedHeight(3), 0u);

  simulation.Restart(3);
  // Every replica crashes and restarts from its persisted state; then clients replay.
  for (uint32_t replica = 0; replica < 4; ++replica) {
    simulation.Crash(replica);
    simulation.Restart(replica);
  }
  for (const Bytes& transaction : early) {
    for (uint32_t replica = 0; replica < 4; ++replica) {
      simulation.Resubmit(transaction, replica);
    }
  }
  Bytes fresh = simulation.Submit(7, 3);
  ASSERT_TRUE(simulation.RunUntilCommitted({fresh}, simulation.now_ms() + 20000));
  for (uint32_t replica = 0; replica < 4; ++replica) {
    EXPECT_EQ(simulation.CommittedHeight(replica), 13u);
    for (const Bytes& transaction : early) {
      EXPECT_EQ(simulation.CommitCount(transaction, replica), 1u);
    }
  }
  ExpectNoViolations(simulation);
}

TEST(Scenario, LongStoppedReplicaCatchesUp) {
  Simulation simulation(ScenarioOptions(6));
  simulation.Crash(2);
  for (uint32_t i = 0; i < 60; ++i) {
    simulation.Submit(i % 4, i % 2);
    simulation.RunUntil(simulation.now_ms() + 30);
  }
  simulation.RunUntil(simulation.now_ms() + 1000);
  ASSERT_EQ(simulation.CommittedHeight(0), 60u);
  EXPECT_GE(simulation.replica(0)->stable_checkpoint(), 52u);

  simulation.Restart(2);
  Bytes fresh = simulation.Submit(9, 0);
  ASSERT_TRUE(simulation.RunUntilCommitted({fresh}, simulation.now_ms() + 20000));
  EXPECT_EQ(simulation.CommittedHeight(2), 61u);
  EXPECT_EQ(simulation.Blocks(2).back().certificate, simulation.Blocks(0).back().certificate);
  EXPECT_LE(simulation.replica(2)->log_entries(), 9u);
  ExpectNoViolations(simulation);
}

TEST(Scenario, PartitionedReplicaRejoinsAfterHeal) {
  Simulation simulation(ScenarioOptions(7));
  simulation.Partition({3});
  std::vector<Bytes> during;
  for (uint32_t i = 0; i < 10; ++i) {
    during.push_back(simulation.Submit(i % 2, i % 3));
    simulation.RunUntil(simulation.now_ms() + 200);
  }
  EXPECT_EQ(simulation.CommittedHeight(3), 0u);
  EXPECT_EQ(simulation.CommittedHeight(0), 10u);

  simulation.Heal();
  Bytes after = simulation.Submit(5, 3);
  ASSERT_TRUE(simulation.RunUntilCommitted({after}, simulation.now_ms() + 20000));
  for (uint32_t replica = 0; replica < 4; ++replica) {
    EXPECT_EQ(simulation.CommittedHeight(replica), 11u);
    EXPECT_EQ(simulation.CommitCount(after, replica), 1u);
  }
  ExpectNoViolations(simulation);
}

TEST(Scenario, OversizedMessageIsDroppedAndCounted) {
  SimOptions options = ScenarioOptions(8);
  Simulation simulation(options);
  const uint64_t before = simulation.replica(1)->drops().malformed;
  simulation.SendRaw(1, Bytes(options.config.max_message_bytes + 1, 0x01));
  simulation.RunUntil(10);
  EXPECT_EQ(simulation.replica(1)->drops().malformed, before + 1);

  const uint64_t pending_before = simulation.replica(2)->pending_requests();
  Bytes huge = MakeSimTransaction(SimClientKey(0), 1, Bytes(options.config.max_batch_bytes, 7));
  simulation.Resubmit(huge, 2);
  EXPECT_EQ(simulation.replica(2)->pending_requests(), pending_before);

  Bytes transaction = simulation.Submit(1, 1);
  ASSERT_TRUE(simulation.RunUntilCommitted({transaction}, simulation.now_ms() + 2000));
  ExpectNoViolations(simulation);
}

void RunFarTimeScenario(ByzantineKind kind, uint64_t seed) {
  SimOptions options = ScenarioOptions(seed);
  options.faults.byzantine_replicas = 1;  // Replica 0, the primary of view 0.
  options.faults.byzantine_kinds = kind;
  options.faults.byzantine_probability = 1.0;
  Simulation simulation(options);
  const uint64_t submitted_ms = simulation.now_ms();
  Bytes transaction = simulation.Submit(0, 1);
  ASSERT_TRUE(simulation.RunUntilCommitted({transaction}, 20000));
  for (uint32_t replica = 1; replica < 4; ++replica) {
    EXPECT_GE(simulation.replica(replica)->view(), 1u);
    EXPECT_EQ(simulation.CommitCount(transaction, replica), 1u);
    // The block time is the honest new primary's clock, within the skew bound.
    const uint64_t block_ms = simulation.Blocks(replica).back().certificate.header.time_ms;
    const uint64_t epoch_ms = 1'700'000'000'000;
    EXPECT_GE(block_ms, epoch_ms + submitted_ms);
    EXPECT_LE(block_ms, epoch_ms + simulation.now_ms());
  }
  EXPECT_GT(simulation.report().faults.at("far_time"), 0u);
  ExpectNoViolations(simulation);
}

TEST(Scenario, PrimaryProposingFutureTimeIsReplaced) {
  RunFarTimeScenario(kFutureTime, 9);
}

TEST(Scenario, PrimaryProposingPastTimeIsReplaced) {
  RunFarTimeScenario(kPastTime, 10);
}

TEST(Scenario, EquivocatingPrimaryCannotSplitReplicas) {
  SimOptions options = ScenarioOptions(11);
  options.faults.byzantine_replicas = 1;
  options.faults.byzantine_kinds = kEquivocate;
  options.faults.byzantine_probability = 1.0;
  Simulation simulation(options);
  std::vector<Bytes> transactions;
  for (uint32_t i = 0; i < 6; ++i) {
    transactions.push_back(simulation.Submit(i, 1 + i % 3));
  }
  ASSERT_TRUE(simulation.RunUntilCommitted(transactions, 30000));
  for (uint32_t replica = 1; replica < 4; ++replica) {
    for (const Bytes& transaction : transactions) {
      EXPECT_EQ(simulation.CommitCount(transaction, replica), 1u);
    }
  }
  EXPECT_GT(simulation.report().faults.at("equivocation"), 0u);
  ExpectNoViolations(simulation);
}

}  // namespace
}  // namespace imledger::sim

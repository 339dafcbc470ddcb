#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>
#include <set>

#include <gtest/gtest.h>
#include <leveldb/write_batch.h>

#include "tests/contracts/ledger_fixture.h"
#include "tests/contracts/random_workload.h"

namespace imledger::contracts::testing {
namespace {

constexpr uint64_t kDefaultSeed = 20261204;

uint64_t WorkloadSeed() {
  const char* text = std::getenv("IMLEDGER_SEED");
  return text != nullptr ? std::strtoull(text, nullptr, 10) : kDefaultSeed;
}

struct RunRecord {
  std::vector<crypto::Digest> digests;  // One per block.
  std::vector<uint32_t> codes;          // One per transaction.
};

// Executes `blocks` after genesis in a fresh store; when `restart_after` is set, closes and
// reopens the database after that many blocks.
RunRecord Execute(const std::vector<std::vector<Bytes>>& blocks,
                  std::optional<size_t> restart_after = std::nullopt) {
  TempDirectory directory;
  std::unique_ptr<leveldb::DB> db = OpenDatabase(directory.path());
  auto engine = std::make_unique<Engine>(db.get());
  leveldb::WriteBatch genesis_batch;
  EXPECT_TRUE(engine->ApplyGenesis(TestGenesis(), genesis_batch).ok());
  CommitBatch(db.get(), genesis_batch);

  RunRecord record;
  uint64_t time_ms = kGenesisTimeMs;
  for (size_t i = 0; i < blocks.size(); ++i) {
    if (restart_after && i == *restart_after) {
      engine.reset();
      db.reset();
      db = OpenDatabase(directory.path());
      engine = std::make_unique<Engine>(db.get());
    }
    time_ms += 1000;
    leveldb::WriteBatch batch;
    Result<BlockExecution> execution = engine->ExecuteBlock(i + 1, time_ms, blocks[i], batch);
    EXPECT_TRUE(execution.ok()) << execution.status().ToString();
    if (!execution.ok()) {
      return record;
    }
    CommitBatch(db.get(), batch);
    record.digests.push_back(execution->state_digest);
    for (const TransactionResult& result : execution->results) {
      record.codes.push_back(result.code_value());
    }
  }
  return record;
}

TEST(Determinism, RandomWorkloadGivesIdenticalDigests) {
  uint64_t seed = WorkloadSeed();
  std::cout << "random workload seed " << seed << " (set IMLEDGER_SEED to replay)" << std::endl;
  std::vector<std::vector<Bytes>> blocks = MakeRandomWorkload({seed, 10'000, 100, true});
  ASSERT_EQ(blocks.size(), 100u);

  RunRecord first = Execute(blocks);
  RunRecord second = Execute(blocks);
  RunRecord restarted = Execute(blocks, blocks.size() / 2);

  ASSERT_EQ(first.digests.size(), blocks.size());
  ASSERT_EQ(first.codes.size(), 10'000u);
  EXPECT_EQ(first.digests, second.digests);
  EXPECT_EQ(first.codes, second.codes);
  EXPECT_EQ(first.digests, restarted.digests);
  EXPECT_EQ(first.codes, restarted.codes);

  // The workload must exercise both outcomes and many rejection codes.
  size_t accepted = std::count(first.codes.begin(), first.codes.end(), 0u);
  std::set<uint32_t> distinct(first.codes.begin(), first.codes.end());
  std::cout << "accepted " << accepted << " of " << first.codes.size() << ", " << distinct.size()
            << " distinct result codes" << std::endl;
  std::map<uint32_t, size_t> histogram;
  for (uint32_t code : first.codes) {
    histogram[code] += 1;
  }
  for (const auto& [code, count] : histogram) {
    std::cout << "  " << RejectCodeName(static_cast<RejectCode>(code)) << " " << count << std::endl;
  }
  EXPECT_GT(accepted, 1500u);
  EXPECT_LT(accepted, 8500u);
  EXPECT_GE(distinct.size(), 15u);

  if (seed == kDefaultSeed) {
    EXPECT_EQ(first.digests.back().ToHex(),
              "0c600903e51824f38fbbc942f010f95406d7c28ff6fb063ac18e158943e31e5e");
  }
}

}  // namespace
}  // namespace imledger::contracts::testing

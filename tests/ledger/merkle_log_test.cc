#include "ledger/merkle_log.h"

#include <memory>

#include <gtest/gtest.h>

#include "tests/support/test_data.h"

namespace imledger::ledger {
namespace {

Bytes Leaf(uint64_t i) {
  return ToBytes("leaf " + std::to_string(i));
}

class MerkleLogTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    db_.reset();
    leveldb::Options options;
    options.create_if_missing = true;
    leveldb::DB* raw = nullptr;
    ASSERT_TRUE(leveldb::DB::Open(options, folder_.File("db"), &raw).ok());
    db_.reset(raw);
  }

  MerkleLog OpenLog() { return MerkleLog::Open(db_.get()).value(); }

  // The same leaves held in memory, for comparison.
  static crypto::MerkleTree Reference(uint64_t size) {
    std::vector<crypto::Digest> hashes;
    for (uint64_t i = 0; i < size; ++i) {
      hashes.push_back(crypto::MerkleLeafHash(Leaf(i)));
    }
    return crypto::MerkleTree(std::move(hashes));
  }

  testing::TemporaryFolder folder_;
  std::unique_ptr<leveldb::DB> db_;
};

TEST_F(MerkleLogTest, EmptyLogHasEmptyRoot) {
  MerkleLog log = OpenLog();
  EXPECT_EQ(log.size(), 0u);
  EXPECT_EQ(log.Root(), crypto::MerkleEmptyRoot());
  EXPECT_EQ(log.RootAt(0).value(), crypto::MerkleEmptyRoot());
}

TEST_F(MerkleLogTest, ReferenceTreeRootsAfterSingleAppends) {
  nlohmann::json tree = testing::LoadJson("vectors/rfc6962_reference_tree.json");
  MerkleLog log = OpenLog();
  for (size_t i = 0; i < 8; ++i) {
    Bytes leaf = testing::HexBytes(tree["leaf_inputs_hex"][i]);
    ASSERT_TRUE(log.Append(std::vector<Bytes>{leaf}).ok());
    EXPECT_EQ(log.Root().ToHex(),
              tree["root_hashes_by_tree_size"][std::to_string(i + 1)].get<std::string>());
  }
}

TEST_F(MerkleLogTest, PastRootsAndProofsMatchInMemoryTree) {
  MerkleLog log = OpenLog();
  // Past 2 * 64 leaves, so nodes of the in-memory levels take part.
  constexpr uint64_t kSize = 150;
  std::vector<Bytes> leaves;
  for (uint64_t i = 0; i < kSize; ++i) {
    leaves.push_back(Leaf(i));
  }
  // Batches of uneven sizes, so batch boundaries fall everywhere.
  for (size_t begin = 0, step = 1; begin < leaves.size(); begin += step, step += 2) {
    size_t end = std::min(leaves.size(), begin + step);
    ASSERT_TRUE(log.Append(std::span(leaves).subspan(begin, end - begin)).ok());
  }
  ASSERT_EQ(log.size(), kSize);

  crypto::MerkleTree whole = Reference(kSize);
  for (uint64_t size = 1; size <= kSize; ++size) {
    crypto::MerkleTree reference = Reference(size);
    ASSERT_EQ(log.RootAt(size).value(), reference.Root()) << "size " << size;
    for (uint64_t index = 0; index < size; ++index) {
      ASSERT_EQ(log.InclusionProof(index, size).value(), reference.InclusionProof(index).value())
          << "index " << index << " size " << size;
    }
    for (uint64_t size1 = 1; size1 <= size; ++size1) {
      ASSERT_EQ(log.ConsistencyProof(size1, size).value(),
                crypto::MerkleConsistencyProof(whole, size1, size).value());
    }
  }
}

TEST_F(MerkleLogTest, ReopenRestoresSizeRootAndLeaves) {
  crypto::Digest root;
  {
    MerkleLog log = OpenLog();
    std::vector<Bytes> leaves = {Leaf(0), Leaf(1), Leaf(2), Leaf(3), Leaf(4)};
    ASSERT_TRUE(log.Append(leaves).ok());
    root = log.Root();
  }
  Reopen();
  MerkleLog log = OpenLog();
  EXPECT_EQ(log.size(), 5u);
  EXPECT_EQ(log.Root(), root);
  EXPECT_EQ(log.ReadLeaf(4).value(), Leaf(4));
  ASSERT_TRUE(log.Append(std::vector<Bytes>{Leaf(5)}).ok());
  EXPECT_EQ(log.Root(), Reference(6).Root());
}

TEST_F(MerkleLogTest, ReopenLoadsInMemoryLevelsOfALargeLog) {
  std::vector<Bytes> leaves;
  for (uint64_t i = 0; i < 1000; ++i) {
    leaves.push_back(Leaf(i));
  }
  {
    MerkleLog log = OpenLog();
    ASSERT_TRUE(log.Append(leaves).ok());
  }
  Reopen();
  MerkleLog log = OpenLog();
  crypto::MerkleTree reference = Reference(1000);
  EXPECT_EQ(log.Root(), reference.Root());
  EXPECT_EQ(log.InclusionProof(777, 1000).value(), reference.InclusionProof(777).value());
  ASSERT_TRUE(log.Append(std::vector<Bytes>{Leaf(1000), Leaf(1001)}).ok());
  EXPECT_EQ(log.Root(), Reference(1002).Root());
}

TEST_F(MerkleLogTest, MissingInMemoryLevelNodeFailsOpen) {
  std::vector<Bytes> leaves;
  for (uint64_t i = 0; i < 128; ++i) {
    leaves.push_back(Leaf(i));
  }
  {
    MerkleLog log = OpenLog();
    ASSERT_TRUE(log.Append(leaves).ok());
  }
  ASSERT_TRUE(db_->Delete(leveldb::WriteOptions(), MerkleNodeKey(6, 1)).ok());
  Result<MerkleLog> log = MerkleLog::Open(db_.get());
  EXPECT_EQ(log.status().code(), StatusCode::kCorruption);
  EXPECT_NE(log.status().message().find("2 nodes at level 6 but has 1"), std::string::npos);
}

TEST_F(MerkleLogTest, StagedAppendIsInvisibleUntilCommit) {
  MerkleLog log = OpenLog();
  leveldb::WriteBatch batch;
  MerkleLog::PendingAppend pending = log.StageAppend(std::vector<Bytes>{Leaf(0), Leaf(1)}, batch);
  EXPECT_EQ(log.size(), 0u);
  EXPECT_EQ(pending.size, 2u);
  ASSERT_TRUE(db_->Write(leveldb::WriteOptions(), &batch).ok());
  log.Commit(pending);
  EXPECT_EQ(log.Root(), Reference(2).Root());
}

TEST_F(MerkleLogTest, RequestsBeyondTheSizeAreOutOfRange) {
  MerkleLog log = OpenLog();
  ASSERT_TRUE(log.Append(std::vector<Bytes>{Leaf(0), Leaf(1), Leaf(2)}).ok());
  EXPECT_EQ(log.RootAt(4).status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(log.InclusionProof(3, 3).status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(log.ConsistencyProof(2, 4).status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(log.ReadLeaf(3).status().code(), StatusCode::kOutOfRange);
}

TEST_F(MerkleLogTest, MissingNodeIsReportedNotCrashed) {
  MerkleLog log = OpenLog();
  ASSERT_TRUE(log.Append(std::vector<Bytes>{Leaf(0), Leaf(1), Leaf(2)}).ok());
  ASSERT_TRUE(db_->Delete(leveldb::WriteOptions(), MerkleNodeKey(1, 0)).ok());
  Result<std::vector<crypto::Digest>> proof = log.InclusionProof(2, 3);
  EXPECT_EQ(proof.status().code(), StatusCode::kNotFound);
  EXPECT_NE(proof.status().message().find("level 1, index 0"), std::string::npos);
}

// Proof generation touches O(log n) stored nodes: count them through a wrapper.
class CountingReader final : public crypto::PerfectSubtreeReader {
 public:
  explicit CountingReader(const MerkleLog& log) : log_(log) {}

  Result<crypto::Digest> ReadPerfectSubtree(uint32_t level, uint64_t index) const override {
    ++reads;
    return log_.ReadPerfectSubtree(level, index);
  }

  mutable int reads = 0;

 private:
  const MerkleLog& log_;
};

TEST_F(MerkleLogTest, ProofsReadLogarithmicallyManyNodes) {
  MerkleLog log = OpenLog();
  std::vector<Bytes> leaves;
  for (uint64_t i = 0; i < 1023; ++i) {
    leaves.push_back(Leaf(i));
  }
  ASSERT_TRUE(log.Append(leaves).ok());
  CountingReader reader(log);
  ASSERT_TRUE(crypto::MerkleInclusionProof(reader, 1000, 1023).ok());
  EXPECT_LE(reader.reads, 2 * 10);
  reader.reads = 0;
  ASSERT_TRUE(crypto::MerkleConsistencyProof(reader, 777, 1023).ok());
  EXPECT_LE(reader.reads, 2 * 10);
}

}  // namespace
}  // namespace imledger::ledger

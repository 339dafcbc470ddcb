// LedgerReader against a real LevelDB block store: the transaction index keeps the first copy,
// and snapshot proofs and roots equal the owner's MerkleLog at every committed size, also while
// another thread appends.

#include "ledger/ledger_reader.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "ledger/block_store.h"
#include "tests/ledger/block_store_fixture.h"
#include "tests/support/test_data.h"

namespace imledger::ledger {
namespace {

using testing::CertifyNext;
using testing::EntriesForHeight;

class LedgerReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<BlockStore>> store = BlockStore::Open(folder_.File("store"));
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }

  void Append(const std::vector<LogLeaf>& entries) {
    Status status = store_->Append(CertifyNext(*store_, entries), entries);
    ASSERT_TRUE(status.ok()) << status.ToString();
  }

  void AppendBlocks(uint64_t count) {
    for (uint64_t i = 0; i < count; ++i) {
      Append(EntriesForHeight(store_->height() + 1));
    }
  }

  LedgerReader Reader() { return LedgerReader::Open(store_->db()).value(); }

  testing::TemporaryFolder folder_;
  std::unique_ptr<BlockStore> store_;
};

TEST_F(LedgerReaderTest, EmptyStoreHasNoTransactions) {
  LedgerReader reader = Reader();
  EXPECT_EQ(reader.height(), 0u);
  EXPECT_EQ(reader.tree_size(), 0u);
  Result<std::optional<TransactionLocation>> found =
      reader.FindTransaction(crypto::Sha256Of("tx 1.0"));
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_FALSE(found->has_value());
}

TEST_F(LedgerReaderTest, IndexLocatesEachTransaction) {
  AppendBlocks(3);  // Heights 1, 2, 3 carry 2, 3 and 4 entries.
  LedgerReader reader = Reader();
  Result<std::optional<TransactionLocation>> found =
      reader.FindTransaction(crypto::Sha256Of("tx 3.1"));
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->height, 3u);
  EXPECT_EQ((*found)->index, 1u);
  EXPECT_EQ((*found)->log_index, 6u);
}

TEST_F(LedgerReaderTest, ReplayedCopyKeepsFirstLocation) {
  Append({{ToBytes("original"), 0}, {ToBytes("original"), 4}});
  Append({{ToBytes("other"), 0}, {ToBytes("original"), 4}});
  LedgerReader reader = Reader();
  Result<std::optional<TransactionLocation>> found =
      reader.FindTransaction(crypto::Sha256Of("original"));
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ(**found, (TransactionLocation{1, 0, 0}));
  Result<LogLeaf> leaf = reader.ReadLeaf(0);
  ASSERT_TRUE(leaf.ok()) << leaf.status().ToString();
  EXPECT_EQ(leaf->result_code, 0u);
}

TEST_F(LedgerReaderTest, ProofsAndRootsMatchTheLog) {
  AppendBlocks(12);
  LedgerReader reader = Reader();
  const MerkleLog& log = store_->log();
  ASSERT_EQ(reader.tree_size(), log.size());
  for (uint64_t size = 1; size <= log.size(); ++size) {
    EXPECT_EQ(reader.RootAt(size).value(), log.RootAt(size).value()) << "size " << size;
    for (uint64_t index = 0; index < size; index += 3) {
      EXPECT_EQ(reader.InclusionProof(index, size).value(), log.InclusionProof(index, size).value())
          << "index " << index << " size " << size;
    }
    EXPECT_EQ(reader.ConsistencyProof(1, size).value(), log.ConsistencyProof(1, size).value())
        << "size " << size;
  }
}

TEST_F(LedgerReaderTest, SizesBeyondSnapshotAreOutOfRange) {
  AppendBlocks(2);
  LedgerReader reader = Reader();
  AppendBlocks(2);  // Committed after the snapshot; the reader does not see them.
  EXPECT_EQ(reader.height(), 2u);
  EXPECT_EQ(reader.tree_size(), 5u);
  EXPECT_EQ(reader.RootAt(6).status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(reader.ReadCertificate(3).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(reader.ReadLeaf(5).status().code(), StatusCode::kOutOfRange);
  Result<std::optional<TransactionLocation>> later =
      reader.FindTransaction(crypto::Sha256Of("tx 3.0"));
  ASSERT_TRUE(later.ok()) << later.status().ToString();
  EXPECT_FALSE(later->has_value());
}

TEST_F(LedgerReaderTest, CertificateMatchesTheStore) {
  AppendBlocks(4);
  LedgerReader reader = Reader();
  Result<CommitCertificate> certificate = reader.ReadCertificate(4);
  ASSERT_TRUE(certificate.ok()) << certificate.status().ToString();
  EXPECT_EQ(*certificate, store_->ReadCertificate(4).value());
}

TEST_F(LedgerReaderTest, ReadersOnAnotherThreadSeeWholeBlocks) {
  std::atomic<bool> done{false};
  std::atomic<uint64_t> checked{0};
  std::thread reader_thread([&] {
    while (!done.load()) {
      LedgerReader reader = Reader();
      if (reader.height() == 0) {
        continue;
      }
      Result<CommitCertificate> certificate = reader.ReadCertificate(reader.height());
      ASSERT_TRUE(certificate.ok()) << certificate.status().ToString();
      EXPECT_EQ(certificate->header.tree_size, reader.tree_size());
      EXPECT_EQ(reader.RootAt(reader.tree_size()).value(), certificate->header.tree_root);
      checked.fetch_add(1);
    }
  });
  AppendBlocks(40);
  done.store(true);
  reader_thread.join();
  EXPECT_GT(checked.load(), 0u);
}

}  // namespace
}  // namespace imledger::ledger

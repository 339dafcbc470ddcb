#include "ledger/block_store.h"

#include <gtest/gtest.h>

#include "ledger/keys.h"
#include "tests/ledger/block_store_fixture.h"
#include "tests/support/test_data.h"

namespace imledger::ledger {
namespace {

using testing::CertifyNext;
using testing::EntriesForHeight;

class BlockStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<BlockStore> Open() {
    Result<std::unique_ptr<BlockStore>> store = BlockStore::Open(folder_.File("store"));
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return std::move(store).value();
  }

  static void AppendBlocks(BlockStore& store, uint64_t count) {
    for (uint64_t i = 0; i < count; ++i) {
      std::vector<LogLeaf> entries = EntriesForHeight(store.height() + 1);
      Status status = store.Append(CertifyNext(store, entries), entries);
      ASSERT_TRUE(status.ok()) << status.ToString();
    }
  }

  testing::TemporaryFolder folder_;
};

TEST_F(BlockStoreTest, AppendedBlocksReadBackAfterReopen) {
  crypto::Digest root;
  {
    auto store = Open();
    AppendBlocks(*store, 10);
    root = store->log().Root();
  }
  auto store = Open();
  EXPECT_EQ(store->height(), 10u);
  // Heights 1..10 carry 2,3,4,5,1,2,3,4,5,1 entries.
  EXPECT_EQ(store->log().size(), 30u);
  EXPECT_EQ(store->log().Root(), root);
  EXPECT_EQ(store->last_header()->tree_root, root);
  for (uint64_t height = 1; height <= 10; ++height) {
    EXPECT_EQ(store->ReadEntries(height).value(), EntriesForHeight(height)) << height;
    CommitCertificate certificate = store->ReadCertificate(height).value();
    crypto::PublicKey signer = testing::BlockSigner().public_key();
    EXPECT_TRUE(
        VerifyCommitCertificate(certificate, testing::kTestNetwork, std::span(&signer, 1), 1).ok());
  }
  EXPECT_EQ(store->ReadHeader(2)->previous_hash, BlockHash(store->ReadHeader(1).value()));
}

TEST_F(BlockStoreTest, BlockThatSkipsAHeightIsRejected) {
  auto store = Open();
  AppendBlocks(*store, 1);
  std::vector<LogLeaf> entries = EntriesForHeight(2);
  CommitCertificate certificate = CertifyNext(*store, entries);
  certificate.header.height = 3;
  Status status = store->Append(certificate, entries);
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(status.message().find("its height should be 2"), std::string::npos);
  EXPECT_EQ(store->height(), 1u);
}

TEST_F(BlockStoreTest, WrongPreviousHashTimeOrRootIsRejected) {
  auto store = Open();
  AppendBlocks(*store, 2);
  std::vector<LogLeaf> entries = EntriesForHeight(3);

  CommitCertificate wrong_previous = CertifyNext(*store, entries);
  wrong_previous.header.previous_hash.bytes[0] ^= 1;
  EXPECT_EQ(store->Append(wrong_previous, entries).code(), StatusCode::kFailedPrecondition);

  CommitCertificate earlier = CertifyNext(*store, entries);
  earlier.header.time_ms = 1;
  EXPECT_EQ(store->Append(earlier, entries).code(), StatusCode::kFailedPrecondition);

  CommitCertificate wrong_root = CertifyNext(*store, entries);
  entries[0].result_code += 1;
  Status status = store->Append(wrong_root, entries);
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(status.message().find("claims tree root"), std::string::npos);

  EXPECT_EQ(store->height(), 2u);
  EXPECT_EQ(store->log().size(), 5u);
}

TEST_F(BlockStoreTest, ExtraWritesLandInTheSameBatch) {
  auto store = Open();
  std::vector<LogLeaf> entries = EntriesForHeight(1);
  leveldb::WriteBatch state;
  state.Put("sconsent/1", "granted");
  ASSERT_TRUE(store->Append(CertifyNext(*store, entries), entries, &state).ok());
  std::string value;
  ASSERT_TRUE(store->db()->Get(leveldb::ReadOptions(), "sconsent/1", &value).ok());
  EXPECT_EQ(value, "granted");
}

TEST_F(BlockStoreTest, MissingBlockIsNotFound) {
  auto store = Open();
  AppendBlocks(*store, 1);
  EXPECT_EQ(store->ReadCertificate(0).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store->ReadCertificate(2).status().code(), StatusCode::kNotFound);
}

TEST_F(BlockStoreTest, LogAndHeightThatDisagreeAreCorruption) {
  {
    auto store = Open();
    AppendBlocks(*store, 3);
    leveldb::WriteBatch batch;
    PutVarintRecord(batch, kHeightKey, 2);
    ASSERT_TRUE(store->db()->Write(leveldb::WriteOptions(), &batch).ok());
  }
  Result<std::unique_ptr<BlockStore>> reopened = BlockStore::Open(folder_.File("store"));
  EXPECT_EQ(reopened.status().code(), StatusCode::kCorruption);
  EXPECT_NE(reopened.status().message().find("log leaves but block 2 ends at"), std::string::npos);
}

TEST_F(BlockStoreTest, SecondOpenOfFolderFails) {
  auto store = Open();
  Result<std::unique_ptr<BlockStore>> second = BlockStore::Open(folder_.File("store"));
  EXPECT_EQ(second.status().code(), StatusCode::kIoError);
  EXPECT_NE(second.status().message().find("no other imledgerd"), std::string::npos);
}

}  // namespace
}  // namespace imledger::ledger

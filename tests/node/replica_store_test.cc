// LevelDbReplicaStore on a real LevelDB and ContractsRequestParser on signed envelopes.

#include "node/replica_store.h"

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <leveldb/db.h>

#include "contracts/payload.h"
#include "node/request_parser.h"
#include "tests/contracts/ledger_fixture.h"
#include "tests/contracts/test_identities.h"

namespace imledger::node {
namespace {

using contracts::testing::KeyNamed;

consensus::StoreWrite Put(std::string key, Bytes value) {
  return consensus::StoreWrite{std::move(key), std::move(value), false};
}

consensus::StoreWrite Erase(std::string key) {
  return consensus::StoreWrite{std::move(key), {}, true};
}

TEST(LevelDbReplicaStoreTest, LoadsOnlyConsensusKeysInOrder) {
  contracts::testing::TempDirectory folder;
  std::unique_ptr<leveldb::DB> db = contracts::testing::OpenDatabase(folder.path() / "db");
  ASSERT_TRUE(db->Put(leveldb::WriteOptions(), "sM", "state").ok());
  ASSERT_TRUE(db->Put(leveldb::WriteOptions(), "q", "after").ok());
  LevelDbReplicaStore store(db.get());

  Status written =
      store.Write({Put("pview", {1}), Put("pentry/2", {2}), Put("pentry/1", {3})}, true);
  ASSERT_TRUE(written.ok()) << written.ToString();

  Result<std::vector<consensus::StoreEntry>> entries = store.LoadAll();
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  ASSERT_EQ(entries->size(), 3u);
  EXPECT_EQ((*entries)[0].key, "pentry/1");
  EXPECT_EQ((*entries)[0].value, Bytes({3}));
  EXPECT_EQ((*entries)[1].key, "pentry/2");
  EXPECT_EQ((*entries)[2].key, "pview");
}

TEST(LevelDbReplicaStoreTest, EraseRemovesKey) {
  contracts::testing::TempDirectory folder;
  std::unique_ptr<leveldb::DB> db = contracts::testing::OpenDatabase(folder.path() / "db");
  LevelDbReplicaStore store(db.get());

  ASSERT_TRUE(store.Write({Put("pa", {1}), Put("pb", {2})}, false).ok());
  ASSERT_TRUE(store.Write({Erase("pa")}, true).ok());

  Result<std::vector<consensus::StoreEntry>> entries = store.LoadAll();
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].key, "pb");
}

TEST(LevelDbReplicaStoreTest, RejectsKeyOutsideConsensusPrefix) {
  contracts::testing::TempDirectory folder;
  std::unique_ptr<leveldb::DB> db = contracts::testing::OpenDatabase(folder.path() / "db");
  LevelDbReplicaStore store(db.get());

  Status written = store.Write({Put("pa", {1}), Put("sM", {2})}, true);
  EXPECT_EQ(written.code(), StatusCode::kInvalidArgument);

  Result<std::vector<consensus::StoreEntry>> entries = store.LoadAll();
  ASSERT_TRUE(entries.ok());
  EXPECT_TRUE(entries->empty());
  std::string value;
  EXPECT_TRUE(db->Get(leveldb::ReadOptions(), "sM", &value).IsNotFound());
}

Bytes SignedEnroll(std::string_view network_id, uint64_t nonce) {
  contracts::MemberEnroll enroll{
      KeyNamed("registrar-a").public_key(), "hospital-a", {contracts::Role::kRegistrar}};
  return contracts::EncodeTransaction(contracts::MakeTransaction(
      network_id, nonce, contracts::testing::kGenesisTimeMs, enroll, KeyNamed("admin-a")));
}

TEST(ContractsRequestParserTest, ReturnsSignerNonceAndTransactionId) {
  consensus::RequestParser parser =
      ContractsRequestParser(std::string(contracts::testing::kNetworkId));
  Bytes transaction = SignedEnroll(contracts::testing::kNetworkId, 7);

  Result<consensus::Request> request = parser(transaction);
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_EQ(request->client, KeyNamed("admin-a").public_key());
  EXPECT_EQ(request->nonce, 7u);
  EXPECT_EQ(request->transaction, transaction);
  EXPECT_EQ(request->digest, crypto::Sha256Of(transaction));
}

TEST(ContractsRequestParserTest, RejectsOtherNetwork) {
  consensus::RequestParser parser =
      ContractsRequestParser(std::string(contracts::testing::kNetworkId));
  Result<consensus::Request> request = parser(SignedEnroll("imledger-other", 1));
  EXPECT_EQ(request.status().code(), StatusCode::kInvalidArgument);
}

TEST(ContractsRequestParserTest, RejectsAlteredSignature) {
  consensus::RequestParser parser =
      ContractsRequestParser(std::string(contracts::testing::kNetworkId));
  Bytes transaction = SignedEnroll(contracts::testing::kNetworkId, 1);
  transaction.back() ^= 0x01;  // The signature is the envelope's last field.

  Result<consensus::Request> request = parser(transaction);
  EXPECT_EQ(request.status().code(), StatusCode::kUnauthenticated);
}

TEST(ContractsRequestParserTest, RejectsTruncatedEnvelope) {
  consensus::RequestParser parser =
      ContractsRequestParser(std::string(contracts::testing::kNetworkId));
  Bytes transaction = SignedEnroll(contracts::testing::kNetworkId, 1);
  transaction.resize(transaction.size() / 2);

  Result<consensus::Request> request = parser(transaction);
  EXPECT_FALSE(request.ok());
}

}  // namespace
}  // namespace imledger::node

// Node::Open on a real LevelDB folder: genesis at first start, and the checks on a later start.

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "contracts/engine.h"
#include "node/node.h"
#include "tests/contracts/ledger_fixture.h"
#include "tests/contracts/test_identities.h"

namespace imledger::node {
namespace {

using contracts::testing::KeyNamed;

NodeOptions OptionsIn(const contracts::testing::TempDirectory& folder) {
  NodeOptions options;
  options.data_path = folder.path() / "ledger";
  options.genesis = contracts::testing::TestGenesis();
  return options;
}

TEST(NodeOpenTest, FirstStartAppliesGenesis) {
  contracts::testing::TempDirectory folder;
  Result<std::unique_ptr<Node>> node = Node::Open(OptionsIn(folder), KeyNamed("validator-1"));
  ASSERT_TRUE(node.ok()) << node.status().ToString();

  NodeSnapshot snapshot = (*node)->Snapshot();
  EXPECT_EQ(snapshot.height, 0u);
  EXPECT_EQ(snapshot.view, 0u);
  EXPECT_FALSE(snapshot.failed);
  EXPECT_EQ((*node)->public_key(), KeyNamed("validator-1").public_key());
}

TEST(NodeOpenTest, SecondStartReopensSameFolder) {
  contracts::testing::TempDirectory folder;
  ASSERT_TRUE(Node::Open(OptionsIn(folder), KeyNamed("validator-1")).ok());

  Result<std::unique_ptr<Node>> node = Node::Open(OptionsIn(folder), KeyNamed("validator-1"));
  ASSERT_TRUE(node.ok()) << node.status().ToString();
  EXPECT_EQ((*node)->Snapshot().height, 0u);
}

TEST(NodeOpenTest, RejectsKeyOutsideValidators) {
  contracts::testing::TempDirectory folder;
  Result<std::unique_ptr<Node>> node = Node::Open(OptionsIn(folder), KeyNamed("admin-a"));
  EXPECT_FALSE(node.ok());
}

TEST(NodeOpenTest, RejectsFolderOfOtherGenesis) {
  contracts::testing::TempDirectory folder;
  ASSERT_TRUE(Node::Open(OptionsIn(folder), KeyNamed("validator-1")).ok());

  NodeOptions options = OptionsIn(folder);
  options.genesis.genesis_time_ms += 1;
  Result<std::unique_ptr<Node>> node = Node::Open(std::move(options), KeyNamed("validator-1"));
  EXPECT_EQ(node.status().code(), StatusCode::kInvalidArgument);
}

TEST(NodeOpenTest, PeerAddressNeedsStartedNode) {
  contracts::testing::TempDirectory folder;
  Result<std::unique_ptr<Node>> node = Node::Open(OptionsIn(folder), KeyNamed("validator-1"));
  ASSERT_TRUE(node.ok());

  EXPECT_EQ((*node)->listen_port(), 0u);
  Status status = (*node)->SetPeerAddress({KeyNamed("validator-2").public_key(), "127.0.0.1", 1});
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
}

TEST(ConsensusConfigOfTest, CopiesGenesisParameters) {
  contracts::Genesis genesis = contracts::testing::TestGenesis();
  consensus::Config config = ConsensusConfigOf(genesis);

  EXPECT_EQ(config.network_id, "imledger-test");
  ASSERT_EQ(config.validators.size(), 4u);
  EXPECT_EQ(config.validators[2], KeyNamed("validator-2").public_key());
  EXPECT_EQ(config.max_batch_requests, 256u);
  EXPECT_EQ(config.batch_delay_ms, 50u);
  EXPECT_EQ(config.checkpoint_interval, 128u);
  EXPECT_EQ(config.watermark_window, 256u);
  EXPECT_EQ(config.request_timeout_ms, 2000u);
  EXPECT_EQ(config.view_change_timeout_ms, 2000u);
}

}  // namespace
}  // namespace imledger::node

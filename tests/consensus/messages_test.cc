// Unit tests of the PBFT message formats, the memory store and replica construction.

#include "consensus/messages.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "consensus/replica.h"
#include "consensus/store.h"
#include "tests/sim/simulator.h"

namespace imledger::consensus {
namespace {

constexpr std::string_view kNetwork = "imledger-test";

std::vector<crypto::PublicKey> Validators() {
  std::vector<crypto::PublicKey> keys;
  for (const crypto::SecretKey& key : sim::SimValidatorKeys(4)) {
    keys.push_back(key.public_key());
  }
  return keys;
}

SignedMessage SamplePrepare(uint32_t sender) {
  Prepare prepare{3, 7, crypto::Sha256Of("proposal")};
  return SignMessage(kNetwork, MessageType::kPrepare, sender, EncodeBody(prepare),
                     sim::SimValidatorKeys(4)[sender]);
}

TEST(Messages, SignedPrepareRoundTrips) {
  SignedMessage message = SamplePrepare(2);
  Result<SignedMessage> decoded = DecodeSignedMessage(EncodeSignedMessage(message), {});
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, message);
  EXPECT_TRUE(VerifyMessage(*decoded, kNetwork, Validators()).ok());

  Result<Prepare> prepare = DecodePrepare(decoded->body);
  ASSERT_TRUE(prepare.ok());
  EXPECT_EQ(prepare->view, 3u);
  EXPECT_EQ(prepare->sequence, 7u);
  EXPECT_EQ(prepare->proposal_digest, crypto::Sha256Of("proposal"));
}

TEST(Messages, PrepareEncodingIsPinned) {
  // view 3, sequence 7, then the 32-byte digest.
  Bytes body = EncodeBody(Prepare{3, 7, crypto::Digest{}});
  ASSERT_EQ(body.size(), 34u);
  EXPECT_EQ(body[0], 3);
  EXPECT_EQ(body[1], 7);
  EXPECT_EQ(MessageDomain(MessageType::kPrepare), "imledger/pbft/prepare/v1");
  EXPECT_EQ(MessageDomain(MessageType::kPrePrepare), "imledger/pbft/preprepare/v1");
}

TEST(Messages, OtherNetworkSignatureIsRejected) {
  SignedMessage message = SamplePrepare(1);
  Status status = VerifyMessage(message, "imledger-other", Validators());
  EXPECT_EQ(status.code(), StatusCode::kUnauthenticated);
}

TEST(Messages, TamperedBodyIsRejected) {
  SignedMessage message = SamplePrepare(1);
  message.body.back() ^= 1;
  EXPECT_EQ(VerifyMessage(message, kNetwork, Validators()).code(), StatusCode::kUnauthenticated);
}

TEST(Messages, SignatureDoesNotTransferBetweenTypes) {
  SignedMessage message = SamplePrepare(1);
  message.type = MessageType::kCommit;
  EXPECT_EQ(VerifyMessage(message, kNetwork, Validators()).code(), StatusCode::kUnauthenticated);
}

TEST(Messages, SenderOutsideValidatorsIsRejected) {
  SignedMessage message = SamplePrepare(1);
  message.sender = 9;
  EXPECT_EQ(VerifyMessage(message, kNetwork, Validators()).code(), StatusCode::kPermissionDenied);
}

TEST(Messages, UnknownTypeTagFailsToDecode) {
  Bytes bytes = EncodeSignedMessage(SamplePrepare(0));
  bytes[0] = 9;
  Result<SignedMessage> decoded = DecodeSignedMessage(bytes, {});
  EXPECT_EQ(decoded.status().code(), StatusCode::kCorruption);
}

TEST(Messages, TruncatedViewChangeFailsToDecode) {
  ViewChange view_change;
  view_change.new_view = 4;
  view_change.prepared.push_back(PreparedCertificate{SamplePrepare(0), {SamplePrepare(1)}});
  Bytes body = EncodeBody(view_change);
  Result<ViewChange> whole = DecodeViewChange(body, {});
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(whole->prepared.size(), 1u);
  body.pop_back();
  EXPECT_FALSE(DecodeViewChange(body, {}).ok());
}

TEST(Messages, ProposalDigestCoversViewTimeAndTransactions) {
  Proposal proposal{2, 1000, {ToBytes("a"), ToBytes("b")}};
  const crypto::Digest digest = ProposalDigest(proposal);
  Proposal later_time = proposal;
  later_time.time_ms = 1001;
  Proposal other_view = proposal;
  other_view.view = 3;
  Proposal reordered{2, 1000, {ToBytes("b"), ToBytes("a")}};
  EXPECT_NE(ProposalDigest(later_time), digest);
  EXPECT_NE(ProposalDigest(other_view), digest);
  EXPECT_NE(ProposalDigest(reordered), digest);
}

TEST(MemoryReplicaStore, CrashLosesOnlyUnsyncedWrites) {
  MemoryReplicaStore store;
  ASSERT_TRUE(store.Write({{"pv", ToBytes("synced"), false}}, true).ok());
  ASSERT_TRUE(store.Write({{"pk", ToBytes("unsynced"), false}}, false).ok());
  Result<std::vector<StoreEntry>> before = store.LoadAll();
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->size(), 2u);

  store.Crash();
  Result<std::vector<StoreEntry>> after = store.LoadAll();
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ((*after)[0].key, "pv");
  EXPECT_EQ((*after)[0].value, ToBytes("synced"));
}

TEST(MemoryReplicaStore, KeyOutsideConsensusPrefixIsRejected) {
  MemoryReplicaStore store;
  Status status = store.Write({{"s-contract", ToBytes("x"), false}}, true);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store.durable_size(), 0u);
}

TEST(Replica, KeyOutsideValidatorSetIsRejected) {
  Config config;
  config.network_id = std::string(kNetwork);
  config.validators = Validators();
  crypto::Digest seed = crypto::Sha256Of("not a validator");
  Result<crypto::SecretKey> key = crypto::SecretKey::FromSeed(seed.view());
  ASSERT_TRUE(key.ok());
  auto replica = Replica::Open(config, std::move(key).value(), sim::ParseSimTransaction, {});
  EXPECT_EQ(replica.status().code(), StatusCode::kInvalidArgument);
}

TEST(Replica, CorruptStoredRecordIsReported) {
  Config config;
  config.network_id = std::string(kNetwork);
  config.validators = Validators();
  Result<crypto::SecretKey> key = crypto::SecretKey::FromSeed(sim::SimValidatorKeys(4)[1].seed());
  ASSERT_TRUE(key.ok());
  std::vector<StoreEntry> stored = {{"pv", {0x80}}};
  auto replica = Replica::Open(config, std::move(key).value(), sim::ParseSimTransaction, stored);
  EXPECT_EQ(replica.status().code(), StatusCode::kCorruption);
}

TEST(Replica, JunkMessageIsCountedNotThrown) {
  Config config;
  config.network_id = std::string(kNetwork);
  config.validators = Validators();
  Result<crypto::SecretKey> key = crypto::SecretKey::FromSeed(sim::SimValidatorKeys(4)[1].seed());
  ASSERT_TRUE(key.ok());
  auto replica = Replica::Open(config, std::move(key).value(), sim::ParseSimTransaction, {});
  ASSERT_TRUE(replica.ok());
  Actions actions = (*replica)->OnMessage(ToBytes("not a message"), 1000);
  EXPECT_TRUE(actions.empty());
  EXPECT_EQ((*replica)->drops().malformed, 1u);

  SignedMessage forged = SamplePrepare(2);
  forged.signature.bytes[0] ^= 1;
  actions = (*replica)->OnMessage(EncodeSignedMessage(forged), 1000);
  EXPECT_TRUE(actions.empty());
  EXPECT_EQ((*replica)->drops().bad_signature, 1u);
}

}  // namespace
}  // namespace imledger::consensus

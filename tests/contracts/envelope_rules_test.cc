#include <gtest/gtest.h>

#include "tests/contracts/ledger_fixture.h"

namespace imledger::contracts::testing {
namespace {

class EnvelopeRules : public LedgerFixture {};

TEST_F(EnvelopeRules, AcceptsValidEnrollment) {
  TransactionResult result =
      Run("admin-a", MemberEnroll{Public("tech"), "hospital-a", {Role::kTechnician}});
  EXPECT_EQ(result.code, RejectCode::kAccepted) << result.message;
  EXPECT_EQ(result.message, "");
}

TEST_F(EnvelopeRules, RejectsMalformedBytes) {
  TransactionResult result = Submit(Bytes{0x01, 0x02, 0x03});
  EXPECT_EQ(result.code, RejectCode::kMalformedTransaction);
  EXPECT_NE(result.message.find("transaction:"), std::string::npos) << result.message;
  EXPECT_EQ(result.transaction_id, crypto::Sha256Of(Bytes{0x01, 0x02, 0x03}));
}

TEST_F(EnvelopeRules, RejectsWrongNetwork) {
  Transaction transaction = MakeTransaction(
      "other-network", 1, 0, MemberEnroll{Public("tech"), "hospital-a", {Role::kTechnician}},
      KeyNamed("admin-a"));
  TransactionResult result = Submit(EncodeTransaction(transaction));
  EXPECT_EQ(result.code, RejectCode::kWrongNetwork);
  EXPECT_NE(result.message.find("network_id"), std::string::npos) << result.message;
}

TEST_F(EnvelopeRules, RejectsBadSignature) {
  Transaction transaction = MakeTransaction(
      kNetworkId, 1, 0, MemberEnroll{Public("tech"), "hospital-a", {Role::kTechnician}},
      KeyNamed("admin-a"));
  transaction.signature.bytes[5] ^= 0x01;
  TransactionResult result = Submit(EncodeTransaction(transaction));
  EXPECT_EQ(result.code, RejectCode::kBadSignature);
  EXPECT_NE(result.message.find("signature"), std::string::npos) << result.message;
}

TEST_F(EnvelopeRules, RejectsSignatureOverOtherFields) {
  Transaction transaction = MakeTransaction(
      kNetworkId, 1, 0, MemberEnroll{Public("tech"), "hospital-a", {Role::kTechnician}},
      KeyNamed("admin-a"));
  transaction.nonce = 2;
  EXPECT_EQ(Submit(EncodeTransaction(transaction)).code, RejectCode::kBadSignature);
}

TEST_F(EnvelopeRules, RejectsReplayedTransaction) {
  Bytes transaction =
      Sign("admin-a", MemberEnroll{Public("tech"), "hospital-a", {Role::kTechnician}});
  EXPECT_EQ(Submit(transaction).code, RejectCode::kAccepted);
  TransactionResult replay = Submit(transaction);
  EXPECT_EQ(replay.code, RejectCode::kStaleNonce);
  EXPECT_NE(replay.message.find("nonce: 1"), std::string::npos) << replay.message;
}

TEST_F(EnvelopeRules, RejectsReplayWithinOneBlock) {
  Bytes transaction =
      Sign("admin-a", MemberEnroll{Public("tech"), "hospital-a", {Role::kTechnician}});
  BlockExecution block = ExecuteBlock({transaction, transaction});
  ASSERT_EQ(block.results.size(), 2u);
  EXPECT_EQ(block.results[0].code, RejectCode::kAccepted);
  EXPECT_EQ(block.results[1].code, RejectCode::kStaleNonce);
}

TEST_F(EnvelopeRules, RejectsReorderedNonces) {
  Bytes first = Sign("admin-a", MemberEnroll{Public("one"), "hospital-a", {Role::kTechnician}});
  Bytes second = Sign("admin-a", MemberEnroll{Public("two"), "hospital-a", {Role::kTechnician}});
  BlockExecution block = ExecuteBlock({second, first});
  EXPECT_EQ(block.results[0].code, RejectCode::kAccepted);
  EXPECT_EQ(block.results[1].code, RejectCode::kStaleNonce);
}

TEST_F(EnvelopeRules, RejectsReplayAfterRestart) {
  Bytes transaction =
      Sign("admin-a", MemberEnroll{Public("tech"), "hospital-a", {Role::kTechnician}});
  EXPECT_EQ(Submit(transaction).code, RejectCode::kAccepted);
  Restart();
  EXPECT_EQ(Submit(transaction).code, RejectCode::kStaleNonce);
}

TEST_F(EnvelopeRules, RejectedTransactionStillConsumesNonce) {
  // A technician cannot enroll members; the same bytes must not succeed later either.
  EnrollMember("admin-a", "hospital-a", "tech", {Role::kTechnician});
  Bytes transaction = Sign("tech", MemberEnroll{Public("x"), "hospital-a", {Role::kClinician}});
  EXPECT_EQ(Submit(transaction).code, RejectCode::kMissingRole);
  EXPECT_EQ(Submit(transaction).code, RejectCode::kStaleNonce);
}

TEST_F(EnvelopeRules, BadSignatureDoesNotConsumeNonce) {
  Transaction forged = MakeTransaction(
      kNetworkId, 1, 0, MemberEnroll{Public("tech"), "hospital-a", {Role::kTechnician}},
      KeyNamed("admin-a"));
  forged.signature.bytes[0] ^= 0x80;
  EXPECT_EQ(Submit(EncodeTransaction(forged)).code, RejectCode::kBadSignature);
  TransactionResult honest =
      Run("admin-a", MemberEnroll{Public("tech"), "hospital-a", {Role::kTechnician}});
  EXPECT_EQ(honest.code, RejectCode::kAccepted) << honest.message;
}

TEST_F(EnvelopeRules, RejectsZeroNonce) {
  Transaction transaction = MakeTransaction(
      kNetworkId, 0, 0, MemberEnroll{Public("tech"), "hospital-a", {Role::kTechnician}},
      KeyNamed("admin-a"));
  EXPECT_EQ(Submit(EncodeTransaction(transaction)).code, RejectCode::kStaleNonce);
}

TEST_F(EnvelopeRules, RejectsMalformedPayload) {
  Transaction transaction;
  transaction.network_id = std::string(kNetworkId);
  transaction.type = TransactionType::kConsentRevoke;
  transaction.nonce = 1;
  transaction.payload = Bytes{0x00};
  SignTransaction(transaction, KeyNamed("admin-a"));
  TransactionResult result = Submit(EncodeTransaction(transaction));
  EXPECT_EQ(result.code, RejectCode::kMalformedPayload);
  EXPECT_NE(result.message.find("grant_id"), std::string::npos) << result.message;
}

TEST_F(EnvelopeRules, PreverifiedModeSkipsSignatureCheck) {
  Transaction transaction = MakeTransaction(
      kNetworkId, 1, 0, MemberEnroll{Public("tech"), "hospital-a", {Role::kTechnician}},
      KeyNamed("admin-a"));
  transaction.signature.bytes[0] ^= 0x80;
  std::vector<Bytes> block{EncodeTransaction(transaction)};
  leveldb::WriteBatch batch;
  Result<BlockExecution> execution =
      engine_->ExecuteBlock(1, time_ms() + 1, block, batch, SignatureCheck::kAlreadyVerified);
  ASSERT_TRUE(execution.ok());
  EXPECT_EQ(execution->results[0].code, RejectCode::kAccepted);
}

TEST_F(EnvelopeRules, ValidateWritesNothing) {
  Transaction transaction = MakeTransaction(
      kNetworkId, 1, 0, MemberEnroll{Public("tech"), "hospital-a", {Role::kTechnician}},
      KeyNamed("admin-a"));
  StateOverlay overlay(db_.get());
  LedgerState state(overlay);
  crypto::Digest id = TransactionId(transaction);
  RuleContext context{state, transaction, id, kNetworkId, 1, time_ms(), SignatureCheck::kVerify};
  EXPECT_TRUE(Validate(context).accepted());
  EXPECT_TRUE(overlay.writes().empty());
}

class BlockSequencing : public LedgerFixture {};

TEST_F(BlockSequencing, RejectsHeightGap) {
  leveldb::WriteBatch batch;
  Result<BlockExecution> execution =
      engine_->ExecuteBlock(2, time_ms() + 1, std::vector<Bytes>{}, batch);
  EXPECT_EQ(execution.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(batch.ApproximateSize(), leveldb::WriteBatch().ApproximateSize());
}

TEST_F(BlockSequencing, RejectsTimeGoingBackwards) {
  leveldb::WriteBatch batch;
  Result<BlockExecution> execution =
      engine_->ExecuteBlock(1, time_ms() - 1, std::vector<Bytes>{}, batch);
  EXPECT_EQ(execution.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(BlockSequencing, RejectsSecondGenesis) {
  leveldb::WriteBatch batch;
  EXPECT_EQ(engine_->ApplyGenesis(TestGenesis(), batch).status().code(),
            StatusCode::kAlreadyExists);
}

TEST_F(BlockSequencing, ExecuteBlockDoesNotWriteDatabase) {
  leveldb::WriteBatch batch;
  Bytes transaction =
      Sign("admin-a", MemberEnroll{Public("tech"), "hospital-a", {Role::kTechnician}});
  ASSERT_TRUE(engine_->ExecuteBlock(1, time_ms() + 1, std::vector<Bytes>{transaction}, batch).ok());
  EXPECT_EQ(engine_->Committed()->height, 0u);
  Result<std::optional<MemberRecord>> member = queries_->Member(Public("tech"));
  ASSERT_TRUE(member.ok());
  EXPECT_FALSE(member->has_value());
}

TEST_F(BlockSequencing, LaterTransactionSeesEarlierWrite) {
  Bytes enroll =
      Sign("admin-a", MemberEnroll{Public("registrar"), "hospital-a", {Role::kRegistrar}});
  Bytes patient = Sign("registrar", PatientEnroll{DigestNamed("p1"), Public("patient-1")});
  BlockExecution block = ExecuteBlock({enroll, patient});
  EXPECT_EQ(block.results[0].code, RejectCode::kAccepted);
  EXPECT_EQ(block.results[1].code, RejectCode::kAccepted) << block.results[1].message;
}

TEST_F(BlockSequencing, StoresHeightAndDigest) {
  BlockExecution block = ExecuteBlock({});
  Result<StateMeta> meta = engine_->Committed();
  ASSERT_TRUE(meta.ok());
  EXPECT_EQ(meta->height, 1u);
  EXPECT_EQ(meta->state_digest, block.state_digest);
  EXPECT_EQ(meta->genesis_hash, GenesisHash(TestGenesis()));
}

TEST_F(BlockSequencing, EmptyBlockChainsDigest) {
  BlockExecution block = ExecuteBlock({});
  // An empty block writes nothing but the position record, which the digest leaves out.
  crypto::Digest empty_writes = crypto::Sha256Of(Bytes{0x00});
  EXPECT_EQ(block.writes_digest, empty_writes);
  EXPECT_EQ(block.state_digest, ChainStateDigest(genesis_digest_, empty_writes));
}

}  // namespace
}  // namespace imledger::contracts::testing

#include "ledger/block.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "crypto/encoding.h"
#include "tests/support/test_data.h"

namespace imledger::ledger {
namespace {

using crypto::HexEncode;

crypto::SecretKey TestKey(uint8_t fill) {
  return crypto::SecretKey::FromSeed(Bytes(32, fill)).value();
}

BlockHeader SampleHeader() {
  BlockHeader header;
  header.height = 7;
  header.view = 2;
  header.previous_hash = crypto::Sha256Of("block 6");
  header.time_ms = 1764806400000;  // 2025-12-04T00:00:00Z
  header.tree_size = 300;
  header.tree_root = crypto::Sha256Of("root");
  header.state_digest = crypto::Sha256Of("state");
  return header;
}

CommitCertificate SignedCertificate(const BlockHeader& header, std::string_view network_id,
                                    std::initializer_list<uint8_t> fills) {
  CommitCertificate certificate{header, {}};
  Bytes message = CommitSigningBytes(network_id, header);
  for (uint8_t fill : fills) {
    crypto::SecretKey key = TestKey(fill);
    certificate.signatures.push_back({key.public_key(), key.Sign(message)});
  }
  std::sort(certificate.signatures.begin(), certificate.signatures.end(),
            [](const auto& a, const auto& b) { return a.validator < b.validator; });
  return certificate;
}

std::vector<crypto::PublicKey> Validators() {
  return {TestKey(1).public_key(), TestKey(2).public_key(), TestKey(3).public_key(),
          TestKey(4).public_key()};
}

// Golden bytes: a change to the header encoding must show up here.
TEST(BlockHeader, GoldenEncoding) {
  EXPECT_EQ(HexEncode(EncodeBlockHeader(SampleHeader())),
            "0702" + crypto::Sha256Of("block 6").ToHex() + "80b0a2b5ae33" + "ac02" +
                crypto::Sha256Of("root").ToHex() + crypto::Sha256Of("state").ToHex());
  EXPECT_EQ(BlockHash(SampleHeader()).ToHex(),
            "e414d24effe6f7aaddc0edd5b38cb1024e6edcdb9941924d1d243a4909b819e8");
}

TEST(BlockHeader, DecodeRoundTripsAndRejectsTrailingBytes) {
  Bytes bytes = EncodeBlockHeader(SampleHeader());
  EXPECT_EQ(DecodeBlockHeader(bytes).value(), SampleHeader());
  bytes.push_back(0);
  EXPECT_EQ(DecodeBlockHeader(bytes).status().code(), StatusCode::kCorruption);
}

TEST(CommitSigningBytes, StartWithDomainTagAndNetworkId) {
  Bytes bytes = CommitSigningBytes("hospital-net-1", SampleHeader());
  std::string prefix = HexEncode(bytes).substr(0, 2 * (1 + 18 + 1 + 14));
  EXPECT_EQ(prefix, "12" + HexEncode(AsBytes("imledger/commit/v1")) + "0e" +
                        HexEncode(AsBytes("hospital-net-1")));
}

TEST(LogLeaf, GoldenEncodingAndRoundTrip) {
  LogLeaf leaf{ToBytes("tx"), 300};
  EXPECT_EQ(HexEncode(EncodeLogLeaf(leaf)), "02" + HexEncode(AsBytes("tx")) + "ac02");
  EXPECT_EQ(DecodeLogLeaf(EncodeLogLeaf(leaf)).value(), leaf);
}

TEST(LogLeaf, ResultCodeAbove32BitsIsInvalid) {
  Encoder encoder;
  encoder.PutBytes(ToBytes("tx"));
  encoder.PutVarint(uint64_t{1} << 32);
  EXPECT_EQ(DecodeLogLeaf(encoder.bytes()).status().code(), StatusCode::kCorruption);
}

TEST(CommitCertificate, GoldenEncodingDigest) {
  CommitCertificate certificate = SignedCertificate(SampleHeader(), "hospital-net-1", {1, 2, 3});
  EXPECT_EQ(crypto::Sha256Of(EncodeCommitCertificate(certificate)).ToHex(),
            "9ab234c04188a88b24c109c470c978b4a34da04bb49fd8ced360a9277d276ded");
  EXPECT_EQ(DecodeCommitCertificate(EncodeCommitCertificate(certificate)).value(), certificate);
}

TEST(CommitCertificate, QuorumOfValidSignaturesVerifies) {
  CommitCertificate certificate = SignedCertificate(SampleHeader(), "net", {1, 2, 3});
  std::vector<crypto::PublicKey> validators = Validators();
  EXPECT_EQ(QuorumSize(validators.size()), 3u);
  Status status = VerifyCommitCertificate(certificate, "net", validators, 3);
  EXPECT_TRUE(status.ok()) << status.ToString();
}

TEST(CommitCertificate, TooFewSignaturesFail) {
  CommitCertificate certificate = SignedCertificate(SampleHeader(), "net", {1, 2});
  Status status = VerifyCommitCertificate(certificate, "net", Validators(), 3);
  EXPECT_EQ(status.code(), StatusCode::kUnauthenticated);
  EXPECT_NE(status.message().find("has 2 signatures; a quorum is 3"), std::string::npos);
}

TEST(CommitCertificate, OtherNetworkFails) {
  CommitCertificate certificate = SignedCertificate(SampleHeader(), "other-net", {1, 2, 3});
  EXPECT_FALSE(VerifyCommitCertificate(certificate, "net", Validators(), 3).ok());
}

TEST(CommitCertificate, UnknownSignerFails) {
  CommitCertificate certificate = SignedCertificate(SampleHeader(), "net", {1, 2, 9});
  Status status = VerifyCommitCertificate(certificate, "net", Validators(), 3);
  EXPECT_NE(status.message().find("not a validator"), std::string::npos);
}

TEST(CommitCertificate, AlteredHeaderFails) {
  CommitCertificate certificate = SignedCertificate(SampleHeader(), "net", {1, 2, 3});
  certificate.header.tree_size += 1;
  EXPECT_FALSE(VerifyCommitCertificate(certificate, "net", Validators(), 3).ok());
}

TEST(CommitCertificate, DuplicateSignerIsRejectedByDecoderAndVerifier) {
  CommitCertificate certificate = SignedCertificate(SampleHeader(), "net", {1, 2, 3});
  certificate.signatures[1] = certificate.signatures[0];
  EXPECT_FALSE(VerifyCommitCertificate(certificate, "net", Validators(), 3).ok());
  EXPECT_EQ(DecodeCommitCertificate(EncodeCommitCertificate(certificate)).status().code(),
            StatusCode::kCorruption);
}

TEST(QuorumSize, ByzantineQuorums) {
  EXPECT_EQ(QuorumSize(1), 1u);
  EXPECT_EQ(QuorumSize(4), 3u);
  EXPECT_EQ(QuorumSize(5), 4u);
  EXPECT_EQ(QuorumSize(7), 5u);
  EXPECT_EQ(QuorumSize(10), 7u);
  EXPECT_EQ(QuorumSize(13), 9u);
}

}  // namespace
}  // namespace imledger::ledger

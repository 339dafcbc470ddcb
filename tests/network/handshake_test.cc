#include "network/handshake.h"

#include <gtest/gtest.h>

#include "crypto/encoding.h"

namespace imledger::network {
namespace {

crypto::SecretKey TestKey(uint8_t fill) {
  return crypto::SecretKey::FromSeed(Bytes(32, fill)).value();
}

Nonce FilledNonce(uint8_t fill) {
  Nonce nonce;
  nonce.fill(fill);
  return nonce;
}

TEST(HandshakeHello, GoldenEncoding) {
  HandshakeHello hello{"net", TestKey(1).public_key(), FilledNonce(0xab)};
  std::string nonce_hex;
  for (int i = 0; i < 32; ++i) {
    nonce_hex += "ab";
  }
  EXPECT_EQ(crypto::HexEncode(EncodeHandshakeHello(hello)),
            "036e6574" + TestKey(1).public_key().ToHex() + nonce_hex);
}

TEST(HandshakeHello, DecodeRoundTrips) {
  HandshakeHello hello{"imledger-test", TestKey(2).public_key(), FilledNonce(7)};
  Result<HandshakeHello> decoded = DecodeHandshakeHello(EncodeHandshakeHello(hello));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, hello);
}

TEST(HandshakeHello, TruncatedInputIsCorruption) {
  Bytes bytes = EncodeHandshakeHello({"net", TestKey(1).public_key(), FilledNonce(1)});
  bytes.pop_back();
  EXPECT_EQ(DecodeHandshakeHello(bytes).status().code(), StatusCode::kCorruption);
}

TEST(HandshakeHello, TrailingByteIsCorruption) {
  Bytes bytes = EncodeHandshakeHello({"net", TestKey(1).public_key(), FilledNonce(1)});
  bytes.push_back(0);
  EXPECT_EQ(DecodeHandshakeHello(bytes).status().code(), StatusCode::kCorruption);
}

TEST(HandshakeHello, OverlongNetworkIdIsCorruption) {
  HandshakeHello hello{std::string(kMaxNetworkIdSize + 1, 'n'), TestKey(1).public_key(),
                       FilledNonce(1)};
  EXPECT_EQ(DecodeHandshakeHello(EncodeHandshakeHello(hello)).status().code(),
            StatusCode::kCorruption);
}

TEST(HandshakeProof, DecodeRoundTripsAndRejectsShortInput) {
  HandshakeProof proof{TestKey(3).Sign(AsBytes("x"))};
  Bytes bytes = EncodeHandshakeProof(proof);
  EXPECT_EQ(bytes.size(), crypto::Signature::kSize);
  EXPECT_EQ(DecodeHandshakeProof(bytes).value(), proof);
  bytes.pop_back();
  EXPECT_FALSE(DecodeHandshakeProof(bytes).ok());
}

TEST(HandshakeSigningBytes, GoldenLayout) {
  Bytes bytes =
      HandshakeSigningBytes("net", FilledNonce(1), FilledNonce(2), TestKey(1).public_key());
  EXPECT_EQ(crypto::HexEncode(bytes), "15" + crypto::HexEncode(AsBytes("imledger/handshake/v1")) +
                                          "036e6574" + crypto::HexEncode(FilledNonce(1)) +
                                          crypto::HexEncode(FilledNonce(2)) +
                                          TestKey(1).public_key().ToHex());
}

class HandshakePair : public ::testing::Test {
 protected:
  crypto::SecretKey alice_ = TestKey(1);
  crypto::SecretKey bob_ = TestKey(2);
  std::vector<crypto::PublicKey> validators_ = {alice_.public_key(), bob_.public_key()};
};

TEST_F(HandshakePair, MutualHandshakeSucceeds) {
  Handshake alice("net", alice_, validators_);
  Handshake bob("net", bob_, validators_);
  ASSERT_EQ(alice.AcceptHello(EncodeHandshakeHello(bob.hello())), HandshakeError::kNone);
  ASSERT_EQ(bob.AcceptHello(EncodeHandshakeHello(alice.hello())), HandshakeError::kNone);
  EXPECT_EQ(alice.AcceptProof(EncodeHandshakeProof(bob.MakeProof())), HandshakeError::kNone);
  EXPECT_EQ(bob.AcceptProof(EncodeHandshakeProof(alice.MakeProof())), HandshakeError::kNone);
  EXPECT_EQ(alice.peer_key(), bob_.public_key());
  EXPECT_EQ(bob.peer_key(), alice_.public_key());
}

TEST_F(HandshakePair, WrongNetworkIdIsRejected) {
  Handshake alice("net", alice_, validators_);
  Handshake bob("other", bob_, validators_);
  EXPECT_EQ(alice.AcceptHello(EncodeHandshakeHello(bob.hello())), HandshakeError::kWrongNetwork);
}

TEST_F(HandshakePair, UnknownKeyIsRejected) {
  crypto::SecretKey mallory = TestKey(9);
  Handshake alice("net", alice_, validators_);
  Handshake intruder("net", mallory, validators_);
  EXPECT_EQ(alice.AcceptHello(EncodeHandshakeHello(intruder.hello())), HandshakeError::kUnknownKey);
}

TEST_F(HandshakePair, OwnKeyIsRejected) {
  Handshake alice("net", alice_, validators_);
  Handshake twin("net", alice_, validators_);
  EXPECT_EQ(alice.AcceptHello(EncodeHandshakeHello(twin.hello())), HandshakeError::kSelfConnection);
}

TEST_F(HandshakePair, GarbageHelloIsMalformed) {
  Handshake alice("net", alice_, validators_);
  EXPECT_EQ(alice.AcceptHello(AsBytes("not a hello")), HandshakeError::kMalformed);
}

TEST_F(HandshakePair, ProofFromAnotherKeyIsBadSignature) {
  Handshake alice("net", alice_, validators_);
  Handshake bob("net", bob_, validators_);
  ASSERT_EQ(alice.AcceptHello(EncodeHandshakeHello(bob.hello())), HandshakeError::kNone);
  ASSERT_EQ(bob.AcceptHello(EncodeHandshakeHello(alice.hello())), HandshakeError::kNone);
  Bytes message =
      HandshakeSigningBytes("net", alice.hello().nonce, bob.hello().nonce, bob_.public_key());
  HandshakeProof forged{TestKey(9).Sign(message)};
  EXPECT_EQ(alice.AcceptProof(EncodeHandshakeProof(forged)), HandshakeError::kBadSignature);
}

TEST_F(HandshakePair, ProofReplayedOnAnotherConnectionIsBadSignature) {
  Handshake first("net", alice_, validators_);
  Handshake bob("net", bob_, validators_);
  ASSERT_EQ(first.AcceptHello(EncodeHandshakeHello(bob.hello())), HandshakeError::kNone);
  ASSERT_EQ(bob.AcceptHello(EncodeHandshakeHello(first.hello())), HandshakeError::kNone);
  Bytes old_proof = EncodeHandshakeProof(bob.MakeProof());

  Handshake second("net", alice_, validators_);
  ASSERT_EQ(second.AcceptHello(EncodeHandshakeHello(bob.hello())), HandshakeError::kNone);
  EXPECT_EQ(second.AcceptProof(old_proof), HandshakeError::kBadSignature);
}

}  // namespace
}  // namespace imledger::network

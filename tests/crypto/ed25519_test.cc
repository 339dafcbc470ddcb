#include "crypto/ed25519.h"

#include <gtest/gtest.h>

#include "tests/support/test_data.h"

namespace imledger::crypto {
namespace {

using testing::HexBytes;
using testing::LoadJson;

TEST(Ed25519, Rfc8032VectorsSignAndVerify) {
  nlohmann::json vectors = LoadJson("vectors/ed25519_rfc8032.json")["vectors"];
  ASSERT_EQ(vectors.size(), 5u);
  for (const auto& vector : vectors) {
    SCOPED_TRACE(vector["name"].get<std::string>());
    SecretKey key = SecretKey::FromSeed(HexBytes(vector["secret_key"])).value();
    EXPECT_EQ(key.public_key().ToHex(), vector["public_key"].get<std::string>());
    Bytes message = HexBytes(vector["message"]);
    Signature signature = key.Sign(message);
    EXPECT_EQ(signature.ToHex(), vector["signature"].get<std::string>());
    EXPECT_TRUE(Verify(key.public_key(), message, signature));
  }
}

TEST(Ed25519, WycheproofVerifyResults) {
  nlohmann::json suite = LoadJson("vectors/wycheproof-ed25519/ed25519_test.json");
  int checked = 0;
  for (const auto& group : suite["testGroups"]) {
    PublicKey key = PublicKey::FromHex(group["publicKey"]["pk"].get<std::string>()).value();
    for (const auto& test : group["tests"]) {
      SCOPED_TRACE("tcId " + std::to_string(test["tcId"].get<int>()) + ": " +
                   test["comment"].get<std::string>());
      bool expected = test["result"] == "valid";
      Result<Signature> signature = Signature::FromHex(test["sig"].get<std::string>());
      bool verified = signature.ok() && Verify(key, HexBytes(test["msg"]), *signature);
      EXPECT_EQ(verified, expected);
      ++checked;
    }
  }
  EXPECT_EQ(checked, 151);
}

TEST(Ed25519, TamperedMessageFails) {
  SecretKey key = SecretKey::Generate();
  Bytes message = ToBytes("study 1.2.3");
  Signature signature = key.Sign(message);
  message[0] ^= 1;
  EXPECT_FALSE(Verify(key.public_key(), message, signature));
}

TEST(Ed25519, WrongLengthsAreRejectedWithTheirSize) {
  Result<PublicKey> key = PublicKey::FromHex("abcd", "validator key");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().message(), "validator key must be 32 bytes, got 2");
  EXPECT_FALSE(Signature::FromBytes(Bytes(63)).ok());
  EXPECT_FALSE(SecretKey::FromSeed(Bytes(31)).ok());
}

TEST(Ed25519, MovedFromSecretKeyIsWiped) {
  SecretKey key = SecretKey::FromSeed(Bytes(32, 7)).value();
  SecretKey moved = std::move(key);
  Bytes wiped(key.seed().begin(), key.seed().end());  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(wiped, Bytes(32, 0));
  EXPECT_EQ(Bytes(moved.seed().begin(), moved.seed().end()), Bytes(32, 7));
}

}  // namespace
}  // namespace imledger::crypto

// The signature memo returns exactly what Verify returns: a triple that verified is found again,
// and a forged signature, another message or another key is checked by libsodium and rejected.

#include "crypto/signature_cache.h"

#include <gtest/gtest.h>

#include "base/bytes.h"

namespace imledger::crypto {
namespace {

TEST(SignatureCache, SecondVerificationOfTheSameTripleIsAHit) {
  SignatureCache cache;
  SecretKey key = SecretKey::Generate();
  Bytes message = ToBytes("anchor study 1");
  Signature signature = key.Sign(message);
  EXPECT_TRUE(cache.Verify(key.public_key(), message, signature));
  EXPECT_EQ(cache.hits(), 0u);
  EXPECT_TRUE(cache.Verify(key.public_key(), message, signature));
  EXPECT_EQ(cache.hits(), 1u);
}

TEST(SignatureCache, ForgedSignatureIsRejectedEveryTime) {
  SignatureCache cache;
  SecretKey key = SecretKey::Generate();
  Bytes message = ToBytes("anchor study 1");
  Signature signature = key.Sign(message);
  ASSERT_TRUE(cache.Verify(key.public_key(), message, signature));
  Signature forged = signature;
  forged.bytes[5] ^= 0x01;
  EXPECT_FALSE(cache.Verify(key.public_key(), message, forged));
  EXPECT_FALSE(cache.Verify(key.public_key(), message, forged));
  EXPECT_FALSE(cache.Verify(key.public_key(), ToBytes("anchor study 2"), signature));
  EXPECT_FALSE(cache.Verify(SecretKey::Generate().public_key(), message, signature));
  EXPECT_EQ(cache.hits(), 0u);
}

}  // namespace
}  // namespace imledger::crypto

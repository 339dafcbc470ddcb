#include "crypto/sha256.h"

#include <gtest/gtest.h>

namespace imledger::crypto {
namespace {

// FIPS 180-4 examples, also printed by `printf abc | sha256sum`.
TEST(Sha256, KnownDigests) {
  EXPECT_EQ(Sha256Of("").ToHex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Of("abc").ToHex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq").ToHex(),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, IncrementalEqualsOneShot) {
  std::string text(1000000, 'a');
  Sha256 hasher;
  for (size_t offset = 0; offset < text.size(); offset += 4093) {
    hasher.Update(std::string_view(text).substr(offset, 4093));
  }
  Digest digest = hasher.Finish();
  EXPECT_EQ(digest.ToHex(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  EXPECT_EQ(digest, Sha256Of(text));
}

TEST(Sha256, FinishResetsForReuse) {
  Sha256 hasher;
  hasher.Update("first");
  (void)hasher.Finish();
  hasher.Update("abc");
  EXPECT_EQ(hasher.Finish(), Sha256Of("abc"));
}

}  // namespace
}  // namespace imledger::crypto

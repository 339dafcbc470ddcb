#include "crypto/paseto.h"

#include <gtest/gtest.h>

#include "crypto/encoding.h"
#include "tests/support/test_data.h"

namespace imledger::crypto {
namespace {

using testing::HexBytes;
using testing::LoadJson;

// Parses and verifies `token` under `key`; the message on success.
Result<std::string> OpenToken(std::string_view token, const PublicKey& key,
                              std::string_view implicit_assertion) {
  Result<PasetoV4PublicParts> parts = ParsePasetoV4Public(token);
  if (!parts.ok()) {
    return parts.status();
  }
  Status verified = VerifyPasetoV4Public(*parts, key, implicit_assertion);
  if (!verified.ok()) {
    return verified;
  }
  return parts->message;
}

TEST(PreAuthEncode, SpecificationExamples) {
  // The PAE examples of the PASETO specification (docs/01-Protocol-Versions/Common.md).
  EXPECT_EQ(HexEncode(PreAuthEncode({})), "0000000000000000");
  Bytes empty;
  EXPECT_EQ(HexEncode(PreAuthEncode({ByteView(empty)})), "01000000000000000000000000000000");
  EXPECT_EQ(HexEncode(PreAuthEncode({AsBytes("test")})),
            "0100000000000000040000000000000074657374");
}

TEST(PasetoV4Public, OfficialVectorsSignAndVerify) {
  nlohmann::json suite = LoadJson("paseto/v4_public.json");
  SecretKey key = SecretKey::FromSeed(HexBytes(suite["secret-key-seed"])).value();
  ASSERT_EQ(key.public_key().ToHex(), suite["public-key"].get<std::string>());
  int checked = 0;
  for (const auto& vector : suite["tests"]) {
    if (vector["expect-fail"].get<bool>()) {
      continue;
    }
    SCOPED_TRACE(vector["name"].get<std::string>());
    std::string payload = vector["payload"];
    std::string footer = vector["footer"];
    std::string implicit_assertion = vector["implicit-assertion"];
    std::string token = vector["token"];

    EXPECT_EQ(SignPasetoV4Public(key, payload, footer, implicit_assertion), token);
    Result<std::string> opened = OpenToken(token, key.public_key(), implicit_assertion);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    EXPECT_EQ(*opened, payload);
    EXPECT_EQ(ParsePasetoV4Public(token)->footer, footer);
    ++checked;
  }
  EXPECT_EQ(checked, 3);
}

TEST(PasetoV4Public, OfficialFailureVectorsAreRejected) {
  nlohmann::json suite = LoadJson("paseto/v4_public.json");
  PublicKey key = PublicKey::FromHex(suite["public-key"].get<std::string>()).value();
  int checked = 0;
  for (const auto& vector : suite["tests"]) {
    if (!vector["expect-fail"].get<bool>()) {
      continue;
    }
    SCOPED_TRACE(vector["name"].get<std::string>());
    Result<std::string> opened = OpenToken(vector["token"].get<std::string>(), key,
                                           vector["implicit-assertion"].get<std::string>());
    EXPECT_FALSE(opened.ok());
    ++checked;
  }
  EXPECT_EQ(checked, 3);
}

TEST(PasetoV4Public, WrongImplicitAssertionFails) {
  SecretKey key = SecretKey::FromSeed(Bytes(32, 7)).value();
  std::string token = SignPasetoV4Public(key, "{\"a\":1}", "", "audience-a");
  Result<std::string> opened = OpenToken(token, key.public_key(), "audience-b");
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kUnauthenticated);
}

TEST(PasetoV4Public, ChangedFooterFails) {
  SecretKey key = SecretKey::FromSeed(Bytes(32, 7)).value();
  std::string token = SignPasetoV4Public(key, "{\"a\":1}", "footer-one");
  std::string forged =
      token.substr(0, token.rfind('.') + 1) + Base64UrlEncode(AsBytes("footer-two"));
  Result<std::string> opened = OpenToken(forged, key.public_key(), "");
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kUnauthenticated);
}

TEST(PasetoV4Public, MalformedTokensAreInvalidArguments) {
  const char* tokens[] = {
      "",
      "v4.public.",
      "v4.public.AAAA",
      "v4.public.!!!!",
      "v4.public.AAAA.",
      "v4.public.AAAA.AA.AA",
      "v2.public.AAAA",
  };
  for (const char* token : tokens) {
    SCOPED_TRACE(token);
    Result<PasetoV4PublicParts> parts = ParsePasetoV4Public(token);
    ASSERT_FALSE(parts.ok());
    EXPECT_EQ(parts.status().code(), StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace imledger::crypto

#include "gateway/token.h"

#include <gtest/gtest.h>

#include "crypto/encoding.h"
#include "crypto/paseto.h"
#include "crypto/sha256.h"

namespace imledger::gateway {
namespace {

constexpr uint64_t kNowMs = 1'796'400'000'000;  // 2026-12-04T16:00:00Z.

crypto::SecretKey Key(std::string_view name) {
  return crypto::SecretKey::FromSeed(crypto::Sha256Of(name).view()).value();
}

AccessClaims Claims() {
  AccessClaims claims;
  claims.audience = "gateway-a";
  claims.issued_at_ms = kNowMs;
  claims.expires_at_ms = kNowMs + 600'000;
  claims.purpose = contracts::Purpose::kResearch;
  claims.token_id = "token-1";
  return claims;
}

TEST(Rfc3339, FormatsWholeSecondsInUtc) {
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(1'700'000'000'999), "2023-11-14T22:13:20Z");
  EXPECT_EQ(FormatRfc3339(951'782'400'000), "2000-02-29T00:00:00Z");
}

TEST(Rfc3339, ParsesOffsetsAndFractions) {
  EXPECT_EQ(ParseRfc3339("2023-11-14T22:13:20Z").value(), 1'700'000'000'000u);
  EXPECT_EQ(ParseRfc3339("2023-11-14T23:13:20+01:00").value(), 1'700'000'000'000u);
  EXPECT_EQ(ParseRfc3339("2023-11-14T21:43:20-00:30").value(), 1'700'000'000'000u);
  EXPECT_EQ(ParseRfc3339("2023-11-14T22:13:20.750Z").value(), 1'700'000'000'000u);
  // The expiry of the official PASETO v4 vectors' payload.
  EXPECT_EQ(ParseRfc3339("2022-01-01T00:00:00+00:00").value(), 1'640'995'200'000u);
}

TEST(Rfc3339, RejectsMalformedTimes) {
  for (const char* text : {"", "2023-11-14", "2023-11-14 22:13:20Z", "2023-02-30T00:00:00Z",
                           "2023-11-14T24:00:00Z", "2023-11-14T22:13:20", "1969-12-31T23:59:59Z",
                           "2023-11-14T22:13:20.Z", "2023-11-14T22:13:20+0100"}) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(ParseRfc3339(text).ok());
  }
}

TEST(AccessToken, IssuedTokenVerifies) {
  std::string token = IssueAccessToken(Key("doctor"), Claims());
  Result<AccessClaims> claims = VerifyAccessToken(token, "gateway-a", kNowMs + 1000, 3'600'000);
  ASSERT_TRUE(claims.ok()) << claims.status().ToString();
  AccessClaims expected = Claims();
  expected.subject = Key("doctor").public_key();
  EXPECT_EQ(*claims, expected);
}

TEST(AccessToken, ClaimsAreRfc3339AndNameTheKey) {
  std::string token = IssueAccessToken(Key("doctor"), Claims());
  Result<crypto::PasetoV4PublicParts> parts = crypto::ParsePasetoV4Public(token);
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->message,
            "{\"aud\":\"gateway-a\",\"exp\":\"2026-12-04T16:10:00Z\",\"iat\":"
            "\"2026-12-04T16:00:00Z\",\"jti\":\"token-1\",\"purpose\":\"research\",\"sub\":\"" +
                Key("doctor").public_key().ToHex() + "\"}");
}

TEST(AccessToken, FailuresHaveDistinctCodes) {
  AccessClaims too_long = Claims();
  too_long.expires_at_ms = kNowMs + 7'200'000;
  AccessClaims future = Claims();
  future.issued_at_ms = kNowMs + 120'000;
  future.expires_at_ms = kNowMs + 180'000;

  struct Case {
    std::string name;
    std::string token;
    std::string audience;
    uint64_t now_ms;
    StatusCode code;
  };

  std::string good = IssueAccessToken(Key("doctor"), Claims());
  std::vector<Case> cases = {
      {"garbage", "v4.public.xyz", "gateway-a", kNowMs, StatusCode::kInvalidArgument},
      {"claims not json", crypto::SignPasetoV4Public(Key("doctor"), "not json"), "gateway-a",
       kNowMs, StatusCode::kInvalidArgument},
      {"claim missing", crypto::SignPasetoV4Public(Key("doctor"), "{\"aud\":\"gateway-a\"}"),
       "gateway-a", kNowMs, StatusCode::kInvalidArgument},
      {"wrong audience", good, "gateway-b", kNowMs, StatusCode::kPermissionDenied},
      {"expired", good, "gateway-a", kNowMs + 600'000, StatusCode::kOutOfRange},
      {"too long", IssueAccessToken(Key("doctor"), too_long), "gateway-a", kNowMs,
       StatusCode::kFailedPrecondition},
      {"future", IssueAccessToken(Key("doctor"), future), "gateway-a", kNowMs,
       StatusCode::kFailedPrecondition},
  };
  for (const Case& test : cases) {
    SCOPED_TRACE(test.name);
    Result<AccessClaims> claims =
        VerifyAccessToken(test.token, test.audience, test.now_ms, 3'600'000);
    ASSERT_FALSE(claims.ok());
    EXPECT_EQ(claims.status().code(), test.code);
  }
}

TEST(AccessToken, TokenSignedByAnotherKeyFails) {
  // The claims name doctor's key, but the signature is the intruder's.
  std::string token = IssueAccessToken(Key("intruder"), Claims());
  Result<crypto::PasetoV4PublicParts> parts = crypto::ParsePasetoV4Public(token);
  ASSERT_TRUE(parts.ok());
  std::string message = parts->message;
  std::string intruder = Key("intruder").public_key().ToHex();
  message.replace(message.find(intruder), intruder.size(), Key("doctor").public_key().ToHex());
  Bytes body = ToBytes(message);
  Append(body, parts->signature.view());
  std::string forged = "v4.public." + crypto::Base64UrlEncode(body);
  Result<AccessClaims> claims = VerifyAccessToken(forged, "gateway-a", kNowMs, 3'600'000);
  ASSERT_FALSE(claims.ok());
  EXPECT_EQ(claims.status().code(), StatusCode::kUnauthenticated);
}

}  // namespace
}  // namespace imledger::gateway

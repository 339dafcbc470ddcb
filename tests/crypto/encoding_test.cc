#include "crypto/encoding.h"

#include <gtest/gtest.h>

namespace imledger::crypto {
namespace {

TEST(Hex, RoundTrip) {
  Bytes bytes = {0x00, 0x01, 0xab, 0xff};
  EXPECT_EQ(HexEncode(bytes), "0001abff");
  EXPECT_EQ(HexDecode("0001abff").value(), bytes);
  EXPECT_EQ(HexDecode("0001ABFF").value(), bytes);
}

TEST(Hex, RejectsOddLengthAndNonHex) {
  EXPECT_EQ(HexDecode("abc").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(HexDecode("zz").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(HexDecode("ab cd").status().code(), StatusCode::kInvalidArgument);
}

TEST(Base64, Rfc4648Vectors) {
  // RFC 4648 section 10.
  EXPECT_EQ(Base64Encode(AsBytes("")), "");
  EXPECT_EQ(Base64Encode(AsBytes("f")), "Zg==");
  EXPECT_EQ(Base64Encode(AsBytes("fo")), "Zm8=");
  EXPECT_EQ(Base64Encode(AsBytes("foo")), "Zm9v");
  EXPECT_EQ(Base64Encode(AsBytes("foob")), "Zm9vYg==");
  EXPECT_EQ(Base64Encode(AsBytes("fooba")), "Zm9vYmE=");
  EXPECT_EQ(Base64Encode(AsBytes("foobar")), "Zm9vYmFy");
  EXPECT_EQ(Base64Decode("Zm9vYmE=").value(), ToBytes("fooba"));
}

TEST(Base64, DecoderIsStrict) {
  EXPECT_FALSE(Base64Decode("Zm9vYmE").ok()) << "missing padding";
  EXPECT_FALSE(Base64Decode("Zm9=").ok()) << "non-zero trailing bits";
  EXPECT_FALSE(Base64Decode("Zm 9v").ok()) << "space";
  EXPECT_FALSE(Base64Decode("Zm-v").ok()) << "URL-safe letter in the standard alphabet";
}

TEST(Base64Url, NoPaddingAndUrlAlphabet) {
  Bytes bytes = {0xfb, 0xff, 0xfe};
  EXPECT_EQ(Base64UrlEncode(bytes), "-__-");
  EXPECT_EQ(Base64Encode(bytes), "+//+");
  EXPECT_EQ(Base64UrlDecode("-__-").value(), bytes);
  EXPECT_EQ(Base64UrlEncode(AsBytes("f")), "Zg");
  EXPECT_FALSE(Base64UrlDecode("Zg==").ok());
  EXPECT_FALSE(Base64UrlDecode("+//+").ok());
}

}  // namespace
}  // namespace imledger::crypto

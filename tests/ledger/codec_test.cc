#include "ledger/codec.h"

#include <gtest/gtest.h>

#include "crypto/encoding.h"
#include "tests/support/test_data.h"

namespace imledger::ledger {
namespace {

using testing::HexBytes;

std::string EncodedVarint(uint64_t value) {
  Encoder encoder;
  encoder.PutVarint(value);
  return crypto::HexEncode(encoder.bytes());
}

DecodeError VarintError(const std::string& hex) {
  Bytes bytes = HexBytes(hex);
  Decoder decoder(bytes);
  decoder.ReadVarint("value");
  (void)decoder.Finish();
  return decoder.error();
}

TEST(Varint, GoldenEncodings) {
  EXPECT_EQ(EncodedVarint(0), "00");
  EXPECT_EQ(EncodedVarint(1), "01");
  EXPECT_EQ(EncodedVarint(127), "7f");
  EXPECT_EQ(EncodedVarint(128), "8001");
  EXPECT_EQ(EncodedVarint(300), "ac02");
  EXPECT_EQ(EncodedVarint(16384), "808001");
  EXPECT_EQ(EncodedVarint(UINT64_MAX), "ffffffffffffffffff01");
}

TEST(Varint, RoundTripsAtBoundaries) {
  for (uint64_t value : {uint64_t{0}, uint64_t{127}, uint64_t{128}, uint64_t{1} << 35,
                         (uint64_t{1} << 63) - 1, uint64_t{1} << 63, UINT64_MAX}) {
    Encoder encoder;
    encoder.PutVarint(value);
    Decoder decoder(encoder.bytes());
    EXPECT_EQ(decoder.ReadVarint("value"), value);
    EXPECT_TRUE(decoder.Finish().ok());
  }
}

TEST(Varint, OverlongFormIsRejected) {
  EXPECT_EQ(VarintError("8000"), DecodeError::kOverlongVarint);
  EXPECT_EQ(VarintError("ff00"), DecodeError::kOverlongVarint);
  EXPECT_EQ(VarintError("ffffffffffffffffff00"), DecodeError::kOverlongVarint);
}

TEST(Varint, ValuesAbove64BitsAreRejected) {
  EXPECT_EQ(VarintError("ffffffffffffffffff02"), DecodeError::kVarintOverflow);
  EXPECT_EQ(VarintError("ffffffffffffffffff81"), DecodeError::kVarintOverflow);
  EXPECT_EQ(VarintError("ffffffffffffffffffff01"), DecodeError::kVarintOverflow);
}

TEST(Varint, TruncatedInputIsRejected) {
  EXPECT_EQ(VarintError(""), DecodeError::kTruncated);
  EXPECT_EQ(VarintError("80"), DecodeError::kTruncated);
}

TEST(Decoder, TrailingBytesAreRejected) {
  Bytes bytes = {0x05, 0x00};
  Decoder decoder(bytes);
  EXPECT_EQ(decoder.ReadVarint("height"), 5u);
  Status status = decoder.Finish();
  EXPECT_EQ(decoder.error(), DecodeError::kTrailingBytes);
  EXPECT_EQ(status.message(), "trailing bytes in field \"end of input\" at byte 1: 1 bytes left");
}

TEST(Decoder, LengthBeyondInputNamesTheField) {
  Bytes bytes = {0x05, 'a', 'b'};
  Decoder decoder(bytes);
  decoder.ReadBytes("payload");
  EXPECT_EQ(decoder.error(), DecodeError::kLengthBeyondInput);
  EXPECT_EQ(decoder.status().message(),
            "length beyond input in field \"payload\" at byte 0: 5 bytes, 2 remain");
}

TEST(Decoder, LengthBeyondConfiguredLimitIsRejected) {
  Encoder encoder;
  encoder.PutBytes(Bytes(100, 0xaa));
  Decoder decoder(encoder.bytes(), DecodeLimits{.max_bytes_length = 99, .max_list_count = 10});
  decoder.ReadBytes("payload");
  EXPECT_EQ(decoder.error(), DecodeError::kLengthBeyondLimit);
}

TEST(Decoder, ListCountBeyondLimitOrInputIsRejected) {
  Bytes bytes = {0x0b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  Decoder limited(bytes, DecodeLimits{.max_bytes_length = 100, .max_list_count = 10});
  limited.ReadCount("signatures");
  EXPECT_EQ(limited.error(), DecodeError::kLengthBeyondLimit);

  Bytes lying = {0x7f, 1, 2};
  Decoder decoder(lying);
  decoder.ReadCount("signatures");
  EXPECT_EQ(decoder.error(), DecodeError::kLengthBeyondInput);
}

TEST(Decoder, UnknownTagIsRejected) {
  Bytes bytes = {0x0c};
  Decoder decoder(bytes);
  decoder.ReadTag("transaction.type", 12);
  EXPECT_EQ(decoder.error(), DecodeError::kUnknownTag);
  EXPECT_EQ(decoder.status().message(),
            "unknown type tag in field \"transaction.type\" at byte 0: tag 12, known tags are 0 "
            "to 11");
}

TEST(Decoder, BoolOtherThanZeroOrOneIsInvalid) {
  Bytes bytes = {0x02};
  Decoder decoder(bytes);
  decoder.ReadBool("wait");
  EXPECT_EQ(decoder.error(), DecodeError::kInvalidValue);
}

TEST(Decoder, ErrorsAreStickyAndReadsReturnZero) {
  Bytes bytes = {0x80};
  Decoder decoder(bytes);
  EXPECT_EQ(decoder.ReadVarint("first"), 0u);
  EXPECT_EQ(decoder.ReadString("second"), "");
  EXPECT_EQ(decoder.ReadDigest("third"), crypto::Digest{});
  EXPECT_EQ(decoder.error(), DecodeError::kTruncated);
  EXPECT_NE(decoder.status().message().find("\"first\""), std::string::npos);
}

TEST(Encoder, GoldenBytesAndStrings) {
  Encoder encoder;
  encoder.PutString("imledger");
  encoder.PutBool(true);
  encoder.PutBytes(Bytes{});
  encoder.PutFixed(Bytes{0xde, 0xad});
  EXPECT_EQ(crypto::HexEncode(encoder.bytes()), "08696d6c65646765720100dead");
}

}  // namespace
}  // namespace imledger::ledger

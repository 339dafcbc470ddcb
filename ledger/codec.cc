#include "ledger/codec.h"

#include <algorithm>

namespace imledger::ledger {

void Encoder::PutVarint(uint64_t value) {
  while (value >= 0x80) {
    bytes_.push_back(static_cast<uint8_t>(value) | 0x80);
    value >>= 7;
  }
  bytes_.push_back(static_cast<uint8_t>(value));
}

void Encoder::PutBytes(ByteView bytes) {
  PutVarint(bytes.size());
  PutFixed(bytes);
}

std::string_view DecodeErrorName(DecodeError error) {
  switch (error) {
    case DecodeError::kNone:
      return "none";
    case DecodeError::kTruncated:
      return "truncated input";
    case DecodeError::kOverlongVarint:
      return "overlong varint";
    case DecodeError::kVarintOverflow:
      return "varint overflows 64 bits";
    case DecodeError::kLengthBeyondInput:
      return "length beyond input";
    case DecodeError::kLengthBeyondLimit:
      return "length beyond limit";
    case DecodeError::kUnknownTag:
      return "unknown type tag";
    case DecodeError::kTrailingBytes:
      return "trailing bytes";
    case DecodeError::kInvalidValue:
      return "invalid value";
  }
  return "unknown decode error";
}

void Decoder::Fail(DecodeError error, std::string_view field, const std::string& detail) {
  if (!ok()) {
    return;
  }
  error_ = error;
  message_ = std::string(DecodeErrorName(error)) + " in field \"" + std::string(field) +
             "\" at byte " + std::to_string(field_offset_);
  if (!detail.empty()) {
    message_ += ": " + detail;
  }
}

uint64_t Decoder::ReadVarint(std::string_view field) {
  if (!ok()) {
    return 0;
  }
  field_offset_ = offset_;
  uint64_t value = 0;
  for (size_t i = 0;; ++i) {
    if (offset_ + i >= input_.size()) {
      Fail(DecodeError::kTruncated, field);
      return 0;
    }
    uint8_t byte = input_[offset_ + i];
    uint64_t group = byte & 0x7f;
    // The tenth byte may carry only the 64th bit.
    if (i == 9 && (byte & 0xfe) != 0) {
      Fail(DecodeError::kVarintOverflow, field);
      return 0;
    }
    value |= group << (7 * i);
    if ((byte & 0x80) == 0) {
      if (i > 0 && byte == 0) {
        Fail(DecodeError::kOverlongVarint, field);
        return 0;
      }
      offset_ += i + 1;
      return value;
    }
  }
}

bool Decoder::ReadBool(std::string_view field) {
  uint8_t byte = 0;
  ReadFixed(field, &byte, 1);
  if (byte > 1) {
    Fail(DecodeError::kInvalidValue, field, "a bool must be 0 or 1, got " + std::to_string(byte));
    return false;
  }
  return byte == 1;
}

Bytes Decoder::ReadBytes(std::string_view field) {
  size_t start = offset_;
  uint64_t length = ReadVarint(field);
  field_offset_ = start;
  if (!ok()) {
    return {};
  }
  if (length > limits_.max_bytes_length) {
    Fail(DecodeError::kLengthBeyondLimit, field,
         std::to_string(length) + " bytes, maximum " + std::to_string(limits_.max_bytes_length));
    return {};
  }
  if (length > remaining()) {
    Fail(DecodeError::kLengthBeyondInput, field,
         std::to_string(length) + " bytes, " + std::to_string(remaining()) + " remain");
    return {};
  }
  ByteView slice = input_.subspan(offset_, length);
  Bytes bytes(slice.begin(), slice.end());
  offset_ += length;
  return bytes;
}

std::string Decoder::ReadString(std::string_view field) {
  Bytes bytes = ReadBytes(field);
  return std::string(bytes.begin(), bytes.end());
}

uint64_t Decoder::ReadCount(std::string_view field) {
  size_t start = offset_;
  uint64_t count = ReadVarint(field);
  field_offset_ = start;
  if (ok() && count > limits_.max_list_count) {
    Fail(DecodeError::kLengthBeyondLimit, field,
         std::to_string(count) + " items, maximum " + std::to_string(limits_.max_list_count));
    return 0;
  }
  // Every item takes at least one byte, so a count above the remaining bytes is a lie.
  if (ok() && count > remaining()) {
    Fail(DecodeError::kLengthBeyondInput, field,
         std::to_string(count) + " items, " + std::to_string(remaining()) + " bytes remain");
    return 0;
  }
  return count;
}

uint64_t Decoder::ReadTag(std::string_view field, uint64_t tag_count) {
  size_t start = offset_;
  uint64_t tag = ReadVarint(field);
  field_offset_ = start;
  if (ok() && tag >= tag_count) {
    Fail(DecodeError::kUnknownTag, field,
         "tag " + std::to_string(tag) + ", known tags are 0 to " + std::to_string(tag_count - 1));
    return 0;
  }
  return tag;
}

void Decoder::ReadFixed(std::string_view field, uint8_t* out, size_t size) {
  if (!ok()) {
    return;
  }
  field_offset_ = offset_;
  if (size > remaining()) {
    Fail(DecodeError::kTruncated, field,
         std::to_string(size) + " bytes needed, " + std::to_string(remaining()) + " remain");
    return;
  }
  ByteView slice = input_.subspan(offset_, size);
  std::copy(slice.begin(), slice.end(), out);
  offset_ += size;
}

crypto::Digest Decoder::ReadDigest(std::string_view field) {
  crypto::Digest digest;
  ReadFixed(field, digest.bytes.data(), digest.bytes.size());
  return digest;
}

crypto::PublicKey Decoder::ReadPublicKey(std::string_view field) {
  crypto::PublicKey key;
  ReadFixed(field, key.bytes.data(), key.bytes.size());
  return key;
}

crypto::Signature Decoder::ReadSignature(std::string_view field) {
  crypto::Signature signature;
  ReadFixed(field, signature.bytes.data(), signature.bytes.size());
  return signature;
}

void Decoder::Reject(std::string_view field, std::string_view reason) {
  Fail(DecodeError::kInvalidValue, field, std::string(reason));
}

Status Decoder::Finish() {
  if (ok() && remaining() != 0) {
    field_offset_ = offset_;
    Fail(DecodeError::kTrailingBytes, "end of input", std::to_string(remaining()) + " bytes left");
  }
  return status();
}

Status Decoder::status() const {
  return ok() ? Status::Ok() : Status::Corruption(message_);
}

}  // namespace imledger::ledger

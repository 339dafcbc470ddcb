// The canonical binary encoding: the only bytes imledger ever signs or hashes.
//
// Each structure is a fixed sequence of fields with no field names and no maps:
//   unsigned integer   unsigned LEB128, shortest form (no trailing 0x80 / 0x00 groups)
//   byte string, text  LEB128 length, then the bytes (text is UTF-8, not checked here)
//   fixed bytes        the bytes alone (digests: 32, public keys: 32, signatures: 64)
//   bool               one byte, 0 or 1
//   list               LEB128 count, then each item
//   optional           bool present, then the value if present
//   type tag           an unsigned integer from a closed set; an unknown tag is an error
// One value has exactly one encoding, and a decoder accepts only that encoding, so equal values
// always hash equal. docs/protocol.md lists every structure's field order.
//
// The Decoder is sticky: after the first error every read returns a zero value and Finish()
// reports that first error, naming the field and its byte offset. Not thread-safe.

#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/ed25519.h"
#include "crypto/sha256.h"

namespace imledger::ledger {

class Encoder {
 public:
  void PutVarint(uint64_t value);

  void PutBool(bool value) { bytes_.push_back(value ? 1 : 0); }

  void PutFixed(ByteView bytes) { Append(bytes_, bytes); }

  void PutBytes(ByteView bytes);

  void PutString(std::string_view text) { PutBytes(AsBytes(text)); }

  void PutDigest(const crypto::Digest& digest) { PutFixed(digest.bytes); }

  void PutPublicKey(const crypto::PublicKey& key) { PutFixed(key.bytes); }

  void PutSignature(const crypto::Signature& signature) { PutFixed(signature.bytes); }

  const Bytes& bytes() const { return bytes_; }

  Bytes Take() { return std::move(bytes_); }

 private:
  Bytes bytes_;
};

enum class DecodeError : uint8_t {
  kNone = 0,
  kTruncated,          // The input ended inside a field.
  kOverlongVarint,     // A varint with a redundant final zero group.
  kVarintOverflow,     // A varint above 2^64 - 1, or longer than 10 bytes.
  kLengthBeyondInput,  // A length prefix larger than the bytes that remain.
  kLengthBeyondLimit,  // A length or count above the configured maximum.
  kUnknownTag,         // A type tag outside the closed set.
  kTrailingBytes,      // Bytes left after the last field.
  kInvalidValue,       // A well-formed field with a value the type forbids (a bool of 2).
};

std::string_view DecodeErrorName(DecodeError error);

struct DecodeLimits {
  uint64_t max_bytes_length = 16u << 20;  // One byte string or text field.
  uint64_t max_list_count = 1u << 20;     // Items in one list.
};

class Decoder {
 public:
  // `input` must stay valid while the Decoder is used.
  explicit Decoder(ByteView input, DecodeLimits limits = {}) : input_(input), limits_(limits) {}

  uint64_t ReadVarint(std::string_view field);

  bool ReadBool(std::string_view field);

  Bytes ReadBytes(std::string_view field);

  std::string ReadString(std::string_view field);

  // Reads a list count bounded by the configured maximum.
  uint64_t ReadCount(std::string_view field);

  // Reads a type tag and checks it is below `tag_count`.
  uint64_t ReadTag(std::string_view field, uint64_t tag_count);

  crypto::Digest ReadDigest(std::string_view field);

  crypto::PublicKey ReadPublicKey(std::string_view field);

  crypto::Signature ReadSignature(std::string_view field);

  // Records a semantic error found by the caller in the field read last (kInvalidValue),
  // unless an error is already set.
  void Reject(std::string_view field, std::string_view reason);

  bool ok() const { return error_ == DecodeError::kNone; }

  DecodeError error() const { return error_; }

  size_t remaining() const { return input_.size() - offset_; }

  // Checks that every byte was consumed; returns the first error otherwise.
  Status Finish();

  // The first error so far, without the trailing-bytes check.
  Status status() const;

 private:
  void Fail(DecodeError error, std::string_view field, const std::string& detail = {});
  void ReadFixed(std::string_view field, uint8_t* out, size_t size);

  ByteView input_;
  DecodeLimits limits_;
  size_t offset_ = 0;
  size_t field_offset_ = 0;  // Offset of the field being read, which errors report.
  DecodeError error_ = DecodeError::kNone;
  std::string message_;
};

}  // namespace imledger::ledger

// Feeds arbitrary proofs to the RFC 6962 verifiers. Input layout: 8-byte index or first size,
// 8-byte tree or second size, then 32-byte hashes: the leaf hash or first root, the root or
// second root, and the proof. Each verifier must return a Status for every input.

#include <cstdint>
#include <cstring>
#include <vector>

#include "crypto/merkle.h"

namespace {

using imledger::crypto::Digest;

uint64_t ReadU64(const uint8_t* data) {
  uint64_t value = 0;
  std::memcpy(&value, data, sizeof value);
  return value;
}

Digest ReadDigest(const uint8_t* data) {
  Digest digest;
  std::memcpy(digest.bytes.data(), data, Digest::kSize);
  return digest;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 16 + 2 * Digest::kSize) {
    return 0;
  }
  uint64_t first = ReadU64(data);
  uint64_t second = ReadU64(data + 8);
  Digest a = ReadDigest(data + 16);
  Digest b = ReadDigest(data + 16 + Digest::kSize);
  std::vector<Digest> proof;
  for (size_t offset = 16 + 2 * Digest::kSize; offset + Digest::kSize <= size;
       offset += Digest::kSize) {
    proof.push_back(ReadDigest(data + offset));
  }
  (void)imledger::crypto::VerifyMerkleInclusion(a, first, second, proof, b);
  (void)imledger::crypto::VerifyMerkleConsistency(first, second, proof, a, b);
  return 0;
}

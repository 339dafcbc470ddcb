// Builds valid blocks for block store tests and the crash writer: deterministic entries for each
// height, and a certificate signed by one test validator.

#pragma once

#include <string>
#include <vector>

#include "ledger/block_store.h"

namespace imledger::testing {

inline constexpr std::string_view kTestNetwork = "test-net";

inline crypto::SecretKey BlockSigner() {
  return crypto::SecretKey::FromSeed(Bytes(32, 0x11)).value();
}

// Height h carries h % 5 + 1 entries whose bytes and result codes depend only on h.
inline std::vector<ledger::LogLeaf> EntriesForHeight(uint64_t height) {
  std::vector<ledger::LogLeaf> entries;
  for (uint64_t i = 0; i < height % 5 + 1; ++i) {
    entries.push_back({ToBytes("tx " + std::to_string(height) + "." + std::to_string(i)),
                       static_cast<uint32_t>((height + i) % 3)});
  }
  return entries;
}

inline crypto::Digest StateForHeight(uint64_t height) {
  return crypto::Sha256Of("state " + std::to_string(height));
}

inline ledger::CommitCertificate CertifyNext(const ledger::BlockStore& store,
                                             const std::vector<ledger::LogLeaf>& entries) {
  uint64_t height = store.height() + 1;
  ledger::BlockHeader header = store.NextHeader(entries, 0, 1000 * height, StateForHeight(height));
  crypto::SecretKey signer = BlockSigner();
  ledger::CommitCertificate certificate{header, {}};
  certificate.signatures.push_back(
      {signer.public_key(), signer.Sign(ledger::CommitSigningBytes(kTestNetwork, header))});
  return certificate;
}

}  // namespace imledger::testing

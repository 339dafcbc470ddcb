// A bounded memo of Ed25519 signatures that verified, so one process checks a signature once.
//
// A transaction's signature is checked by the API when it arrives, by the replica when a
// request or a PrePrepare carries it, and by the contracts when the block executes. Each check
// is the same libsodium call on the same bytes and returns the same result, so the result is
// kept. The entry key is SHA-256 over the public key, the signature and the message, and only
// successful verifications are stored. A forged signature is therefore never accepted from the
// memo, and the memo changes no outcome, only how often libsodium runs.
//
// The table is direct-mapped with kSlots slots (2 MiB); a new entry evicts whatever shared its
// slot. Thread-safe: one mutex guards the table, held for a 32-byte compare or copy.

#pragma once

#include <array>
#include <cstddef>
#include <mutex>
#include <vector>

#include "base/bytes.h"
#include "crypto/ed25519.h"
#include "crypto/sha256.h"

namespace imledger::crypto {

class SignatureCache {
 public:
  static constexpr size_t kSlots = size_t{1} << 16;

  SignatureCache();

  // The process-wide memo used by VerifyCached.
  static SignatureCache& Global();

  // Returns Verify(key, message, signature), from the memo when this exact triple verified
  // before.
  bool Verify(const PublicKey& key, ByteView message, const Signature& signature);

  // The number of successful verifications returned without libsodium, for tests and
  // benchmarks.
  size_t hits() const;

 private:
  mutable std::mutex mutex_;
  std::vector<Digest> slots_;  // Guarded by mutex_; an all-zero digest marks an empty slot.
  size_t hits_ = 0;            // Guarded by mutex_.
};

// SignatureCache::Global().Verify(...).
[[nodiscard]] bool VerifyCached(const PublicKey& key, ByteView message, const Signature& signature);

}  // namespace imledger::crypto

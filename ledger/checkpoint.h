// C2SP checkpoints (c2sp.org/tlog-checkpoint) and inclusion proof bundles
// (c2sp.org/tlog-proof) for the ledger's Merkle log, signed by the validators.
//
// A checkpoint is the note text "<origin>\n<tree size>\n<base64 root hash>\n" followed by zero
// or more non-empty extension lines. imledger's origin is the network id, and each validator
// signs under the key name "<network id>/validator-<first 8 bytes of its public key in hex>",
// which stays the same when the validator set is reordered. A checkpoint verifies when at least
// `quorum` distinct pinned validators signed it. An inclusion proof bundle is
// "c2sp.org/tlog-proof@v1\n", an optional "extra <base64>\n", "index <n>\n", one base64 proof
// hash per line, a blank line, and the signed checkpoint verbatim. All functions are pure and
// thread-safe.

#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/ed25519.h"
#include "crypto/sha256.h"
#include "ledger/signed_note.h"

namespace imledger::ledger {

inline constexpr std::string_view kTlogProofHeader = "c2sp.org/tlog-proof@v1";

// An RFC 6962 tree of 2^64 - 1 leaves at most has 64 levels, so no inclusion proof is longer.
inline constexpr size_t kMaxInclusionProofHashes = 64;

struct Checkpoint {
  std::string origin;
  uint64_t size = 0;
  crypto::Digest root;
  std::vector<std::string> extensions;  // Extension lines without their newline.

  bool operator==(const Checkpoint&) const = default;
};

// The checkpoint of the ledger's tree head (size, root) on network `network_id`. Fails when the
// network id cannot be an origin line and a key name prefix: empty, not UTF-8, or containing
// white space or '+'.
Result<Checkpoint> MakeCheckpoint(std::string_view network_id, uint64_t size,
                                  const crypto::Digest& root);

// The note text of `checkpoint`.
std::string FormatCheckpointText(const Checkpoint& checkpoint);

// Parses the note text of a checkpoint: a non-empty origin, a decimal size without leading
// zeros, a base64 32-byte root, then non-empty extension lines.
Result<Checkpoint> ParseCheckpointText(std::string_view text);

// "<network id>/validator-<hex of the first 8 bytes of public_key>".
std::string ValidatorKeyName(std::string_view network_id, const crypto::PublicKey& public_key);

// The verifiers for a validator set, in the order of `validators`.
Result<std::vector<NoteVerifier>> ValidatorVerifiers(std::string_view network_id,
                                                     std::span<const crypto::PublicKey> validators);

// Signs `checkpoint` with each validator key, in order, and returns the signed note.
Result<SignedNote> SignCheckpoint(const Checkpoint& checkpoint,
                                  std::span<const crypto::SecretKey> validator_keys);

// Parses a signed checkpoint and checks that its origin is `network_id` and that at least
// `quorum` distinct validators in `validators` signed it. Signatures from other keys are
// ignored. A failing signature from a validator key rejects the checkpoint (Unauthenticated),
// and so does a quorum that is not reached.
Result<Checkpoint> VerifyCheckpoint(std::string_view signed_checkpoint, std::string_view network_id,
                                    std::span<const crypto::PublicKey> validators, size_t quorum);

struct InclusionProofBundle {
  std::optional<Bytes> extra;  // Opaque application data from the optional "extra" line.
  uint64_t index = 0;
  std::vector<crypto::Digest> proof;
  std::string signed_checkpoint;  // The signed note, verbatim.

  bool operator==(const InclusionProofBundle&) const = default;
};

std::string FormatInclusionProofBundle(const InclusionProofBundle& bundle);

// Parses the bundle's lines and splits off the checkpoint, which is parsed as a signed note
// but not verified.
Result<InclusionProofBundle> ParseInclusionProofBundle(std::string_view text);

// Verifies the checkpoint as VerifyCheckpoint does, then that `leaf_data` is leaf `index` of
// the tree it commits to. Returns the verified checkpoint.
Result<Checkpoint> VerifyInclusionProofBundle(const InclusionProofBundle& bundle,
                                              ByteView leaf_data, std::string_view network_id,
                                              std::span<const crypto::PublicKey> validators,
                                              size_t quorum);

}  // namespace imledger::ledger

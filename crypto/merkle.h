// RFC 6962 / RFC 9162 Merkle tree hashing, proofs and proof verification.
//
// Leaf hash = SHA-256(0x00 || data); interior node = SHA-256(0x01 || left || right); the root
// of the empty tree is SHA-256(""). A tree of n leaves splits at k, the largest power of two
// below n, so every subtree it contains is either perfect (2^level leaves starting at a
// multiple of 2^level) or ends at the tree's last leaf. Proof generation reads only perfect
// subtrees from a PerfectSubtreeReader, so an in-memory tree and the LevelDB log share it.
// Policy for edge cases: a consistency proof from size 0 is always rejected (an empty tree
// proves nothing); between equal sizes it must be empty and the roots equal.

#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/sha256.h"

namespace imledger::crypto {

Digest MerkleLeafHash(ByteView leaf_data);

Digest MerkleNodeHash(const Digest& left, const Digest& right);

Digest MerkleEmptyRoot();

// The hash of leaves [index << level, (index + 1) << level) of a tree that contains them all.
class PerfectSubtreeReader {
 public:
  virtual ~PerfectSubtreeReader() = default;

  virtual Result<Digest> ReadPerfectSubtree(uint32_t level, uint64_t index) const = 0;
};

Result<Digest> MerkleRoot(const PerfectSubtreeReader& reader, uint64_t size);

// The audit path of leaf `index` in the tree of the first `size` leaves, sibling first.
Result<std::vector<Digest>> MerkleInclusionProof(const PerfectSubtreeReader& reader, uint64_t index,
                                                 uint64_t size);

// PROOF(size1, D[size2]) of RFC 9162 section 2.1.4.1; empty when the sizes are equal.
Result<std::vector<Digest>> MerkleConsistencyProof(const PerfectSubtreeReader& reader,
                                                   uint64_t size1, uint64_t size2);

// RFC 9162 section 2.1.3.2. The error message names the check that failed.
Status VerifyMerkleInclusion(const Digest& leaf_hash, uint64_t index, uint64_t size,
                             std::span<const Digest> proof, const Digest& root);

// RFC 9162 section 2.1.4.2, with the size-0 and equal-size policy above.
Status VerifyMerkleConsistency(uint64_t size1, uint64_t size2, std::span<const Digest> proof,
                               const Digest& root1, const Digest& root2);

// A whole tree in memory: every perfect subtree of the leaves, level by level. For study roots
// and tests; the ledger's log keeps the same nodes in LevelDB.
class MerkleTree final : public PerfectSubtreeReader {
 public:
  explicit MerkleTree(std::vector<Digest> leaf_hashes);

  uint64_t size() const { return levels_[0].size(); }

  Digest Root() const;

  Result<std::vector<Digest>> InclusionProof(uint64_t index) const;

  Result<Digest> ReadPerfectSubtree(uint32_t level, uint64_t index) const override;

 private:
  std::vector<std::vector<Digest>> levels_;  // levels_[l][i] covers leaves [i << l, (i+1) << l).
};

}  // namespace imledger::crypto

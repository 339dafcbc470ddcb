#include "crypto/merkle.h"

#include <bit>
#include <string>

namespace imledger::crypto {

namespace {

// The largest power of two strictly below n, for n >= 2.
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

// Computes subtree hashes of [begin, end) from perfect subtrees, remembering each result for
// the duration of one proof so that nested right-edge subtrees are read once.
class SubtreeHasher {
 public:
  explicit SubtreeHasher(const PerfectSubtreeReader& reader) : reader_(reader) {}

  Result<Digest> Hash(uint64_t begin, uint64_t end) {
    uint64_t width = end - begin;
    if (std::has_single_bit(width) && begin % width == 0) {
      return reader_.ReadPerfectSubtree(std::countr_zero(width), begin / width);
    }
    for (const Entry& entry : memo_) {
      if (entry.begin == begin && entry.end == end) {
        return entry.digest;
      }
    }
    uint64_t middle = begin + SplitPoint(width);
    Result<Digest> left = Hash(begin, middle);
    if (!left.ok()) {
      return left;
    }
    Result<Digest> right = Hash(middle, end);
    if (!right.ok()) {
      return right;
    }
    Digest digest = MerkleNodeHash(*left, *right);
    memo_.push_back({begin, end, digest});
    return digest;
  }

 private:
  struct Entry {
    uint64_t begin;
    uint64_t end;
    Digest digest;
  };

  const PerfectSubtreeReader& reader_;
  std::vector<Entry> memo_;  // At most 2 * 64 entries: one per right-edge subtree.
};

// PATH(index, D[begin:end]) of RFC 9162 section 2.1.3.1, appended to `proof` deepest first.
Status AppendPath(SubtreeHasher& hasher, uint64_t index, uint64_t begin, uint64_t end,
                  std::vector<Digest>& proof) {
  if (end - begin <= 1) {
    return Status::Ok();
  }
  uint64_t middle = begin + SplitPoint(end - begin);
  bool left = index < middle;
  Status status = left ? AppendPath(hasher, index, begin, middle, proof)
                       : AppendPath(hasher, index, middle, end, proof);
  if (!status.ok()) {
    return status;
  }
  Result<Digest> sibling = left ? hasher.Hash(middle, end) : hasher.Hash(begin, middle);
  if (!sibling.ok()) {
    return sibling.status();
  }
  proof.push_back(*sibling);
  return Status::Ok();
}

// SUBPROOF(m, D[begin:end], complete) of RFC 9162 section 2.1.4.1.
Status AppendSubproof(SubtreeHasher& hasher, uint64_t m, uint64_t begin, uint64_t end,
                      bool complete, std::vector<Digest>& proof) {
  if (begin + m == end) {
    if (complete) {
      return Status::Ok();
    }
    Result<Digest> whole = hasher.Hash(begin, end);
    if (!whole.ok()) {
      return whole.status();
    }
    proof.push_back(*whole);
    return Status::Ok();
  }
  uint64_t k = SplitPoint(end - begin);
  bool in_left = m <= k;
  Status status = in_left ? AppendSubproof(hasher, m, begin, begin + k, complete, proof)
                          : AppendSubproof(hasher, m - k, begin + k, end, false, proof);
  if (!status.ok()) {
    return status;
  }
  Result<Digest> other = in_left ? hasher.Hash(begin + k, end) : hasher.Hash(begin, begin + k);
  if (!other.ok()) {
    return other.status();
  }
  proof.push_back(*other);
  return Status::Ok();
}

std::string Sizes(uint64_t a, uint64_t b) {
  return std::to_string(a) + " and " + std::to_string(b);
}

}  // namespace

Digest MerkleLeafHash(ByteView leaf_data) {
  Sha256 hasher;
  hasher.UpdateByte(0x00);
  hasher.Update(leaf_data);
  return hasher.Finish();
}

Digest MerkleNodeHash(const Digest& left, const Digest& right) {
  uint8_t buffer[1 + 2 * Digest::kSize];
  buffer[0] = 0x01;
  std::copy(left.bytes.begin(), left.bytes.end(), buffer + 1);
  std::copy(right.bytes.begin(), right.bytes.end(), buffer + 1 + Digest::kSize);
  return Sha256Of(ByteView(buffer, sizeof buffer));
}

Digest MerkleEmptyRoot() { return Sha256Of(ByteView()); }

Result<Digest> MerkleRoot(const PerfectSubtreeReader& reader, uint64_t size) {
  if (size == 0) {
    return MerkleEmptyRoot();
  }
  SubtreeHasher hasher(reader);
  return hasher.Hash(0, size);
}

Result<std::vector<Digest>> MerkleInclusionProof(const PerfectSubtreeReader& reader, uint64_t index,
                                                 uint64_t size) {
  if (index >= size) {
    return Status::OutOfRange("leaf index " + std::to_string(index) +
                              " is not below tree size " + std::to_string(size));
  }
  SubtreeHasher hasher(reader);
  std::vector<Digest> proof;
  Status status = AppendPath(hasher, index, 0, size, proof);
  if (!status.ok()) {
    return status;
  }
  return proof;
}

Result<std::vector<Digest>> MerkleConsistencyProof(const PerfectSubtreeReader& reader, uint64_t size1,
                                                   uint64_t size2) {
  if (size1 == 0 || size1 > size2) {
    return Status::OutOfRange("no consistency proof between tree sizes " + Sizes(size1, size2) +
                              "; the first size must be between 1 and the second");
  }
  std::vector<Digest> proof;
  if (size1 == size2) {
    return proof;
  }
  SubtreeHasher hasher(reader);
  Status status = AppendSubproof(hasher, size1, 0, size2, true, proof);
  if (!status.ok()) {
    return status;
  }
  return proof;
}

Status VerifyMerkleInclusion(const Digest& leaf_hash, uint64_t index, uint64_t size,
                             std::span<const Digest> proof, const Digest& root) {
  if (index >= size) {
    return Status::Unauthenticated("inclusion proof invalid: index " + std::to_string(index) +
                                   " is not below size " + std::to_string(size));
  }
  uint64_t node = index;
  uint64_t last = size - 1;
  Digest hash = leaf_hash;
  for (const Digest& sibling : proof) {
    if (last == 0) {
      return Status::Unauthenticated("inclusion proof invalid: it has " +
                                     std::to_string(proof.size()) +
                                     " hashes, more than the tree of size " +
                                     std::to_string(size) + " needs");
    }
    if ((node & 1) == 1 || node == last) {
      hash = MerkleNodeHash(sibling, hash);
      while ((node & 1) == 0 && node != 0) {
        node >>= 1;
        last >>= 1;
      }
    } else {
      hash = MerkleNodeHash(hash, sibling);
    }
    node >>= 1;
    last >>= 1;
  }
  if (last != 0) {
    return Status::Unauthenticated("inclusion proof invalid: it has " +
                                   std::to_string(proof.size()) +
                                   " hashes, fewer than the tree of size " + std::to_string(size) +
                                   " needs");
  }
  if (hash != root) {
    return Status::Unauthenticated("inclusion proof invalid: computed root " + hash.ToHex() +
                                   " differs from expected root " + root.ToHex());
  }
  return Status::Ok();
}

Status VerifyMerkleConsistency(uint64_t size1, uint64_t size2, std::span<const Digest> proof,
                               const Digest& root1, const Digest& root2) {
  if (size1 == 0) {
    return Status::Unauthenticated(
        "consistency proof invalid: the first tree is empty, and an empty tree proves nothing");
  }
  if (size1 > size2) {
    return Status::Unauthenticated("consistency proof invalid: the first size is larger (sizes " +
                                   Sizes(size1, size2) + ")");
  }
  if (size1 == size2) {
    if (!proof.empty()) {
      return Status::Unauthenticated("consistency proof invalid: equal sizes need an empty proof");
    }
    if (root1 != root2) {
      return Status::Unauthenticated("consistency proof invalid: equal sizes but roots differ");
    }
    return Status::Ok();
  }
  if (proof.empty()) {
    return Status::Unauthenticated("consistency proof invalid: it is empty but sizes differ");
  }

  // A first tree that is one perfect subtree is not in the proof: its root starts the path.
  std::vector<Digest> path;
  if (std::has_single_bit(size1)) {
    path.push_back(root1);
  }
  path.insert(path.end(), proof.begin(), proof.end());

  uint64_t node = size1 - 1;
  uint64_t last = size2 - 1;
  while ((node & 1) == 1) {
    node >>= 1;
    last >>= 1;
  }
  Digest first = path[0];
  Digest second = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    if (last == 0) {
      return Status::Unauthenticated("consistency proof invalid: it has more hashes than sizes " +
                                     Sizes(size1, size2) + " need");
    }
    if ((node & 1) == 1 || node == last) {
      first = MerkleNodeHash(path[i], first);
      second = MerkleNodeHash(path[i], second);
      while ((node & 1) == 0 && node != 0) {
        node >>= 1;
        last >>= 1;
      }
    } else {
      second = MerkleNodeHash(second, path[i]);
    }
    node >>= 1;
    last >>= 1;
  }
  if (last != 0) {
    return Status::Unauthenticated("consistency proof invalid: it has fewer hashes than sizes " +
                                   Sizes(size1, size2) + " need");
  }
  if (first != root1) {
    return Status::Unauthenticated("consistency proof invalid: computed first root " +
                                   first.ToHex() + " differs from " + root1.ToHex());
  }
  if (second != root2) {
    return Status::Unauthenticated("consistency proof invalid: computed second root " +
                                   second.ToHex() + " differs from " + root2.ToHex());
  }
  return Status::Ok();
}

MerkleTree::MerkleTree(std::vector<Digest> leaf_hashes) {
  levels_.push_back(std::move(leaf_hashes));
  while (levels_.back().size() >= 2) {
    const std::vector<Digest>& below = levels_.back();
    std::vector<Digest> above;
    above.reserve(below.size() / 2);
    for (size_t i = 0; i + 1 < below.size(); i += 2) {
      above.push_back(MerkleNodeHash(below[i], below[i + 1]));
    }
    levels_.push_back(std::move(above));
  }
}

Result<Digest> MerkleTree::ReadPerfectSubtree(uint32_t level, uint64_t index) const {
  if (level >= levels_.size() || index >= levels_[level].size()) {
    return Status::OutOfRange("no perfect subtree at level " + std::to_string(level) +
                              ", index " + std::to_string(index));
  }
  return levels_[level][index];
}

Digest MerkleTree::Root() const { return MerkleRoot(*this, size()).value(); }

Result<std::vector<Digest>> MerkleTree::InclusionProof(uint64_t index) const {
  return MerkleInclusionProof(*this, index, size());
}

}  // namespace imledger::crypto

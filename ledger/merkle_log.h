// The ledger's append-only RFC 6962 Merkle log, stored in LevelDB.
//
// Every perfect subtree is stored as one record ('N', level, index), leaf hashes included at
// level 0, and the leaf data under ('L', index). A tree of any past size is then a fold over at
// most 64 stored subtrees, so a root, an inclusion proof or a consistency proof at any size
// reads O(log n) records and never the leaves. The size lives under 'M' "log_size" and is
// written in the same batch as the nodes it covers, so the log on disk is always whole.
//
// Nodes at level kCachedLevel and above (subtrees of 64 leaves or more) are also kept in
// memory, about one byte per leaf, so a proof reads at most a handful of records from LevelDB.
//
// Appends are staged into a caller's WriteBatch and take effect in memory only after the caller
// reports that the batch was written (Commit), so the block store can write a block and its
// leaves atomically. Not thread-safe: one owner appends; reads of committed sizes may run on
// other threads only while no append is being committed.

#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include <leveldb/db.h>
#include <leveldb/write_batch.h>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/merkle.h"

namespace imledger::ledger {

class MerkleLog final : public crypto::PerfectSubtreeReader {
 public:
  // The result of staging an append, applied by Commit once its batch is durable.
  struct PendingAppend {
    uint64_t size = 0;
    std::vector<crypto::Digest> peaks;
    // New nodes at cached levels, in creation order: (level, hash).
    std::vector<std::pair<uint32_t, crypto::Digest>> cached_nodes;
  };

  static constexpr uint32_t kCachedLevel = 6;

  // Loads the size and the right-edge peaks from `db`, which must outlive the log.
  static Result<MerkleLog> Open(leveldb::DB* db);

  uint64_t size() const { return size_; }

  crypto::Digest Root() const;

  // Adds the leaves' records and the new size to `batch`; the log is unchanged until Commit.
  // Staging again before Commit continues from the pending state passed in.
  PendingAppend StageAppend(std::span<const Bytes> leaves, leveldb::WriteBatch& batch) const;

  PendingAppend StageAppend(const PendingAppend& from, std::span<const Bytes> leaves,
                            leveldb::WriteBatch& batch) const;

  void Commit(PendingAppend pending);

  // Stages, writes with sync and commits, for callers that need nothing else in the batch.
  Status Append(std::span<const Bytes> leaves);

  Result<Bytes> ReadLeaf(uint64_t index) const;

  Result<crypto::Digest> RootAt(uint64_t size) const;

  Result<std::vector<crypto::Digest>> InclusionProof(uint64_t index, uint64_t size) const;

  Result<std::vector<crypto::Digest>> ConsistencyProof(uint64_t size1, uint64_t size2) const;

  Result<crypto::Digest> ReadPerfectSubtree(uint32_t level, uint64_t index) const override;

 private:
  explicit MerkleLog(leveldb::DB* db) : db_(db) {}

  Status CheckSize(uint64_t size, std::string_view what) const;
  Status LoadCachedLevels();
  Result<crypto::Digest> ReadStoredNode(uint32_t level, uint64_t index) const;

  leveldb::DB* db_;  // Not owned.
  uint64_t size_ = 0;
  // Hashes of the perfect subtrees along the right edge, largest first: one per set bit of size_.
  std::vector<crypto::Digest> peaks_;
  // cached_levels_[l - kCachedLevel][i] is the node at level l, index i.
  std::vector<std::vector<crypto::Digest>> cached_levels_;
};

// Key encodings shared with the block store and with tests that corrupt records on purpose.
std::string MerkleNodeKey(uint32_t level, uint64_t index);
std::string MerkleLeafKey(uint64_t index);
inline constexpr std::string_view kLogSizeKey = "Mlog_size";

}  // namespace imledger::ledger

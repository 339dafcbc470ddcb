#include "ledger/merkle_log.h"

#include <bit>
#include <cstring>
#include <memory>

#include "ledger/codec.h"
#include "ledger/keys.h"

namespace imledger::ledger {

std::string MerkleNodeKey(uint32_t level, uint64_t index) {
  std::string key = "N";
  key.push_back(static_cast<char>(level));
  AppendBigEndian64(key, index);
  return key;
}

std::string MerkleLeafKey(uint64_t index) {
  std::string key = "L";
  AppendBigEndian64(key, index);
  return key;
}

Result<MerkleLog> MerkleLog::Open(leveldb::DB* db) {
  MerkleLog log(db);
  Result<uint64_t> size = ReadVarintRecord(db, kLogSizeKey);
  if (!size.ok() && size.status().code() != StatusCode::kNotFound) {
    return size.status();
  }
  log.size_ = size.ok() ? *size : 0;
  if (Status status = log.LoadCachedLevels(); !status.ok()) {
    return status;
  }

  // The peaks are the perfect subtrees named by the set bits of the size, highest first.
  uint64_t begin = 0;
  for (int level = 63; level >= 0; --level) {
    uint64_t width = uint64_t{1} << level;
    if ((log.size_ & width) == 0) {
      continue;
    }
    Result<crypto::Digest> peak = log.ReadPerfectSubtree(level, begin >> level);
    if (!peak.ok()) {
      return peak.status();
    }
    log.peaks_.push_back(*peak);
    begin += width;
  }
  return log;
}

Status MerkleLog::LoadCachedLevels() {
  std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(leveldb::ReadOptions()));
  for (uint32_t level = kCachedLevel; level < 64 && (size_ >> level) > 0; ++level) {
    uint64_t count = size_ >> level;
    std::vector<crypto::Digest>& nodes = cached_levels_.emplace_back();
    nodes.reserve(count);
    std::string first = MerkleNodeKey(level, 0);
    for (it->Seek(first); it->Valid() && nodes.size() < count; it->Next()) {
      leveldb::Slice key = it->key();
      if (key.size() != first.size() || key[0] != 'N' || static_cast<uint8_t>(key[1]) != level ||
          it->value().size() != crypto::Digest::kSize) {
        break;
      }
      crypto::Digest& digest = nodes.emplace_back();
      std::memcpy(digest.bytes.data(), it->value().data(), crypto::Digest::kSize);
    }
    if (nodes.size() != count) {
      return Status::Corruption("the log of size " + std::to_string(size_) + " should have " +
                                std::to_string(count) + " nodes at level " + std::to_string(level) +
                                " but has " + std::to_string(nodes.size()));
    }
  }
  if (!it->status().ok()) {
    return Status::IoError("cannot scan the log nodes: " + it->status().ToString());
  }
  return Status::Ok();
}

crypto::Digest MerkleLog::Root() const {
  if (peaks_.empty()) {
    return crypto::MerkleEmptyRoot();
  }
  crypto::Digest root = peaks_.back();
  for (size_t i = peaks_.size() - 1; i-- > 0;) {
    root = crypto::MerkleNodeHash(peaks_[i], root);
  }
  return root;
}

MerkleLog::PendingAppend MerkleLog::StageAppend(std::span<const Bytes> leaves,
                                                leveldb::WriteBatch& batch) const {
  return StageAppend(PendingAppend{size_, peaks_, {}}, leaves, batch);
}

MerkleLog::PendingAppend MerkleLog::StageAppend(const PendingAppend& from,
                                                std::span<const Bytes> leaves,
                                                leveldb::WriteBatch& batch) const {
  PendingAppend pending = from;
  for (const Bytes& leaf : leaves) {
    uint64_t index = pending.size;
    crypto::Digest hash = crypto::MerkleLeafHash(leaf);
    batch.Put(MerkleLeafKey(index),
              leveldb::Slice(reinterpret_cast<const char*>(leaf.data()), leaf.size()));
    batch.Put(MerkleNodeKey(0, index), DigestSlice(hash));

    // Each trailing one bit of the index closes a perfect subtree one level up.
    uint32_t level = 0;
    uint64_t node = index;
    while ((node & 1) == 1) {
      hash = crypto::MerkleNodeHash(pending.peaks.back(), hash);
      pending.peaks.pop_back();
      node >>= 1;
      ++level;
      batch.Put(MerkleNodeKey(level, node), DigestSlice(hash));
      if (level >= kCachedLevel) {
        pending.cached_nodes.emplace_back(level, hash);
      }
    }
    pending.peaks.push_back(hash);
    pending.size = index + 1;
  }
  PutVarintRecord(batch, kLogSizeKey, pending.size);
  CheckEq(pending.peaks.size(), static_cast<size_t>(std::popcount(pending.size)),
          "one peak per set bit of the log size");
  return pending;
}

void MerkleLog::Commit(PendingAppend pending) {
  CheckLe(size_, pending.size, "a committed append never shrinks the log");
  size_ = pending.size;
  peaks_ = std::move(pending.peaks);
  for (const auto& [level, hash] : pending.cached_nodes) {
    size_t slot = level - kCachedLevel;
    if (cached_levels_.size() <= slot) {
      cached_levels_.resize(slot + 1);
    }
    cached_levels_[slot].push_back(hash);
  }
}

Status MerkleLog::Append(std::span<const Bytes> leaves) {
  leveldb::WriteBatch batch;
  PendingAppend pending = StageAppend(leaves, batch);
  leveldb::WriteOptions options;
  options.sync = true;
  leveldb::Status status = db_->Write(options, &batch);
  if (!status.ok()) {
    return Status::IoError("cannot append " + std::to_string(leaves.size()) +
                           " leaves to the log: " + status.ToString());
  }
  Commit(std::move(pending));
  return Status::Ok();
}

Status MerkleLog::CheckSize(uint64_t size, std::string_view what) const {
  if (size > size_) {
    return Status::OutOfRange(std::string(what) + " " + std::to_string(size) +
                              " is beyond the log size " + std::to_string(size_));
  }
  return Status::Ok();
}

Result<Bytes> MerkleLog::ReadLeaf(uint64_t index) const {
  if (index >= size_) {
    return Status::OutOfRange("leaf index " + std::to_string(index) + " is beyond the log size " +
                              std::to_string(size_));
  }
  return ReadRecord(db_, MerkleLeafKey(index), "log leaf " + std::to_string(index));
}

Result<crypto::Digest> MerkleLog::RootAt(uint64_t size) const {
  if (Status status = CheckSize(size, "tree size"); !status.ok()) {
    return status;
  }
  return crypto::MerkleRoot(*this, size);
}

Result<std::vector<crypto::Digest>> MerkleLog::InclusionProof(uint64_t index, uint64_t size) const {
  if (Status status = CheckSize(size, "tree size"); !status.ok()) {
    return status;
  }
  return crypto::MerkleInclusionProof(*this, index, size);
}

Result<std::vector<crypto::Digest>> MerkleLog::ConsistencyProof(uint64_t size1,
                                                                uint64_t size2) const {
  if (Status status = CheckSize(size2, "second tree size"); !status.ok()) {
    return status;
  }
  return crypto::MerkleConsistencyProof(*this, size1, size2);
}

Result<crypto::Digest> MerkleLog::ReadPerfectSubtree(uint32_t level, uint64_t index) const {
  if (level >= kCachedLevel && level < 64 && index < (size_ >> level)) {
    return cached_levels_[level - kCachedLevel][index];
  }
  return ReadStoredNode(level, index);
}

Result<crypto::Digest> MerkleLog::ReadStoredNode(uint32_t level, uint64_t index) const {
  std::string key = MerkleNodeKey(level, index);
  std::string what =
      "log node at level " + std::to_string(level) + ", index " + std::to_string(index);
  Result<Bytes> bytes = ReadRecord(db_, key, what);
  if (!bytes.ok()) {
    return bytes.status();
  }
  if (bytes->size() != crypto::Digest::kSize) {
    return Status::Corruption(what + " holds " + std::to_string(bytes->size()) +
                              " bytes, not a 32-byte hash");
  }
  crypto::Digest digest;
  std::copy(bytes->begin(), bytes->end(), digest.bytes.begin());
  return digest;
}

}  // namespace imledger::ledger

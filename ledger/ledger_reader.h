// LedgerReader: read-only access to committed blocks, the Merkle log and the transaction index
// from threads other than the block store's owner.
//
// A reader takes one LevelDB snapshot when it is created and reads everything from it, so the
// height, the tree size, the roots and the proofs it returns all describe the same committed
// block, even while the owner appends. It reads perfect subtrees straight from LevelDB through
// crypto::PerfectSubtreeReader and never touches the owner's in-memory MerkleLog. One reader
// is meant for one request; it is thread-compatible, and several readers may run at once.

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <leveldb/db.h>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/merkle.h"
#include "ledger/block.h"

namespace imledger::ledger {

// The position of a committed transaction: its block, its index in the block and its log leaf.
struct TransactionLocation {
  uint64_t height = 0;
  uint64_t index = 0;      // From 0 within the block.
  uint64_t log_index = 0;  // Leaf index in the Merkle log.

  bool operator==(const TransactionLocation&) const = default;
};

class LedgerReader final : public crypto::PerfectSubtreeReader {
 public:
  // `db` is a block store's database and must outlive the reader.
  static Result<LedgerReader> Open(leveldb::DB* db);

  ~LedgerReader() override;
  LedgerReader(LedgerReader&& other) noexcept;
  LedgerReader& operator=(LedgerReader&&) = delete;
  LedgerReader(const LedgerReader&) = delete;
  LedgerReader& operator=(const LedgerReader&) = delete;

  // The committed height and log size as of the snapshot.
  uint64_t height() const { return height_; }

  uint64_t tree_size() const { return tree_size_; }

  // The location of the first committed copy of the transaction, or nullopt when none exists.
  Result<std::optional<TransactionLocation>> FindTransaction(const crypto::Digest& id) const;

  // NotFound unless 1 <= height <= height().
  Result<CommitCertificate> ReadCertificate(uint64_t height) const;

  // OutOfRange unless index < tree_size().
  Result<LogLeaf> ReadLeaf(uint64_t index) const;

  // Each fails with OutOfRange when a size exceeds tree_size().
  Result<crypto::Digest> RootAt(uint64_t size) const;
  Result<std::vector<crypto::Digest>> InclusionProof(uint64_t index, uint64_t size) const;
  Result<std::vector<crypto::Digest>> ConsistencyProof(uint64_t size1, uint64_t size2) const;

  Result<crypto::Digest> ReadPerfectSubtree(uint32_t level, uint64_t index) const override;

 private:
  LedgerReader(leveldb::DB* db, const leveldb::Snapshot* snapshot) : db_(db), snapshot_(snapshot) {}

  Result<std::string> Get(const std::string& key, const std::string& what) const;
  Result<uint64_t> GetVarint(std::string_view key) const;
  Status CheckSize(uint64_t size) const;

  leveldb::DB* db_;
  const leveldb::Snapshot* snapshot_;  // Released by the destructor; null once moved from.
  uint64_t height_ = 0;
  uint64_t tree_size_ = 0;
};

}  // namespace imledger::ledger

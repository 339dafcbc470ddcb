// The block store: committed blocks, their commit certificates and the Merkle log, in LevelDB.
//
// Block h is stored as its commit certificate under ('C', h); its transactions are the log
// leaves from the previous block's tree size up to its own. Append writes the certificate, the
// leaves, the log nodes, the new height and any writes the caller adds (the contracts' state)
// in one synced LevelDB write batch, so after a crash the store reopens at the last block that
// was written whole and never at a block that is half there. The same batch indexes each
// leaf's transaction under ('T', SHA-256 of the transaction bytes) -> (height, index in the
// block, log index), keeping the first occurrence, so a replayed copy that was committed and
// rejected later never hides the original. Not thread-safe: one owner; other threads read
// committed data through LedgerReader (ledger_reader.h).

#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <leveldb/db.h>
#include <leveldb/write_batch.h>

#include "base/status.h"
#include "ledger/block.h"
#include "ledger/merkle_log.h"

namespace imledger::ledger {

struct BlockStoreOptions {
  bool create_if_missing = true;
  bool sync = true;  // Tests and benchmarks may turn it off; a node never does.
  size_t block_cache_bytes = 32u << 20;
};

class BlockStore {
 public:
  static Result<std::unique_ptr<BlockStore>> Open(const std::string& path,
                                                  const BlockStoreOptions& options = {});

  ~BlockStore();
  BlockStore(const BlockStore&) = delete;
  BlockStore& operator=(const BlockStore&) = delete;

  // The database, shared with contracts/ ('s' keys) and consensus persistence ('p' keys).
  // Valid while the store lives.
  leveldb::DB* db() const { return db_.get(); }

  uint64_t height() const { return height_; }

  const MerkleLog& log() const { return log_; }

  // The header of the last block, or nothing before the first block.
  const std::optional<BlockHeader>& last_header() const { return last_header_; }

  // Appends the block that `certificate` commits, whose transactions and results are
  // `entries`. The header must extend the last block: height + 1, previous hash, a time not
  // before the last block's, and the tree size and root the entries produce. `extra` may carry
  // other writes for the same atomic batch. Signatures are the caller's to verify.
  Status Append(const CommitCertificate& certificate, std::span<const LogLeaf> entries,
                leveldb::WriteBatch* extra = nullptr);

  // The header of the block that would append `entries` next: height, previous hash, and the
  // tree size and root after it. The caller supplies what consensus and execution decide.
  BlockHeader NextHeader(std::span<const LogLeaf> entries, uint64_t view, uint64_t time_ms,
                         const crypto::Digest& state_digest) const;

  Result<CommitCertificate> ReadCertificate(uint64_t height) const;

  Result<BlockHeader> ReadHeader(uint64_t height) const;

  Result<std::vector<LogLeaf>> ReadEntries(uint64_t height) const;

 private:
  BlockStore(std::unique_ptr<leveldb::DB> db, std::unique_ptr<leveldb::Cache> cache, MerkleLog log,
             bool sync);

  Status CheckExtends(const BlockHeader& header, uint64_t entry_count) const;
  MerkleLog PreviewAppend(std::span<const LogLeaf> entries, leveldb::WriteBatch& batch) const;
  Status IndexTransactions(const BlockHeader& header, std::span<const LogLeaf> entries,
                           leveldb::WriteBatch& batch) const;

  std::unique_ptr<leveldb::Cache> cache_;  // Must outlive db_, which uses it.
  std::unique_ptr<leveldb::DB> db_;
  MerkleLog log_;
  bool sync_;
  uint64_t height_ = 0;
  std::optional<BlockHeader> last_header_;
};

std::string CertificateKey(uint64_t height);
std::string TransactionIndexKey(const crypto::Digest& transaction_id);
inline constexpr std::string_view kHeightKey = "Mheight";

}  // namespace imledger::ledger

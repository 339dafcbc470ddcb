// The engine: executes ordered blocks of transactions against the LevelDB state.
//
// Consensus calls ExecuteBlock for heights 1, 2, ... in order, after ApplyGenesis set up
// height 0. The engine never writes to the database: it fills the caller's WriteBatch, and the
// caller writes that batch atomically with the block itself, so state and log cannot diverge
// after a crash. The state digest chains each block's writes,
//   d_h = SHA-256(d_{h-1} || SHA-256(canonical encoding of the block's writes sorted by key)),
// with d_{-1} = 32 zero bytes, and is stored in the state (key "sM") together with the height,
// block time, genesis hash and network id, so it survives restarts. The engine caches nothing
// between calls; everything it needs is read from the database, so a restarted or
// state-transferred node resumes from what was committed. Not thread-safe: one thread executes
// blocks. Reads through LedgerQueries may run concurrently on other threads.

#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <leveldb/db.h>
#include <leveldb/write_batch.h>

#include "base/bytes.h"
#include "base/status.h"
#include "contracts/genesis.h"
#include "contracts/records.h"
#include "contracts/rejection.h"
#include "contracts/rules.h"

namespace imledger::contracts {

struct TransactionResult {
  crypto::Digest transaction_id;  // SHA-256 of the transaction bytes, even when malformed.
  RejectCode code = RejectCode::kAccepted;
  std::string message;  // Empty when accepted.

  uint32_t code_value() const { return static_cast<uint32_t>(code); }
};

struct BlockExecution {
  std::vector<TransactionResult> results;  // One per transaction, in block order.
  crypto::Digest writes_digest;
  crypto::Digest state_digest;  // d_h for this block.
};

class Engine {
 public:
  // `db` must outlive the engine.
  explicit Engine(leveldb::DB* db) : db_(db) {}

  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Fills `batch` with the genesis state as height 0 and returns d_0. Fails with AlreadyExists
  // if the database already contains a state.
  Result<crypto::Digest> ApplyGenesis(const Genesis& genesis, leveldb::WriteBatch& batch);

  // Executes `transactions` (encoded envelopes) as block `height` at `block_time_ms`, fills
  // `batch` with the state writes, and returns each transaction's result and the new digest.
  // Rejected transactions are results, not errors. A failed Result means the block could not
  // be executed at all: a wrong height, a block time before the previous one, or a database
  // read error. Then `batch` is left unchanged, and the block must not be committed.
  Result<BlockExecution> ExecuteBlock(uint64_t height, uint64_t block_time_ms,
                                      std::span<const Bytes> transactions,
                                      leveldb::WriteBatch& batch,
                                      SignatureCheck signature_check = SignatureCheck::kVerify);

  // The last committed position; NotFound before genesis has been written.
  Result<StateMeta> Committed() const;

 private:
  leveldb::DB* db_;
};

}  // namespace imledger::contracts

// The uncommitted state of one block: the committed LevelDB state plus this block's writes.
//
// Reads see the block's own earlier writes first, then the database, so later transactions in a
// block see the effects of earlier ones. Writes stay in memory in a std::map ordered bytewise,
// as LevelDB orders keys. Nothing reaches the database until the caller writes the batch that
// Flush fills. A database read error is sticky: the read returns "absent", and status() keeps
// the first error so the engine fails the whole block instead of committing a result computed
// from a missing record. Not thread-safe: one overlay serves one block.

#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <leveldb/db.h>
#include <leveldb/write_batch.h>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/sha256.h"

namespace imledger::contracts {

// Keys to values, ordered bytewise; an absent value is a deletion.
using WriteSet = std::map<std::string, std::optional<std::string>, std::less<>>;

class StateOverlay {
 public:
  // `db` must outlive the overlay. A null `db` gives an overlay over an empty state. With a
  // `snapshot`, which must stay valid while the overlay is used, reads see that snapshot.
  explicit StateOverlay(leveldb::DB* db, const leveldb::Snapshot* snapshot = nullptr)
      : db_(db), snapshot_(snapshot) {}

  StateOverlay(const StateOverlay&) = delete;
  StateOverlay& operator=(const StateOverlay&) = delete;

  std::optional<std::string> Get(std::string_view key);

  void Put(std::string key, std::string value);

  void Delete(std::string key);

  // The block's writes, sorted by key; an absent value is a deletion.
  const WriteSet& writes() const { return writes_; }

  // Appends every write to `batch`, in key order.
  void Flush(leveldb::WriteBatch& batch) const;

  // SHA-256 of the canonical encoding of the writes: a count, then per write the key (byte
  // string) and the value (optional byte string, absent for a deletion).
  crypto::Digest WritesDigest() const;

  const Status& status() const { return status_; }

  // Records a failure found by a caller (a stored record that does not decode) unless one is
  // already recorded.
  void RecordFailure(Status status);

 private:
  leveldb::DB* db_;
  const leveldb::Snapshot* snapshot_;
  WriteSet writes_;
  Status status_;
};

// d_h = SHA-256(d_{h-1} || writes_digest_h); d_{-1}, before genesis, is 32 zero bytes.
crypto::Digest ChainStateDigest(const crypto::Digest& previous,
                                const crypto::Digest& writes_digest);

}  // namespace imledger::contracts

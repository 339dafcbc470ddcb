// The consensus ReplicaStore kept in the node's LevelDB, under the keys that start with 'p'.
//
// The replica's protocol records share one database with the block store ('C', 'M', ... keys)
// and the contracts state ('s' keys). Write rejects any key outside the 'p' prefix, so a
// replica record can never overwrite a block or the state. AddToBatch lets the host put the
// records that accompany a committed block into the block's own synced write batch. The store
// does not own the database. Not thread-safe: the node's replica thread is its only user.

#pragma once

#include <vector>

#include <leveldb/db.h>
#include <leveldb/write_batch.h>

#include "base/status.h"
#include "consensus/store.h"
#include "consensus/types.h"

namespace imledger::node {

class LevelDbReplicaStore final : public consensus::ReplicaStore {
 public:
  // `db` must outlive the store.
  explicit LevelDbReplicaStore(leveldb::DB* db) : db_(db) {}

  Status Write(const std::vector<consensus::StoreWrite>& writes, bool sync) override;

  Result<std::vector<consensus::StoreEntry>> LoadAll() const override;

  // Adds `writes` to `batch` in order. Fails, leaving `batch` unchanged, when a key does not
  // start with 'p'.
  static Status AddToBatch(const std::vector<consensus::StoreWrite>& writes,
                           leveldb::WriteBatch& batch);

 private:
  leveldb::DB* db_;
};

}  // namespace imledger::node

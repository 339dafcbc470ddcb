// Durable storage of a replica's protocol state, behind an interface.
//
// The replica itself never calls the store: it returns PersistAction and CommitBlockAction
// writes, and its host applies them here before acting on anything that follows. On restart the
// host loads every entry and passes them to Replica::Open. All keys start with 'p', the prefix
// consensus owns in the node's LevelDB. MemoryReplicaStore is the simulator's store: it keeps
// synced writes across a simulated crash and loses the rest. Not thread-safe.

#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "consensus/types.h"

namespace imledger::consensus {

struct StoreEntry {
  std::string key;
  Bytes value;
};

class ReplicaStore {
 public:
  virtual ~ReplicaStore() = default;

  // Applies `writes` in order; when `sync` is set they are durable on return.
  virtual Status Write(const std::vector<StoreWrite>& writes, bool sync) = 0;

  // Every entry, in ascending key order.
  virtual Result<std::vector<StoreEntry>> LoadAll() const = 0;
};

class MemoryReplicaStore final : public ReplicaStore {
 public:
  Status Write(const std::vector<StoreWrite>& writes, bool sync) override;

  Result<std::vector<StoreEntry>> LoadAll() const override;

  // Drops every write since the last synced one, as a power loss would.
  void Crash();

  // Entries that survive a crash.
  size_t durable_size() const { return durable_.size(); }

 private:
  static void ApplyTo(std::map<std::string, Bytes>& entries, const StoreWrite& write);

  std::map<std::string, Bytes> durable_;
  std::vector<StoreWrite> unsynced_;  // Applied after durable_, in order; lost on Crash.
};

}  // namespace imledger::consensus

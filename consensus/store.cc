#include "consensus/store.h"

namespace imledger::consensus {

Status MemoryReplicaStore::Write(const std::vector<StoreWrite>& writes, bool sync) {
  for (const StoreWrite& write : writes) {
    if (write.key.empty() || write.key[0] != 'p') {
      return Status::InvalidArgument("replica store key \"" + write.key +
                                     "\" does not start with 'p', the consensus prefix");
    }
  }
  if (!sync) {
    unsynced_.insert(unsynced_.end(), writes.begin(), writes.end());
    return Status::Ok();
  }
  for (const StoreWrite& write : unsynced_) {
    ApplyTo(durable_, write);
  }
  unsynced_.clear();
  for (const StoreWrite& write : writes) {
    ApplyTo(durable_, write);
  }
  return Status::Ok();
}

void MemoryReplicaStore::ApplyTo(std::map<std::string, Bytes>& entries, const StoreWrite& write) {
  if (write.erase) {
    entries.erase(write.key);
  } else {
    entries[write.key] = write.value;
  }
}

Result<std::vector<StoreEntry>> MemoryReplicaStore::LoadAll() const {
  std::map<std::string, Bytes> current = durable_;
  for (const StoreWrite& write : unsynced_) {
    ApplyTo(current, write);
  }
  std::vector<StoreEntry> entries;
  entries.reserve(current.size());
  for (auto& [key, value] : current) {
    entries.push_back(StoreEntry{key, std::move(value)});
  }
  return entries;
}

void MemoryReplicaStore::Crash() {
  unsynced_.clear();
}

}  // namespace imledger::consensus

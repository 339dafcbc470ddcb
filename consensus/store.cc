#include "consensus/store.h"

namespace imledger::consensus {

Status MemoryReplicaStore::Write(const std::vector<StoreWrite>& writes, bool sync) {
  for (const StoreWrite& write : writes) {
    if (write.key.empty() || write.key[0] != 'p') {
      return Status::InvalidArgument("replica store key \"" + write.key +
                                     "\" does not start with 'p', the consensus prefix");
    }
  }
  for (const StoreWrite& write : writes) {
    if (write.erase) {
      current_.erase(write.key);
    } else {
      current_[write.key] = write.value;
    }
  }
  if (sync) {
    durable_ = current_;
  }
  return Status::Ok();
}

Result<std::vector<StoreEntry>> MemoryReplicaStore::LoadAll() const {
  std::vector<StoreEntry> entries;
  entries.reserve(current_.size());
  for (const auto& [key, value] : current_) {
    entries.push_back(StoreEntry{key, value});
  }
  return entries;
}

void MemoryReplicaStore::Crash() {
  current_ = durable_;
}

}  // namespace imledger::consensus

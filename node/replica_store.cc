#include "node/replica_store.h"

#include <memory>
#include <string>

#include <leveldb/iterator.h>
#include <leveldb/slice.h>

namespace imledger::node {
namespace {

constexpr char kConsensusPrefix = 'p';

leveldb::Slice ToSlice(const Bytes& bytes) {
  return leveldb::Slice(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

}  // namespace

Status LevelDbReplicaStore::AddToBatch(const std::vector<consensus::StoreWrite>& writes,
                                       leveldb::WriteBatch& batch) {
  for (const consensus::StoreWrite& write : writes) {
    if (write.key.empty() || write.key[0] != kConsensusPrefix) {
      return Status::InvalidArgument("replica store key \"" + write.key +
                                     "\" does not start with 'p', the consensus prefix");
    }
  }
  for (const consensus::StoreWrite& write : writes) {
    if (write.erase) {
      batch.Delete(write.key);
    } else {
      batch.Put(write.key, ToSlice(write.value));
    }
  }
  return Status::Ok();
}

Status LevelDbReplicaStore::Write(const std::vector<consensus::StoreWrite>& writes, bool sync) {
  leveldb::WriteBatch batch;
  if (Status status = AddToBatch(writes, batch); !status.ok()) {
    return status;
  }
  leveldb::WriteOptions options;
  options.sync = sync;
  leveldb::Status status = db_->Write(options, &batch);
  if (!status.ok()) {
    return Status::IoError("replica store write failed: " + status.ToString());
  }
  return Status::Ok();
}

Result<std::vector<consensus::StoreEntry>> LevelDbReplicaStore::LoadAll() const {
  std::vector<consensus::StoreEntry> entries;
  std::unique_ptr<leveldb::Iterator> iterator(db_->NewIterator(leveldb::ReadOptions()));
  for (iterator->Seek(std::string(1, kConsensusPrefix));
       iterator->Valid() && !iterator->key().empty() && iterator->key()[0] == kConsensusPrefix;
       iterator->Next()) {
    const leveldb::Slice value = iterator->value();
    const auto* begin = reinterpret_cast<const uint8_t*>(value.data());
    entries.push_back(
        consensus::StoreEntry{iterator->key().ToString(), Bytes(begin, begin + value.size())});
  }
  if (!iterator->status().ok()) {
    return Status::IoError("replica store read failed: " + iterator->status().ToString());
  }
  return entries;
}

}  // namespace imledger::node

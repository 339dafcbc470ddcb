#include "ledger/block_store.h"

#include <set>

#include <leveldb/cache.h>

#include "ledger/keys.h"

namespace imledger::ledger {

std::string CertificateKey(uint64_t height) {
  std::string key = "C";
  AppendBigEndian64(key, height);
  return key;
}

std::string TransactionIndexKey(const crypto::Digest& transaction_id) {
  std::string key = "T";
  key.append(reinterpret_cast<const char*>(transaction_id.bytes.data()),
             transaction_id.bytes.size());
  return key;
}

BlockStore::BlockStore(std::unique_ptr<leveldb::DB> db, std::unique_ptr<leveldb::Cache> cache,
                       MerkleLog log, bool sync)
    : cache_(std::move(cache)), db_(std::move(db)), log_(std::move(log)), sync_(sync) {}

BlockStore::~BlockStore() {
  db_.reset();  // Close the database before the cache it reads through.
}

Result<std::unique_ptr<BlockStore>> BlockStore::Open(const std::string& path,
                                                     const BlockStoreOptions& options) {
  auto cache = std::unique_ptr<leveldb::Cache>(leveldb::NewLRUCache(options.block_cache_bytes));
  leveldb::Options db_options;
  db_options.create_if_missing = options.create_if_missing;
  db_options.block_cache = cache.get();
  leveldb::DB* raw = nullptr;
  leveldb::Status opened = leveldb::DB::Open(db_options, path, &raw);
  if (!opened.ok()) {
    return Status::IoError("cannot open the block store at " + path + ": " + opened.ToString() +
                           "; check the data directory and that no other imledgerd uses it");
  }
  auto db = std::unique_ptr<leveldb::DB>(raw);

  Result<MerkleLog> log = MerkleLog::Open(db.get());
  if (!log.ok()) {
    return Status::Corruption("the Merkle log in " + path +
                              " is damaged: " + log.status().message());
  }
  auto store = std::unique_ptr<BlockStore>(
      new BlockStore(std::move(db), std::move(cache), std::move(log).value(), options.sync));

  Result<uint64_t> height = ReadVarintRecord(store->db(), kHeightKey);
  if (!height.ok() && height.status().code() != StatusCode::kNotFound) {
    return height.status();
  }
  store->height_ = height.ok() ? *height : 0;
  uint64_t expected_log_size = 0;
  if (store->height_ > 0) {
    Result<BlockHeader> last = store->ReadHeader(store->height_);
    if (!last.ok()) {
      return last.status();
    }
    store->last_header_ = *last;
    expected_log_size = last->tree_size;
  }
  if (store->log_.size() != expected_log_size) {
    return Status::Corruption("the block store at " + path + " has " +
                              std::to_string(store->log_.size()) + " log leaves but block " +
                              std::to_string(store->height_) + " ends at " +
                              std::to_string(expected_log_size));
  }
  return store;
}

Status BlockStore::CheckExtends(const BlockHeader& header, uint64_t entry_count) const {
  auto reject = [&](const std::string& reason) {
    return Status::FailedPrecondition("block " + std::to_string(header.height) +
                                      " does not extend the store at height " +
                                      std::to_string(height_) + ": " + reason);
  };
  if (header.height != height_ + 1) {
    return reject("its height should be " + std::to_string(height_ + 1));
  }
  crypto::Digest previous = last_header_ ? BlockHash(*last_header_) : crypto::Digest{};
  if (header.previous_hash != previous) {
    return reject("previous hash " + header.previous_hash.ToHex() + " should be " +
                  previous.ToHex());
  }
  if (last_header_ && header.time_ms < last_header_->time_ms) {
    return reject("time " + std::to_string(header.time_ms) + " is before the last block's " +
                  std::to_string(last_header_->time_ms));
  }
  if (header.tree_size != log_.size() + entry_count) {
    return reject("tree size " + std::to_string(header.tree_size) + " should be " +
                  std::to_string(log_.size() + entry_count));
  }
  return Status::Ok();
}

Status BlockStore::Append(const CommitCertificate& certificate, std::span<const LogLeaf> entries,
                          leveldb::WriteBatch* extra) {
  const BlockHeader& header = certificate.header;
  if (Status status = CheckExtends(header, entries.size()); !status.ok()) {
    return status;
  }

  leveldb::WriteBatch batch;
  MerkleLog preview = PreviewAppend(entries, batch);
  if (preview.Root() != header.tree_root) {
    return Status::FailedPrecondition("block " + std::to_string(header.height) +
                                      " claims tree root " + header.tree_root.ToHex() +
                                      " but its entries give " + preview.Root().ToHex());
  }

  if (Status status = IndexTransactions(header, entries, batch); !status.ok()) {
    return status;
  }
  batch.Put(CertificateKey(header.height), BytesSlice(EncodeCommitCertificate(certificate)));
  PutVarintRecord(batch, kHeightKey, header.height);
  if (extra != nullptr) {
    batch.Append(*extra);
  }
  leveldb::WriteOptions options;
  options.sync = sync_;
  leveldb::Status written = db_->Write(options, &batch);
  if (!written.ok()) {
    return Status::IoError("cannot write block " + std::to_string(header.height) + ": " +
                           written.ToString());
  }
  log_ = std::move(preview);
  height_ = header.height;
  last_header_ = header;
  return Status::Ok();
}

Status BlockStore::IndexTransactions(const BlockHeader& header, std::span<const LogLeaf> entries,
                                     leveldb::WriteBatch& batch) const {
  uint64_t first_log_index = header.tree_size - entries.size();
  std::set<crypto::Digest> indexed;
  for (size_t i = 0; i < entries.size(); ++i) {
    crypto::Digest id = crypto::Sha256Of(entries[i].transaction);
    if (!indexed.insert(id).second) {
      continue;
    }
    std::string key = TransactionIndexKey(id);
    std::string existing;
    leveldb::Status found = db_->Get(leveldb::ReadOptions(), key, &existing);
    if (found.ok()) {
      continue;
    }
    if (!found.IsNotFound()) {
      return Status::IoError("cannot read the index of transaction " + id.ToHex() + ": " +
                             found.ToString());
    }
    Encoder encoder;
    encoder.PutVarint(header.height);
    encoder.PutVarint(i);
    encoder.PutVarint(first_log_index + i);
    batch.Put(key, BytesSlice(encoder.bytes()));
  }
  return Status::Ok();
}

MerkleLog BlockStore::PreviewAppend(std::span<const LogLeaf> entries,
                                    leveldb::WriteBatch& batch) const {
  std::vector<Bytes> leaves;
  leaves.reserve(entries.size());
  for (const LogLeaf& entry : entries) {
    leaves.push_back(EncodeLogLeaf(entry));
  }
  MerkleLog preview = log_;
  preview.Commit(log_.StageAppend(leaves, batch));
  return preview;
}

BlockHeader BlockStore::NextHeader(std::span<const LogLeaf> entries, uint64_t view,
                                   uint64_t time_ms, const crypto::Digest& state_digest) const {
  leveldb::WriteBatch discarded;
  MerkleLog preview = PreviewAppend(entries, discarded);
  BlockHeader header;
  header.height = height_ + 1;
  header.view = view;
  header.previous_hash = last_header_ ? BlockHash(*last_header_) : crypto::Digest{};
  header.time_ms = time_ms;
  header.tree_size = preview.size();
  header.tree_root = preview.Root();
  header.state_digest = state_digest;
  return header;
}

Result<CommitCertificate> BlockStore::ReadCertificate(uint64_t height) const {
  if (height == 0 || height > height_) {
    return Status::NotFound("block " + std::to_string(height) + " is not in the store (height " +
                            std::to_string(height_) + ")");
  }
  std::string what = "commit certificate of block " + std::to_string(height);
  Result<Bytes> bytes = ReadRecord(db_.get(), CertificateKey(height), what);
  if (!bytes.ok()) {
    return bytes.status();
  }
  Result<CommitCertificate> certificate = DecodeCommitCertificate(*bytes);
  if (!certificate.ok()) {
    return Status::Corruption(what + " is damaged: " + certificate.status().message());
  }
  return certificate;
}

Result<BlockHeader> BlockStore::ReadHeader(uint64_t height) const {
  Result<CommitCertificate> certificate = ReadCertificate(height);
  if (!certificate.ok()) {
    return certificate.status();
  }
  return certificate->header;
}

Result<std::vector<LogLeaf>> BlockStore::ReadEntries(uint64_t height) const {
  Result<BlockHeader> header = ReadHeader(height);
  if (!header.ok()) {
    return header.status();
  }
  uint64_t begin = 0;
  if (height > 1) {
    Result<BlockHeader> previous = ReadHeader(height - 1);
    if (!previous.ok()) {
      return previous.status();
    }
    begin = previous->tree_size;
  }
  std::vector<LogLeaf> entries;
  for (uint64_t index = begin; index < header->tree_size; ++index) {
    Result<Bytes> bytes = log_.ReadLeaf(index);
    if (!bytes.ok()) {
      return bytes.status();
    }
    Result<LogLeaf> leaf = DecodeLogLeaf(*bytes);
    if (!leaf.ok()) {
      return Status::Corruption("log leaf " + std::to_string(index) +
                                " is damaged: " + leaf.status().message());
    }
    entries.push_back(std::move(leaf).value());
  }
  return entries;
}

}  // namespace imledger::ledger

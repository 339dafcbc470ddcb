// Snapshot reads of the block store's records; see ledger_reader.h.

#include "ledger/ledger_reader.h"

#include <cstring>

#include "ledger/block_store.h"
#include "ledger/codec.h"
#include "ledger/keys.h"
#include "ledger/merkle_log.h"

namespace imledger::ledger {

Result<LedgerReader> LedgerReader::Open(leveldb::DB* db) {
  LedgerReader reader(db, db->GetSnapshot());
  Result<uint64_t> height = reader.GetVarint(kHeightKey);
  if (!height.ok() && height.status().code() != StatusCode::kNotFound) {
    return height.status();
  }
  reader.height_ = height.ok() ? *height : 0;
  Result<uint64_t> size = reader.GetVarint(kLogSizeKey);
  if (!size.ok() && size.status().code() != StatusCode::kNotFound) {
    return size.status();
  }
  reader.tree_size_ = size.ok() ? *size : 0;
  return reader;
}

LedgerReader::~LedgerReader() {
  if (snapshot_ != nullptr) {
    db_->ReleaseSnapshot(snapshot_);
  }
}

LedgerReader::LedgerReader(LedgerReader&& other) noexcept
    : db_(other.db_),
      snapshot_(other.snapshot_),
      height_(other.height_),
      tree_size_(other.tree_size_) {
  other.snapshot_ = nullptr;
}

Result<std::string> LedgerReader::Get(const std::string& key, const std::string& what) const {
  leveldb::ReadOptions options;
  options.snapshot = snapshot_;
  std::string value;
  leveldb::Status status = db_->Get(options, key, &value);
  if (status.IsNotFound()) {
    return Status::NotFound(what + " is not in the store");
  }
  if (!status.ok()) {
    return Status::IoError("cannot read " + what + ": " + status.ToString());
  }
  return value;
}

Result<uint64_t> LedgerReader::GetVarint(std::string_view key) const {
  std::string what = "record \"" + std::string(key) + "\"";
  Result<std::string> value = Get(std::string(key), what);
  if (!value.ok()) {
    return value.status();
  }
  Decoder decoder(AsBytes(*value));
  uint64_t number = decoder.ReadVarint(key);
  if (Status status = decoder.Finish(); !status.ok()) {
    return Status::Corruption(what + " is damaged: " + status.message());
  }
  return number;
}

Result<std::optional<TransactionLocation>> LedgerReader::FindTransaction(
    const crypto::Digest& id) const {
  std::string what = "the index of transaction " + id.ToHex();
  Result<std::string> value = Get(TransactionIndexKey(id), what);
  if (!value.ok() && value.status().code() == StatusCode::kNotFound) {
    return std::optional<TransactionLocation>();
  }
  if (!value.ok()) {
    return value.status();
  }
  Decoder decoder(AsBytes(*value));
  TransactionLocation location;
  location.height = decoder.ReadVarint("height");
  location.index = decoder.ReadVarint("index");
  location.log_index = decoder.ReadVarint("log_index");
  if (Status status = decoder.Finish(); !status.ok()) {
    return Status::Corruption(what + " is damaged: " + status.message());
  }
  // A location beyond the snapshot cannot occur, because the index and the height are written
  // in one batch; it would mean a damaged store.
  if (location.height > height_ || location.log_index >= tree_size_) {
    return Status::Corruption(what + " points past the committed height " +
                              std::to_string(height_));
  }
  return std::optional<TransactionLocation>(location);
}

Result<CommitCertificate> LedgerReader::ReadCertificate(uint64_t height) const {
  if (height == 0 || height > height_) {
    return Status::NotFound("block " + std::to_string(height) + " is not in the store (height " +
                            std::to_string(height_) + ")");
  }
  std::string what = "commit certificate of block " + std::to_string(height);
  Result<std::string> bytes = Get(CertificateKey(height), what);
  if (!bytes.ok()) {
    return bytes.status();
  }
  Result<CommitCertificate> certificate = DecodeCommitCertificate(AsBytes(*bytes));
  if (!certificate.ok()) {
    return Status::Corruption(what + " is damaged: " + certificate.status().message());
  }
  return certificate;
}

Result<LogLeaf> LedgerReader::ReadLeaf(uint64_t index) const {
  if (index >= tree_size_) {
    return Status::OutOfRange("leaf index " + std::to_string(index) + " is beyond the log size " +
                              std::to_string(tree_size_));
  }
  std::string what = "log leaf " + std::to_string(index);
  Result<std::string> bytes = Get(MerkleLeafKey(index), what);
  if (!bytes.ok()) {
    return bytes.status();
  }
  Result<LogLeaf> leaf = DecodeLogLeaf(AsBytes(*bytes));
  if (!leaf.ok()) {
    return Status::Corruption(what + " is damaged: " + leaf.status().message());
  }
  return leaf;
}

Status LedgerReader::CheckSize(uint64_t size) const {
  if (size > tree_size_) {
    return Status::OutOfRange("tree size " + std::to_string(size) + " is beyond the log size " +
                              std::to_string(tree_size_));
  }
  return Status::Ok();
}

Result<crypto::Digest> LedgerReader::RootAt(uint64_t size) const {
  if (Status status = CheckSize(size); !status.ok()) {
    return status;
  }
  return crypto::MerkleRoot(*this, size);
}

Result<std::vector<crypto::Digest>> LedgerReader::InclusionProof(uint64_t index,
                                                                 uint64_t size) const {
  if (Status status = CheckSize(size); !status.ok()) {
    return status;
  }
  return crypto::MerkleInclusionProof(*this, index, size);
}

Result<std::vector<crypto::Digest>> LedgerReader::ConsistencyProof(uint64_t size1,
                                                                   uint64_t size2) const {
  if (Status status = CheckSize(size2); !status.ok()) {
    return status;
  }
  return crypto::MerkleConsistencyProof(*this, size1, size2);
}

Result<crypto::Digest> LedgerReader::ReadPerfectSubtree(uint32_t level, uint64_t index) const {
  std::string what = "log node " + std::to_string(level) + "/" + std::to_string(index);
  Result<std::string> value = Get(MerkleNodeKey(level, index), what);
  if (!value.ok()) {
    return value.status();
  }
  if (value->size() != crypto::Digest::kSize) {
    return Status::Corruption(what + " has " + std::to_string(value->size()) + " bytes, not 32");
  }
  crypto::Digest digest;
  std::memcpy(digest.bytes.data(), value->data(), crypto::Digest::kSize);
  return digest;
}

}  // namespace imledger::ledger

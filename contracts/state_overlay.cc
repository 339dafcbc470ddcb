#include "contracts/state_overlay.h"

#include "ledger/codec.h"

namespace imledger::contracts {

std::optional<std::string> StateOverlay::Get(std::string_view key) {
  auto it = writes_.find(key);
  if (it != writes_.end()) {
    return it->second;
  }
  if (db_ == nullptr || !status_.ok()) {
    return std::nullopt;
  }
  leveldb::ReadOptions options;
  options.snapshot = snapshot_;
  std::string value;
  leveldb::Status status = db_->Get(options, leveldb::Slice(key.data(), key.size()), &value);
  if (status.IsNotFound()) {
    return std::nullopt;
  }
  if (!status.ok()) {
    status_ = Status::IoError("reading state key " + crypto::Sha256Of(AsBytes(key)).ToHex() +
                              " failed: " + status.ToString());
    return std::nullopt;
  }
  return value;
}

void StateOverlay::RecordFailure(Status status) {
  if (status_.ok()) {
    status_ = std::move(status);
  }
}

void StateOverlay::Put(std::string key, std::string value) {
  writes_.insert_or_assign(std::move(key), std::move(value));
}

void StateOverlay::Delete(std::string key) {
  writes_.insert_or_assign(std::move(key), std::nullopt);
}

void StateOverlay::Flush(leveldb::WriteBatch& batch) const {
  for (const auto& [key, value] : writes_) {
    if (value) {
      batch.Put(key, *value);
    } else {
      batch.Delete(key);
    }
  }
}

crypto::Digest StateOverlay::WritesDigest() const {
  ledger::Encoder encoder;
  encoder.PutVarint(writes_.size());
  for (const auto& [key, value] : writes_) {
    encoder.PutString(key);
    encoder.PutBool(value.has_value());
    if (value) {
      encoder.PutString(*value);
    }
  }
  return crypto::Sha256Of(encoder.bytes());
}

crypto::Digest ChainStateDigest(const crypto::Digest& previous,
                                const crypto::Digest& writes_digest) {
  crypto::Sha256 hasher;
  hasher.Update(previous.view());
  hasher.Update(writes_digest.view());
  return hasher.Finish();
}

}  // namespace imledger::contracts

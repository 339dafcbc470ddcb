#include "ledger/keys.h"

#include "ledger/codec.h"

namespace imledger::ledger {

void AppendBigEndian64(std::string& key, uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    key.push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

Result<Bytes> ReadRecord(leveldb::DB* db, std::string_view key, const std::string& what) {
  std::string value;
  leveldb::Status status =
      db->Get(leveldb::ReadOptions(), leveldb::Slice(key.data(), key.size()), &value);
  if (status.IsNotFound()) {
    return Status::NotFound(what + " is missing from the store");
  }
  if (!status.ok()) {
    return Status::IoError("cannot read " + what + ": " + status.ToString());
  }
  return ToBytes(value);
}

Result<uint64_t> ReadVarintRecord(leveldb::DB* db, std::string_view key) {
  Result<Bytes> bytes = ReadRecord(db, key, "record \"" + std::string(key) + "\"");
  if (!bytes.ok()) {
    return bytes.status();
  }
  Decoder decoder(*bytes);
  uint64_t value = decoder.ReadVarint(key);
  if (Status status = decoder.Finish(); !status.ok()) {
    return status;
  }
  return value;
}

void PutVarintRecord(leveldb::WriteBatch& batch, std::string_view key, uint64_t value) {
  Encoder encoder;
  encoder.PutVarint(value);
  batch.Put(leveldb::Slice(key.data(), key.size()), BytesSlice(encoder.bytes()));
}

}  // namespace imledger::ledger

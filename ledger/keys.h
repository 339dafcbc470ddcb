// Helpers for LevelDB keys and small records owned by ledger/.
//
// ledger/ owns every key that starts with an uppercase ASCII letter: 'L' log leaves, 'N' log
// nodes, 'H' block headers, 'C' commit certificates, 'M' metadata. Integers in keys are
// big-endian so LevelDB's byte order is numeric order.

#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <leveldb/db.h>
#include <leveldb/write_batch.h>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/sha256.h"

namespace imledger::ledger {

void AppendBigEndian64(std::string& key, uint64_t value);

inline leveldb::Slice DigestSlice(const crypto::Digest& digest) {
  return {reinterpret_cast<const char*>(digest.bytes.data()), digest.bytes.size()};
}

inline leveldb::Slice BytesSlice(ByteView bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// Reads `key`; NotFound and I/O errors name `what`.
Result<Bytes> ReadRecord(leveldb::DB* db, std::string_view key, const std::string& what);

Result<uint64_t> ReadVarintRecord(leveldb::DB* db, std::string_view key);

void PutVarintRecord(leveldb::WriteBatch& batch, std::string_view key, uint64_t value);

}  // namespace imledger::ledger

#include "crypto/signature_cache.h"

#include <cstring>

namespace imledger::crypto {
namespace {

Digest EntryKey(const PublicKey& key, ByteView message, const Signature& signature) {
  Sha256 hash;
  hash.Update(key.view());
  hash.Update(signature.view());
  hash.Update(message);
  return hash.Finish();
}

size_t SlotOf(const Digest& entry) {
  uint64_t index = 0;
  std::memcpy(&index, entry.bytes.data(), sizeof(index));
  return index % SignatureCache::kSlots;
}

}  // namespace

SignatureCache::SignatureCache() : slots_(kSlots) {}

SignatureCache& SignatureCache::Global() {
  static SignatureCache* cache = new SignatureCache();
  return *cache;
}

bool SignatureCache::Verify(const PublicKey& key, ByteView message, const Signature& signature) {
  const Digest entry = EntryKey(key, message, signature);
  const size_t slot = SlotOf(entry);
  {
    std::lock_guard lock(mutex_);
    if (slots_[slot] == entry) {
      ++hits_;
      return true;
    }
  }
  if (!crypto::Verify(key, message, signature)) {
    return false;
  }
  std::lock_guard lock(mutex_);
  slots_[slot] = entry;
  return true;
}

size_t SignatureCache::hits() const {
  std::lock_guard lock(mutex_);
  return hits_;
}

bool VerifyCached(const PublicKey& key, ByteView message, const Signature& signature) {
  return SignatureCache::Global().Verify(key, message, signature);
}

}  // namespace imledger::crypto

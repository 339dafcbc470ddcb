// AccessCache: the gateway's cache of verified tokens, member records and access decisions,
// built so that it never returns a result that the committed ledger would no longer give.
//
// Member records and decisions belong to one committed height. The cache holds entries of a
// single height, and the first lookup or store that brings a higher height empties both maps,
// because any block may enroll or revoke a member, anchor a study, or grant or revoke consent.
// A result computed at an older height is dropped. A decision is also bound in time: it is
// returned only for times from when it was computed up to its valid_until_ms, the earliest
// time at which the same state could decide otherwise (a grant's start, end or revocation
// time). Verified token claims depend on no ledger state: they are returned from the time
// of verification until the token's expiry. A clock that steps back before the time an entry
// was made turns that entry into a miss. Each map contains at most `capacity` entries and evicts
// the least recently used one; capacity 0 disables the cache. Thread-safe: one mutex guards
// the maps and the height; the hit and miss counters are atomic.

#pragma once

#include <atomic>
#include <cstdint>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <string_view>
#include <utility>
#include <variant>

#include <leveldb/db.h>

#include "contracts/payload.h"
#include "contracts/records.h"
#include "crypto/ed25519.h"
#include "crypto/sha256.h"
#include "gateway/access_control.h"
#include "gateway/token.h"

namespace imledger::gateway {

// A map of at most `capacity` entries that evicts the least recently used one. Not
// thread-safe.
template <typename Key, typename Value>
class LruMap {
 public:
  explicit LruMap(size_t capacity) : capacity_(capacity) {}

  // Returns the value under `key` and marks it as the most recently used, or null when absent.
  // The pointer stays valid until the next Insert, Erase or Clear.
  Value* Find(const Key& key) {
    auto found = index_.find(key);
    if (found == index_.end()) {
      return nullptr;
    }
    entries_.splice(entries_.begin(), entries_, found->second);
    return &found->second->second;
  }

  // Inserts or replaces the value under `key`. Does nothing when the capacity is 0.
  void Insert(const Key& key, Value value) {
    if (capacity_ == 0) {
      return;
    }
    if (Value* existing = Find(key)) {
      *existing = std::move(value);
      return;
    }
    if (entries_.size() == capacity_) {
      index_.erase(entries_.back().first);
      entries_.pop_back();
    }
    entries_.emplace_front(key, std::move(value));
    index_.emplace(key, entries_.begin());
  }

  void Erase(const Key& key) {
    auto found = index_.find(key);
    if (found != index_.end()) {
      entries_.erase(found->second);
      index_.erase(found);
    }
  }

  void Clear() {
    index_.clear();
    entries_.clear();
  }

  size_t size() const { return entries_.size(); }

 private:
  using Entry = std::pair<Key, Value>;

  size_t capacity_;
  std::list<Entry> entries_;  // The most recently used first.
  // An ordered map, so that keys chosen by clients (study keys are hashes of UIDs in the
  // request path) cannot pile up in one hash bucket.
  std::map<Key, typename std::list<Entry>::iterator> index_;
};

// The requester, study and purpose of a decision: what it depends on besides state and time.
struct DecisionKey {
  crypto::PublicKey requester;
  crypto::Digest study_key;
  contracts::Purpose purpose = contracts::Purpose::kTreatment;

  auto operator<=>(const DecisionKey&) const = default;
};

// A decision and the span of time in which the state it was computed from decides the same.
struct BoundedDecision {
  StudyDecision decision;
  uint64_t computed_ms = 0;     // The time it was computed for.
  uint64_t valid_until_ms = 0;  // Exclusive.
};

// Lookup counts since the cache was made: a hit is a lookup that returned a cached value.
struct AccessCacheStats {
  uint64_t token_hits = 0;
  uint64_t token_misses = 0;
  uint64_t decision_hits = 0;
  uint64_t decision_misses = 0;
};

class AccessCache {
 public:
  // `capacity` bounds each of the three maps (tokens, members, decisions), and 0 disables
  // caching.
  explicit AccessCache(size_t capacity);

  AccessCache(const AccessCache&) = delete;
  AccessCache& operator=(const AccessCache&) = delete;

  bool enabled() const { return capacity_ > 0; }

  // The claims of the token whose SHA-256 is `token_digest`, if it was verified at or before
  // `now_ms` and has not expired at `now_ms`.
  std::optional<AccessClaims> FindClaims(const crypto::Digest& token_digest, uint64_t now_ms);

  void StoreClaims(const crypto::Digest& token_digest, const AccessClaims& claims,
                   uint64_t verified_ms);

  // The member record of `key` (or its absence) at committed height `height`, or std::nullopt
  // when none is cached for that height.
  std::optional<std::optional<contracts::MemberRecord>> FindMember(const crypto::PublicKey& key,
                                                                   uint64_t height);

  void StoreMember(const crypto::PublicKey& key, std::optional<contracts::MemberRecord> member,
                   uint64_t height);

  // The decision for `key` at committed height `height` and time `now_ms`, if one is cached
  // for that height and computed_ms <= now_ms < valid_until_ms.
  std::optional<StudyDecision> FindDecision(const DecisionKey& key, uint64_t height,
                                            uint64_t now_ms);

  // Stores `decision`, computed from the state at `height`. An empty time span stores nothing.
  void StoreDecision(const DecisionKey& key, BoundedDecision decision, uint64_t height);

  AccessCacheStats stats() const;

 private:
  // Moves the cache to `height` when it is newer, emptying the height-bound maps. Returns
  // whether entries of `height` may be read or stored. Requires mutex_.
  bool AdvanceTo(uint64_t height);

  struct VerifiedClaims {
    AccessClaims claims;
    uint64_t verified_ms = 0;
  };

  const size_t capacity_;

  std::mutex mutex_;
  // Guarded by mutex_.
  uint64_t height_ = 0;
  LruMap<crypto::Digest, VerifiedClaims> tokens_;
  LruMap<crypto::PublicKey, std::optional<contracts::MemberRecord>> members_;
  LruMap<DecisionKey, BoundedDecision> decisions_;

  std::atomic<uint64_t> token_hits_{0};
  std::atomic<uint64_t> token_misses_{0};
  std::atomic<uint64_t> decision_hits_{0};
  std::atomic<uint64_t> decision_misses_{0};
};

// Authenticate (access_control.h) through `cache`: the token's claims come from the cache until
// the token expires, and the member record is read again after every commit.
std::variant<Requester, Refusal> AuthenticateCached(AccessCache& cache, leveldb::DB* db,
                                                    std::optional<std::string_view> authorization,
                                                    std::string_view audience, uint64_t now_ms,
                                                    uint64_t max_token_lifetime_ms);

// DecideStudyAccess (access_control.h) through `cache`. Emergency requests bypass the cache:
// their decision also depends on the time of the requester's access.emergency declaration,
// which the time bound of a decision does not cover.
Result<StudyDecision> DecideStudyAccessCached(AccessCache& cache, leveldb::DB* db,
                                              const Requester& requester,
                                              const crypto::Digest& study_key, uint64_t now_ms);

}  // namespace imledger::gateway

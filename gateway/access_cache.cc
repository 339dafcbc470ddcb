#include "gateway/access_cache.h"

#include "contracts/queries.h"

namespace imledger::gateway {

AccessCache::AccessCache(size_t capacity)
    : capacity_(capacity), tokens_(capacity), members_(capacity), decisions_(capacity) {}

bool AccessCache::AdvanceTo(uint64_t height) {
  if (height < height_) {
    return false;
  }
  if (height > height_) {
    members_.Clear();
    decisions_.Clear();
    height_ = height;
  }
  return true;
}

std::optional<AccessClaims> AccessCache::FindClaims(const crypto::Digest& token_digest,
                                                    uint64_t now_ms) {
  std::optional<AccessClaims> claims;
  {
    std::lock_guard lock(mutex_);
    VerifiedClaims* found = tokens_.Find(token_digest);
    if (found != nullptr && found->verified_ms <= now_ms && now_ms < found->claims.expires_at_ms) {
      claims = found->claims;
    } else if (found != nullptr && now_ms >= found->claims.expires_at_ms) {
      tokens_.Erase(token_digest);
    }
  }
  (claims ? token_hits_ : token_misses_) += 1;
  return claims;
}

void AccessCache::StoreClaims(const crypto::Digest& token_digest, const AccessClaims& claims,
                              uint64_t verified_ms) {
  std::lock_guard lock(mutex_);
  tokens_.Insert(token_digest, VerifiedClaims{claims, verified_ms});
}

std::optional<std::optional<contracts::MemberRecord>> AccessCache::FindMember(
    const crypto::PublicKey& key, uint64_t height) {
  std::lock_guard lock(mutex_);
  if (!AdvanceTo(height)) {
    return std::nullopt;
  }
  std::optional<contracts::MemberRecord>* found = members_.Find(key);
  if (found == nullptr) {
    return std::nullopt;
  }
  return *found;
}

void AccessCache::StoreMember(const crypto::PublicKey& key,
                              std::optional<contracts::MemberRecord> member, uint64_t height) {
  std::lock_guard lock(mutex_);
  if (AdvanceTo(height)) {
    members_.Insert(key, std::move(member));
  }
}

std::optional<StudyDecision> AccessCache::FindDecision(const DecisionKey& key, uint64_t height,
                                                       uint64_t now_ms) {
  std::optional<StudyDecision> decision;
  {
    std::lock_guard lock(mutex_);
    BoundedDecision* found = AdvanceTo(height) ? decisions_.Find(key) : nullptr;
    if (found != nullptr && found->computed_ms <= now_ms && now_ms < found->valid_until_ms) {
      decision = found->decision;
    } else if (found != nullptr && now_ms >= found->valid_until_ms) {
      decisions_.Erase(key);
    }
  }
  (decision ? decision_hits_ : decision_misses_) += 1;
  return decision;
}

void AccessCache::StoreDecision(const DecisionKey& key, BoundedDecision decision, uint64_t height) {
  if (decision.computed_ms >= decision.valid_until_ms) {
    return;
  }
  std::lock_guard lock(mutex_);
  if (AdvanceTo(height)) {
    decisions_.Insert(key, std::move(decision));
  }
}

AccessCacheStats AccessCache::stats() const {
  AccessCacheStats stats;
  stats.token_hits = token_hits_;
  stats.token_misses = token_misses_;
  stats.decision_hits = decision_hits_;
  stats.decision_misses = decision_misses_;
  return stats;
}

std::variant<Requester, Refusal> AuthenticateCached(AccessCache& cache, leveldb::DB* db,
                                                    std::optional<std::string_view> authorization,
                                                    std::string_view audience, uint64_t now_ms,
                                                    uint64_t max_token_lifetime_ms) {
  if (!cache.enabled()) {
    return Authenticate(db, authorization, audience, now_ms, max_token_lifetime_ms);
  }
  std::variant<std::string_view, Refusal> token = BearerToken(authorization);
  if (auto* refusal = std::get_if<Refusal>(&token)) {
    return *refusal;
  }

  // The claims: verified once, then served until the token expires. Failures are not cached.
  crypto::Digest token_digest = crypto::Sha256Of(std::get<std::string_view>(token));
  std::optional<AccessClaims> claims = cache.FindClaims(token_digest, now_ms);
  if (!claims) {
    Result<AccessClaims> verified = VerifyAccessToken(std::get<std::string_view>(token), audience,
                                                      now_ms, max_token_lifetime_ms);
    if (!verified.ok()) {
      return TokenRefusal(verified.status());
    }
    cache.StoreClaims(token_digest, *verified, now_ms);
    claims = std::move(*verified);
  }

  // The member record: read again at every new committed height, so a revoked member is
  // refused from the first request after the revocation commits.
  Result<uint64_t> height = CommittedHeight(db);
  if (!height.ok()) {
    return RequesterOf(*claims, height.status());
  }
  if (std::optional<std::optional<contracts::MemberRecord>> member =
          cache.FindMember(claims->subject, *height)) {
    return RequesterOf(*claims, *member);
  }
  contracts::ScopedSnapshot snapshot(db);
  contracts::LedgerQueries queries(db, snapshot.get());
  Result<contracts::StateMeta> meta = queries.Meta();
  if (!meta.ok()) {
    return RequesterOf(*claims, meta.status());
  }
  Result<std::optional<contracts::MemberRecord>> member = queries.Member(claims->subject);
  if (member.ok()) {
    cache.StoreMember(claims->subject, *member, meta->height);
  }
  return RequesterOf(*claims, member);
}

Result<StudyDecision> DecideStudyAccessCached(AccessCache& cache, leveldb::DB* db,
                                              const Requester& requester,
                                              const crypto::Digest& study_key, uint64_t now_ms) {
  if (!cache.enabled() || requester.claims.purpose == contracts::Purpose::kEmergency) {
    return DecideStudyAccess(db, requester, study_key, now_ms);
  }
  Result<uint64_t> height = CommittedHeight(db);
  if (!height.ok()) {
    return height.status();
  }
  DecisionKey key{requester.claims.subject, study_key, requester.claims.purpose};
  if (std::optional<StudyDecision> cached = cache.FindDecision(key, *height, now_ms)) {
    return *cached;
  }
  Result<TimedDecision> timed = DecideStudyAccessTimed(db, requester, study_key, now_ms);
  if (!timed.ok()) {
    return timed.status();
  }
  cache.StoreDecision(key, BoundedDecision{timed->decision, now_ms, timed->valid_until_ms},
                      timed->height);
  return std::move(timed->decision);
}

}  // namespace imledger::gateway

// The gateway's access cache: the LRU map, the height and time rules of AccessCache, and the
// cached authentication and decision over a real contracts state (no Orthanc, no network).

#include "gateway/access_cache.h"

#include <gtest/gtest.h>

#include "tests/contracts/ledger_fixture.h"

namespace imledger::gateway {
namespace {

using contracts::Purpose;
using contracts::testing::DigestNamed;
using contracts::testing::KeyNamed;

TEST(LruMap, EvictsLeastRecentlyUsed) {
  LruMap<int, int> map(2);
  map.Insert(1, 10);
  map.Insert(2, 20);
  ASSERT_NE(map.Find(1), nullptr);  // 2 is now the least recently used.
  map.Insert(3, 30);
  EXPECT_EQ(map.size(), 2u);
  EXPECT_EQ(map.Find(2), nullptr);
  ASSERT_NE(map.Find(1), nullptr);
  EXPECT_EQ(*map.Find(1), 10);
  ASSERT_NE(map.Find(3), nullptr);
  EXPECT_EQ(*map.Find(3), 30);
}

TEST(LruMap, InsertReplacesValue) {
  LruMap<int, int> map(2);
  map.Insert(1, 10);
  map.Insert(1, 11);
  EXPECT_EQ(map.size(), 1u);
  ASSERT_NE(map.Find(1), nullptr);
  EXPECT_EQ(*map.Find(1), 11);
}

TEST(LruMap, CapacityZeroStoresNothing) {
  LruMap<int, int> map(0);
  map.Insert(1, 10);
  EXPECT_EQ(map.size(), 0u);
  EXPECT_EQ(map.Find(1), nullptr);
}

DecisionKey KeyOf(std::string_view requester, std::string_view study) {
  return DecisionKey{KeyNamed(requester).public_key(), DigestNamed(study), Purpose::kTreatment};
}

BoundedDecision Allowed(uint64_t computed_ms, uint64_t valid_until_ms) {
  StudyDecision decision;
  decision.allowed = true;
  decision.rule = "consent grant";
  return BoundedDecision{decision, computed_ms, valid_until_ms};
}

TEST(AccessCache, DecisionServedWithinItsTimeSpan) {
  AccessCache cache(16);
  cache.StoreDecision(KeyOf("doctor", "study"), Allowed(1000, 2000), 5);
  EXPECT_TRUE(cache.FindDecision(KeyOf("doctor", "study"), 5, 1000).has_value());
  EXPECT_TRUE(cache.FindDecision(KeyOf("doctor", "study"), 5, 1999).has_value());
  EXPECT_FALSE(cache.FindDecision(KeyOf("doctor", "study"), 5, 2000).has_value());
  EXPECT_FALSE(cache.FindDecision(KeyOf("other", "study"), 5, 1000).has_value());
  AccessCacheStats stats = cache.stats();
  EXPECT_EQ(stats.decision_hits, 2u);
  EXPECT_EQ(stats.decision_misses, 2u);
}

TEST(AccessCache, DecisionMissesOutsideItsSpan) {
  struct Case {
    const char* name;
    uint64_t computed_ms;
    uint64_t valid_until_ms;
    uint64_t now_ms;
  };

  const Case cases[] = {
      {"clock stepped back", 1000, 2000, 999},
      {"at the bound", 1000, 2000, 2000},
      {"empty span, not stored", 1000, 1000, 1000},
  };
  for (const Case& test : cases) {
    SCOPED_TRACE(test.name);
    AccessCache cache(16);
    cache.StoreDecision(KeyOf("doctor", "study"), Allowed(test.computed_ms, test.valid_until_ms),
                        5);
    EXPECT_FALSE(cache.FindDecision(KeyOf("doctor", "study"), 5, test.now_ms).has_value());
  }
}

TEST(AccessCache, NewHeightDropsDecisionsAndMembers) {
  AccessCache cache(16);
  crypto::PublicKey member = KeyNamed("doctor").public_key();
  cache.StoreDecision(KeyOf("doctor", "study"), Allowed(1000, 2000), 5);
  cache.StoreMember(member, contracts::MemberRecord{}, 5);
  ASSERT_TRUE(cache.FindMember(member, 5).has_value());

  EXPECT_FALSE(cache.FindDecision(KeyOf("doctor", "study"), 6, 1500).has_value());
  EXPECT_FALSE(cache.FindDecision(KeyOf("doctor", "study"), 5, 1500).has_value());
  EXPECT_FALSE(cache.FindMember(member, 6).has_value());
}

TEST(AccessCache, OlderHeightIsNeitherStoredNorServed) {
  AccessCache cache(16);
  cache.StoreDecision(KeyOf("doctor", "study"), Allowed(1000, 2000), 6);
  cache.StoreDecision(KeyOf("doctor", "old"), Allowed(1000, 2000), 5);
  EXPECT_FALSE(cache.FindDecision(KeyOf("doctor", "old"), 5, 1500).has_value());
  EXPECT_FALSE(cache.FindDecision(KeyOf("doctor", "old"), 6, 1500).has_value());
  EXPECT_FALSE(cache.FindDecision(KeyOf("doctor", "study"), 5, 1500).has_value());
  EXPECT_TRUE(cache.FindDecision(KeyOf("doctor", "study"), 6, 1500).has_value());
}

TEST(AccessCache, ClaimsServedUntilTokenExpiry) {
  AccessCache cache(16);
  AccessClaims claims;
  claims.expires_at_ms = 5000;
  crypto::Digest token = DigestNamed("token");
  cache.StoreClaims(token, claims, 1000);
  EXPECT_FALSE(cache.FindClaims(token, 999).has_value());
  EXPECT_TRUE(cache.FindClaims(token, 4999).has_value());
  EXPECT_FALSE(cache.FindClaims(token, 5000).has_value());
  AccessCacheStats stats = cache.stats();
  EXPECT_EQ(stats.token_hits, 1u);
  EXPECT_EQ(stats.token_misses, 2u);
}

TEST(AccessCache, CapacityZeroCachesNothing) {
  AccessCache cache(0);
  EXPECT_FALSE(cache.enabled());
  cache.StoreDecision(KeyOf("doctor", "study"), Allowed(1000, 2000), 5);
  EXPECT_FALSE(cache.FindDecision(KeyOf("doctor", "study"), 5, 1500).has_value());
}

// The cached paths over a ledger with staff, one patient and one study anchored by hospital-a.
class CachedAccess : public contracts::testing::LedgerFixture {
 protected:
  static constexpr std::string_view kAudience = "imledger-gateway:test";
  static constexpr uint64_t kMaxLifetimeMs = 3'600'000;

  void SetUp() override {
    LedgerFixture::SetUp();
    EnrollStaff();
    EnrollPatient("registrar-a", "pseudonym-1", "patient-1");
    AnchorStudy("technician-a", "study-1", "pseudonym-1");
  }

  // "Bearer <token>" for `member`, issued at the ledger's time and valid for `lifetime_ms`.
  std::string Authorization(std::string_view member, Purpose purpose, uint64_t lifetime_ms) {
    AccessClaims claims;
    claims.audience = std::string(kAudience);
    claims.issued_at_ms = time_ms() / 1000 * 1000;
    claims.expires_at_ms = claims.issued_at_ms + lifetime_ms;
    claims.purpose = purpose;
    claims.token_id = "cache-test";
    return "Bearer " + IssueAccessToken(KeyNamed(member), claims);
  }

  std::variant<Requester, Refusal> Authenticate(const std::string& authorization, uint64_t now_ms) {
    return AuthenticateCached(cache_, db_.get(), authorization, kAudience, now_ms, kMaxLifetimeMs);
  }

  Requester RequesterFor(std::string_view member, Purpose purpose) {
    std::variant<Requester, Refusal> requester =
        Authenticate(Authorization(member, purpose, 600'000), time_ms());
    EXPECT_TRUE(std::holds_alternative<Requester>(requester))
        << std::get<Refusal>(requester).code << ": " << std::get<Refusal>(requester).message;
    return std::get<Requester>(requester);
  }

  StudyDecision Decide(const Requester& requester, uint64_t now_ms) {
    Result<StudyDecision> decision =
        DecideStudyAccessCached(cache_, db_.get(), requester, DigestNamed("study-1"), now_ms);
    EXPECT_TRUE(decision.ok()) << decision.status().ToString();
    return decision.ok() ? *decision : StudyDecision{};
  }

  AccessCache cache_{64};
};

TEST_F(CachedAccess, HitReturnsSameDecision) {
  crypto::Digest grant_id =
      GrantConsent("patient-1", GrantToOrganization("hospital-b", {Purpose::kTreatment}));
  Requester requester = RequesterFor("clinician-b", Purpose::kTreatment);
  StudyDecision first = Decide(requester, time_ms());
  StudyDecision second = Decide(requester, time_ms() + 10);
  Result<StudyDecision> uncached =
      DecideStudyAccess(db_.get(), requester, DigestNamed("study-1"), time_ms() + 10);
  ASSERT_TRUE(uncached.ok());

  for (const StudyDecision* decision : {&first, &second, &*uncached}) {
    EXPECT_TRUE(decision->allowed);
    EXPECT_EQ(decision->grant_id, grant_id);
    EXPECT_EQ(decision->rule, "consent grant");
    EXPECT_EQ(decision->code, "");
  }
  EXPECT_EQ(cache_.stats().decision_misses, 1u);
  EXPECT_EQ(cache_.stats().decision_hits, 1u);
}

TEST_F(CachedAccess, DenialHitReturnsSameCode) {
  Requester requester = RequesterFor("clinician-b", Purpose::kTreatment);
  StudyDecision first = Decide(requester, time_ms());
  StudyDecision second = Decide(requester, time_ms() + 10);
  EXPECT_FALSE(first.allowed);
  EXPECT_FALSE(second.allowed);
  EXPECT_EQ(first.code, "no_grant");
  EXPECT_EQ(second.code, "no_grant");
  EXPECT_EQ(second.rule, first.rule);
  EXPECT_EQ(cache_.stats().decision_hits, 1u);
}

TEST_F(CachedAccess, RevocationCommittedBetweenRequestsDenies) {
  crypto::Digest grant_id =
      GrantConsent("patient-1", GrantToOrganization("hospital-b", {Purpose::kTreatment}));
  Requester requester = RequesterFor("clinician-b", Purpose::kTreatment);
  ASSERT_TRUE(Decide(requester, time_ms()).allowed);
  ASSERT_TRUE(Decide(requester, time_ms()).allowed);
  ASSERT_EQ(cache_.stats().decision_hits, 1u);

  ASSERT_EQ(Run("patient-1", contracts::ConsentRevoke{grant_id}).code,
            contracts::RejectCode::kAccepted);
  StudyDecision after = Decide(requester, time_ms());
  EXPECT_FALSE(after.allowed);
  EXPECT_EQ(after.code, "grant_revoked");
}

TEST_F(CachedAccess, ExpiredGrantStopsAtExpiryWithoutCommit) {
  contracts::ConsentGrant grant = GrantToOrganization("hospital-b", {Purpose::kTreatment});
  grant.valid_until_ms = time_ms() + 5000;
  GrantConsent("patient-1", grant);
  Requester requester = RequesterFor("clinician-b", Purpose::kTreatment);
  uint64_t committed_height = height();

  EXPECT_TRUE(Decide(requester, time_ms()).allowed);
  EXPECT_TRUE(Decide(requester, grant.valid_until_ms - 1).allowed);
  EXPECT_EQ(cache_.stats().decision_hits, 1u);
  StudyDecision expired = Decide(requester, grant.valid_until_ms);
  EXPECT_FALSE(expired.allowed);
  EXPECT_EQ(expired.code, "grant_expired");
  EXPECT_EQ(height(), committed_height);
}

TEST_F(CachedAccess, FutureGrantAllowsFromItsStart) {
  contracts::ConsentGrant grant = GrantToOrganization("hospital-b", {Purpose::kTreatment});
  grant.valid_from_ms = time_ms() + 5000;
  GrantConsent("patient-1", grant);
  Requester requester = RequesterFor("clinician-b", Purpose::kTreatment);

  StudyDecision early = Decide(requester, time_ms());
  EXPECT_FALSE(early.allowed);
  EXPECT_EQ(early.code, "grant_not_yet_valid");
  EXPECT_FALSE(Decide(requester, grant.valid_from_ms - 1).allowed);
  EXPECT_TRUE(Decide(requester, grant.valid_from_ms).allowed);
}

TEST_F(CachedAccess, TokenExpiryHonoured) {
  std::string authorization = Authorization("clinician-b", Purpose::kTreatment, 60'000);
  uint64_t issued_ms = time_ms() / 1000 * 1000;
  EXPECT_TRUE(std::holds_alternative<Requester>(Authenticate(authorization, time_ms())));
  EXPECT_TRUE(
      std::holds_alternative<Requester>(Authenticate(authorization, issued_ms + 60'000 - 1)));
  EXPECT_EQ(cache_.stats().token_hits, 1u);

  std::variant<Requester, Refusal> expired = Authenticate(authorization, issued_ms + 60'000);
  ASSERT_TRUE(std::holds_alternative<Refusal>(expired));
  EXPECT_EQ(std::get<Refusal>(expired).code, "expired_token");
}

TEST_F(CachedAccess, ForgedTokenIsRejectedAfterGoodOne) {
  std::string authorization = Authorization("clinician-b", Purpose::kTreatment, 60'000);
  ASSERT_TRUE(std::holds_alternative<Requester>(Authenticate(authorization, time_ms())));
  std::string forged = authorization;
  forged[forged.size() - 2] = forged[forged.size() - 2] == 'A' ? 'B' : 'A';
  std::variant<Requester, Refusal> refused = Authenticate(forged, time_ms());
  ASSERT_TRUE(std::holds_alternative<Refusal>(refused));
  EXPECT_EQ(std::get<Refusal>(refused).http_status, 401);
}

TEST_F(CachedAccess, RevokedMemberRefusedAfterCommit) {
  std::string authorization = Authorization("clinician-b", Purpose::kTreatment, 600'000);
  ASSERT_TRUE(std::holds_alternative<Requester>(Authenticate(authorization, time_ms())));
  ASSERT_TRUE(std::holds_alternative<Requester>(Authenticate(authorization, time_ms())));

  ASSERT_EQ(Run("admin-b", contracts::MemberRevoke{Public("clinician-b"), "hospital-b"}).code,
            contracts::RejectCode::kAccepted);
  std::variant<Requester, Refusal> refused = Authenticate(authorization, time_ms());
  ASSERT_TRUE(std::holds_alternative<Refusal>(refused));
  EXPECT_EQ(std::get<Refusal>(refused).code, "unknown_member");
}

TEST_F(CachedAccess, AcquiringOrganizationAllowedForever) {
  Requester requester = RequesterFor("clinician-a", Purpose::kTreatment);
  EXPECT_TRUE(Decide(requester, time_ms()).allowed);
  EXPECT_TRUE(Decide(requester, time_ms() + 100ull * 365 * 24 * 3600 * 1000).allowed);
  EXPECT_EQ(cache_.stats().decision_hits, 1u);
}

}  // namespace
}  // namespace imledger::gateway

// The gateway's access cache against a real Orthanc and ledger: cached results stop at the
// first request after a commit that changes them, and at a grant's expiry without any commit.

#include <nlohmann/json.hpp>

#include "tests/gateway/gateway_fixture.h"

namespace imledger::gateway::testing {
namespace {

using contracts::Purpose;

std::string StudyMetadataPath(const SampleStudy& study) {
  return "/dicom-web/studies/" + study.uid + "/metadata";
}

std::string RefusalCode(const TestResponse& response) {
  nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
  return body.is_object() && body.contains("code") ? body["code"].get<std::string>() : "";
}

class GatewayCacheTest : public GatewayTest {
 protected:
  // Starts the gateway with access events held back, so no block commits between requests
  // unless the test commits one.
  void StartWithoutBatches() {
    StartGateway([](GatewayConfig& config) {
      config.batch_max_events = 1024;
      config.batch_interval_ms = 600'000;
    });
  }

  int HttpStatus(const std::string& target, const std::string& token) {
    Result<TestResponse> response =
        client_->Request("GET", target, {{"Authorization", "Bearer " + token}});
    EXPECT_TRUE(response.ok()) << response.status().ToString();
    last_code_ = response.ok() ? RefusalCode(*response) : "";
    return response.ok() ? response->status : 0;
  }

  std::string last_code_;
};

TEST_F(GatewayCacheTest, RevocationDeniesNextRequestAfterCachedAllow) {
  crypto::Digest grant =
      GrantOrganization("hospital-b", study_mr_, {Purpose::kTreatment}, NowMs() + 3'600'000);
  StartWithoutBatches();
  std::string token = Token("doctor-b", Purpose::kTreatment);
  EXPECT_EQ(HttpStatus(StudyMetadataPath(study_mr_), token), 200);
  EXPECT_EQ(HttpStatus(StudyMetadataPath(study_mr_), token), 200);
  GatewayStats cached = gateway_->stats();
  EXPECT_EQ(cached.access_cache.decision_hits, 1u);
  EXPECT_EQ(cached.access_cache.token_hits, 1u);

  RevokeGrant(grant);
  EXPECT_EQ(HttpStatus(StudyMetadataPath(study_mr_), token), 403);
  EXPECT_EQ(last_code_, "grant_revoked");
}

TEST_F(GatewayCacheTest, RevokedMemberIsRefusedAfterCachedToken) {
  StartWithoutBatches();
  std::string token = Token("doctor-b", Purpose::kTreatment);
  EXPECT_EQ(HttpStatus(StudyMetadataPath(study_mr_), token), 403);
  EXPECT_EQ(HttpStatus(StudyMetadataPath(study_mr_), token), 403);
  EXPECT_EQ(gateway_->stats().access_cache.token_hits, 1u);

  crypto::PublicKey member = KeyNamed("doctor-b").public_key();
  Commit("admin-b", contracts::MemberRevoke{member, "hospital-b"}, [&] {
    std::optional<contracts::MemberRecord> record = Queries().Member(member).value();
    return record && record->revoked_ms.has_value();
  });
  EXPECT_EQ(HttpStatus(StudyMetadataPath(study_mr_), token), 401);
  EXPECT_EQ(last_code_, "unknown_member");
}

TEST_F(GatewayCacheTest, GrantExpiryStopsCachedAllowWithoutCommit) {
  uint64_t valid_until_ms = NowMs() + 2000;
  GrantOrganization("hospital-b", study_mr_, {Purpose::kTreatment}, valid_until_ms);
  StartWithoutBatches();
  std::string token = Token("doctor-b", Purpose::kTreatment);
  uint64_t height = node_->Snapshot().height;
  ASSERT_EQ(HttpStatus(StudyMetadataPath(study_mr_), token), 200);
  ASSERT_LT(NowMs(), valid_until_ms) << "the machine is too slow for this test's 2 s grant";
  EXPECT_EQ(HttpStatus(StudyMetadataPath(study_mr_), token), 200);
  EXPECT_EQ(gateway_->stats().access_cache.decision_hits, 1u);

  ASSERT_TRUE(WaitUntil([&] { return NowMs() >= valid_until_ms; }, std::chrono::seconds(5)));
  EXPECT_EQ(HttpStatus(StudyMetadataPath(study_mr_), token), 403);
  EXPECT_EQ(last_code_, "grant_expired");
  EXPECT_EQ(node_->Snapshot().height, height) << "a block committed during the test";
}

TEST_F(GatewayCacheTest, CacheOffServesEveryRequestFromLedger) {
  StartGateway([](GatewayConfig& config) { config.access_cache_entries = 0; });
  std::string token = Token("doctor-a", Purpose::kTreatment);
  EXPECT_EQ(HttpStatus(StudyMetadataPath(study_mr_), token), 200);
  EXPECT_EQ(HttpStatus(StudyMetadataPath(study_mr_), token), 200);
  GatewayStats stats = gateway_->stats();
  EXPECT_EQ(stats.access_cache.decision_hits + stats.access_cache.decision_misses, 0u);
  EXPECT_EQ(stats.access_cache.token_hits + stats.access_cache.token_misses, 0u);
}

}  // namespace
}  // namespace imledger::gateway::testing

// The gateway against a real Orthanc and a real single-validator ledger: every decision, the
// bytes it serves, and the access event it leaves on the patient's trail.

#include <fstream>

#include <nlohmann/json.hpp>

#include "crypto/encoding.h"
#include "crypto/paseto.h"
#include "tests/gateway/gateway_fixture.h"

namespace imledger::gateway::testing {
namespace {

using contracts::Purpose;
using contracts::TrailEntry;
using contracts::TrailKind;

std::string StudyPath(const SampleStudy& study) {
  return "/dicom-web/studies/" + study.uid;
}

std::string ErrorCode(const TestResponse& response) {
  nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
  return body.is_object() && body.contains("code") ? body["code"].get<std::string>() : "";
}

// Checks every field of an access event on the trail.
void ExpectAccessEvent(const TrailEntry& entry, std::string_view requester,
                       const SampleStudy& study, Purpose purpose, bool allowed,
                       const std::optional<crypto::Digest>& grant, uint64_t bytes_served) {
  EXPECT_EQ(entry.event.kind, TrailKind::kAccess);
  EXPECT_EQ(entry.event.requester, KeyNamed(requester).public_key());
  EXPECT_EQ(entry.event.study_key, study.key);
  EXPECT_EQ(entry.event.purpose, purpose);
  EXPECT_EQ(entry.event.allowed, allowed);
  EXPECT_EQ(entry.event.grant_used, grant);
  EXPECT_GT(entry.event.time_ms, 1'700'000'000'000u);
  EXPECT_EQ(entry.event.bytes_served, bytes_served);
}

TEST_F(GatewayTest, AcquiringHospitalRetrievesStudyForTreatment) {
  Result<TestResponse> response =
      GatewayGet(StudyPath(study_ct_), "doctor-a", Purpose::kTreatment, {{"Accept", kDicomAccept}});
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  Result<TestResponse> direct =
      orthanc_->client().Request("GET", StudyPath(study_ct_), {{"Accept", kDicomAccept}});
  ASSERT_TRUE(direct.ok());
  std::vector<std::string> parts = MultipartParts(*response);
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts, MultipartParts(*direct));

  std::vector<TrailEntry> trail = TrailAfterFlush(1);
  ASSERT_EQ(trail.size(), 1u);
  ExpectAccessEvent(trail[0], "doctor-a", study_ct_, Purpose::kTreatment, true, std::nullopt,
                    response->body.size());
}

TEST_F(GatewayTest, MetadataAndBulkDataMatchOrthanc) {
  Result<TestResponse> response =
      GatewayGet(StudyPath(study_mr_) + "/metadata", "doctor-a", Purpose::kTreatment);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 200);
  // The same Host as the gateway's client, because the plugin writes BulkDataURIs from it.
  std::string gateway_host = "127.0.0.1:" + std::to_string(gateway_->listen_port());
  Result<TestResponse> direct = orthanc_->client().Request(
      "GET", StudyPath(study_mr_) + "/metadata", {{"Host", gateway_host}});
  ASSERT_TRUE(direct.ok());
  EXPECT_EQ(response->body, direct->body);
  EXPECT_EQ(response->Header("content-type"), direct->Header("content-type"));

  // The pixel data's BulkDataURI points at the gateway, which serves it under the same decision.
  nlohmann::json metadata = nlohmann::json::parse(response->body);
  std::string bulk_uri = metadata[0]["7FE00010"]["BulkDataURI"];
  std::string prefix = "http://" + gateway_host;
  ASSERT_EQ(bulk_uri.substr(0, prefix.size()), prefix);
  Result<TestResponse> bulk =
      GatewayGet(bulk_uri.substr(prefix.size()), "doctor-a", Purpose::kTreatment);
  ASSERT_TRUE(bulk.ok());
  EXPECT_EQ(bulk->status, 200);
  std::vector<TrailEntry> trail = TrailAfterFlush(2);
  ASSERT_EQ(trail.size(), 2u);
  ExpectAccessEvent(trail[0], "doctor-a", study_mr_, Purpose::kTreatment, true, std::nullopt,
                    bulk->body.size());
  ExpectAccessEvent(trail[1], "doctor-a", study_mr_, Purpose::kTreatment, true, std::nullopt,
                    response->body.size());
}

TEST_F(GatewayTest, OtherHospitalWithoutGrantIsDenied) {
  Result<TestResponse> response =
      GatewayGet(StudyPath(study_ct_), "doctor-b", Purpose::kTreatment, {{"Accept", kDicomAccept}});
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 403);
  EXPECT_EQ(ErrorCode(*response), "no_grant");

  std::vector<TrailEntry> trail = TrailAfterFlush(1);
  ASSERT_EQ(trail.size(), 1u);
  ExpectAccessEvent(trail[0], "doctor-b", study_ct_, Purpose::kTreatment, false, std::nullopt, 0);
}

TEST_F(GatewayTest, GrantAllowsUntilRevoked) {
  crypto::Digest grant =
      GrantOrganization("hospital-b", study_ct_, {Purpose::kTreatment}, NowMs() + 3'600'000);
  Result<TestResponse> allowed =
      GatewayGet(StudyPath(study_ct_), "doctor-b", Purpose::kTreatment, {{"Accept", kDicomAccept}});
  ASSERT_TRUE(allowed.ok());
  EXPECT_EQ(allowed->status, 200);
  Result<TestResponse> direct =
      orthanc_->client().Request("GET", StudyPath(study_ct_), {{"Accept", kDicomAccept}});
  ASSERT_TRUE(direct.ok());
  EXPECT_EQ(MultipartParts(*allowed), MultipartParts(*direct));

  RevokeGrant(grant);
  Result<TestResponse> denied =
      GatewayGet(StudyPath(study_ct_), "doctor-b", Purpose::kTreatment, {{"Accept", kDicomAccept}});
  ASSERT_TRUE(denied.ok());
  EXPECT_EQ(denied->status, 403);
  EXPECT_EQ(ErrorCode(*denied), "grant_revoked");

  std::vector<TrailEntry> trail = TrailAfterFlush(2);
  ASSERT_EQ(trail.size(), 2u);
  ExpectAccessEvent(trail[1], "doctor-b", study_ct_, Purpose::kTreatment, true, grant,
                    allowed->body.size());
  ExpectAccessEvent(trail[0], "doctor-b", study_ct_, Purpose::kTreatment, false, std::nullopt, 0);
}

TEST_F(GatewayTest, ResearchGrantDoesNotAllowTreatment) {
  GrantOrganization("hospital-b", study_mr_, {Purpose::kResearch}, NowMs() + 3'600'000);
  Result<TestResponse> response =
      GatewayGet(StudyPath(study_mr_) + "/metadata", "doctor-b", Purpose::kTreatment);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 403);
  EXPECT_EQ(ErrorCode(*response), "purpose_not_granted");

  std::vector<TrailEntry> trail = TrailAfterFlush(1);
  ASSERT_EQ(trail.size(), 1u);
  ExpectAccessEvent(trail[0], "doctor-b", study_mr_, Purpose::kTreatment, false, std::nullopt, 0);
}

TEST_F(GatewayTest, ExpiredGrantIsDenied) {
  uint64_t valid_until_ms = NowMs() + 1500;
  GrantOrganization("hospital-b", study_mr_, {Purpose::kTreatment}, valid_until_ms);
  ASSERT_TRUE(WaitUntil([&] { return NowMs() > valid_until_ms; }, std::chrono::seconds(5)));
  Result<TestResponse> response =
      GatewayGet(StudyPath(study_mr_) + "/metadata", "doctor-b", Purpose::kTreatment);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 403);
  EXPECT_EQ(ErrorCode(*response), "grant_expired");

  std::vector<TrailEntry> trail = TrailAfterFlush(1);
  ASSERT_EQ(trail.size(), 1u);
  ExpectAccessEvent(trail[0], "doctor-b", study_mr_, Purpose::kTreatment, false, std::nullopt, 0);
}

TEST_F(GatewayTest, AiVendorNeedsAiTrainingGrant) {
  Result<TestResponse> without =
      GatewayGet(StudyPath(study_csa_) + "/metadata", "ai-1", Purpose::kAiTraining);
  ASSERT_TRUE(without.ok());
  EXPECT_EQ(without->status, 403);
  EXPECT_EQ(ErrorCode(*without), "no_grant");

  crypto::Digest grant =
      GrantOrganization("ai-lab", study_csa_, {Purpose::kAiTraining}, NowMs() + 3'600'000);
  Result<TestResponse> with =
      GatewayGet(StudyPath(study_csa_) + "/metadata", "ai-1", Purpose::kAiTraining);
  ASSERT_TRUE(with.ok());
  EXPECT_EQ(with->status, 200);

  Result<TestResponse> other_purpose =
      GatewayGet(StudyPath(study_csa_) + "/metadata", "ai-1", Purpose::kResearch);
  ASSERT_TRUE(other_purpose.ok());
  EXPECT_EQ(other_purpose->status, 403);
  EXPECT_EQ(ErrorCode(*other_purpose), "purpose_not_granted");

  std::vector<TrailEntry> trail = TrailAfterFlush(3);
  ASSERT_EQ(trail.size(), 3u);
  ExpectAccessEvent(trail[2], "ai-1", study_csa_, Purpose::kAiTraining, false, std::nullopt, 0);
  ExpectAccessEvent(trail[1], "ai-1", study_csa_, Purpose::kAiTraining, true, grant,
                    with->body.size());
  ExpectAccessEvent(trail[0], "ai-1", study_csa_, Purpose::kResearch, false, std::nullopt, 0);
}

TEST_F(GatewayTest, EmergencyAccessIsAllowedAndFlagged) {
  contracts::AccessEmergency emergency{study_ct_.key, "unconscious patient in the ER"};
  contracts::Transaction declaration = Sign("doctor-b", emergency);
  std::string header = crypto::Base64Encode(contracts::EncodeTransaction(declaration));
  Result<TestResponse> response =
      GatewayGet(StudyPath(study_ct_), "doctor-b", Purpose::kEmergency,
                 {{"Accept", kDicomAccept}, {"X-Imledger-Emergency", header}});
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(MultipartParts(*response).size(), 1u);

  std::vector<TrailEntry> trail = TrailAfterFlush(2);
  ASSERT_EQ(trail.size(), 2u);
  EXPECT_EQ(trail[1].event.kind, TrailKind::kEmergency);
  EXPECT_EQ(trail[1].event.requester, KeyNamed("doctor-b").public_key());
  EXPECT_EQ(trail[1].event.study_key, study_ct_.key);
  EXPECT_EQ(trail[1].event.reason, "unconscious patient in the ER");
  EXPECT_TRUE(trail[1].event.flagged());
  ExpectAccessEvent(trail[0], "doctor-b", study_ct_, Purpose::kEmergency, true, std::nullopt,
                    response->body.size());
  EXPECT_TRUE(trail[0].event.flagged());
}

TEST_F(GatewayTest, EmergencyWithoutDeclarationIsDenied) {
  Result<TestResponse> response =
      GatewayGet(StudyPath(study_ct_) + "/metadata", "doctor-b", Purpose::kEmergency);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 403);
  EXPECT_EQ(ErrorCode(*response), "no_grant");

  std::vector<TrailEntry> trail = TrailAfterFlush(1);
  ASSERT_EQ(trail.size(), 1u);
  ExpectAccessEvent(trail[0], "doctor-b", study_ct_, Purpose::kEmergency, false, std::nullopt, 0);
}

TEST_F(GatewayTest, BadTokensAreUnauthorized) {
  std::string path = StudyPath(study_ct_) + "/metadata";
  AccessClaims claims;
  claims.audience = std::string(kAudience);
  claims.issued_at_ms = NowMs();
  claims.expires_at_ms = claims.issued_at_ms + 600'000;
  claims.token_id = "t-1";

  // Signed by doctor-b's key, then the claims swapped for doctor-a's: the signature fails.
  std::string honest = IssueAccessToken(KeyNamed("doctor-b"), claims);
  std::string claimed_b = KeyNamed("doctor-b").public_key().ToHex();
  std::string claimed_a = KeyNamed("doctor-a").public_key().ToHex();
  std::string message =
      "{\"aud\":\"" + std::string(kAudience) + "\",\"exp\":\"" +
      FormatRfc3339(claims.expires_at_ms) + "\",\"iat\":\"" + FormatRfc3339(claims.issued_at_ms) +
      "\",\"jti\":\"t-1\",\"purpose\":\"treatment\",\"sub\":\"" + claimed_a + "\"}";
  Result<crypto::PasetoV4PublicParts> parts = crypto::ParsePasetoV4Public(honest);
  ASSERT_TRUE(parts.ok());
  Bytes forged_body = ToBytes(message);
  Append(forged_body, parts->signature.view());
  std::string forged = "v4.public." + crypto::Base64UrlEncode(forged_body);

  AccessClaims expired = claims;
  expired.issued_at_ms = NowMs() - 120'000;
  expired.expires_at_ms = NowMs() - 60'000;
  AccessClaims other_audience = claims;
  other_audience.audience = "imledger-gateway:hospital-b";
  AccessClaims too_long = claims;
  too_long.expires_at_ms = claims.issued_at_ms + 2 * 3'600'000;

  struct Case {
    std::string name;
    std::optional<std::string> authorization;
    std::string code;
  };

  std::vector<Case> cases = {
      {"missing", std::nullopt, "missing_token"},
      {"not bearer", "Basic abc", "malformed_token"},
      {"garbage", "Bearer v4.public.!!!", "malformed_token"},
      {"forged", "Bearer " + forged, "bad_signature"},
      {"expired", "Bearer " + IssueAccessToken(KeyNamed("doctor-a"), expired), "expired_token"},
      {"audience", "Bearer " + IssueAccessToken(KeyNamed("doctor-a"), other_audience),
       "wrong_audience"},
      {"lifetime", "Bearer " + IssueAccessToken(KeyNamed("doctor-a"), too_long),
       "token_time_invalid"},
      {"unknown member", "Bearer " + IssueAccessToken(KeyNamed("stranger"), claims),
       "unknown_member"},
  };
  for (const Case& test : cases) {
    SCOPED_TRACE(test.name);
    std::map<std::string, std::string> headers;
    if (test.authorization) {
      headers["Authorization"] = *test.authorization;
    }
    Result<TestResponse> response = client_->Request("GET", path, headers);
    ASSERT_TRUE(response.ok());
    EXPECT_EQ(response->status, 401);
    EXPECT_EQ(ErrorCode(*response), test.code);
    EXPECT_EQ(response->Header("www-authenticate"), "Bearer");
  }
  EXPECT_EQ(gateway_->stats().unauthenticated, cases.size());
  EXPECT_TRUE(TrailAfterFlush(0).empty());
  (void)claimed_b;
}

TEST_F(GatewayTest, SearchShowsOnlyVisibleStudies) {
  crypto::Digest grant =
      GrantOrganization("hospital-b", study_mr_, {Purpose::kTreatment}, NowMs() + 3'600'000);
  Result<TestResponse> other = GatewayGet("/dicom-web/studies", "doctor-b", Purpose::kTreatment);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->status, 200);
  nlohmann::json matches = nlohmann::json::parse(other->body);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0]["0020000D"]["Value"][0], study_mr_.uid);
  // Retrieve URLs point at the gateway, which passes the client's Host on to Orthanc.
  EXPECT_EQ(matches[0]["00081190"]["Value"][0],
            "http://127.0.0.1:" + std::to_string(gateway_->listen_port()) + "/dicom-web/studies/" +
                study_mr_.uid);

  // Paging counts only visible studies: offset 1 of one visible study is empty.
  Result<TestResponse> paged =
      GatewayGet("/dicom-web/studies?offset=1&limit=5", "doctor-b", Purpose::kTreatment);
  ASSERT_TRUE(paged.ok());
  EXPECT_EQ(paged->body, "[]");

  Result<TestResponse> all = GatewayGet("/dicom-web/studies", "doctor-a", Purpose::kTreatment);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(nlohmann::json::parse(all->body).size(), 3u);
  Result<TestResponse> page =
      GatewayGet("/dicom-web/studies?limit=2&offset=1", "doctor-a", Purpose::kTreatment);
  ASSERT_TRUE(page.ok());
  nlohmann::json page_matches = nlohmann::json::parse(page->body);
  ASSERT_EQ(page_matches.size(), 2u);
  EXPECT_EQ(page_matches[0], nlohmann::json::parse(all->body)[1]);
  EXPECT_EQ(page_matches[1], nlohmann::json::parse(all->body)[2]);

  Result<TestResponse> bad_limit =
      GatewayGet("/dicom-web/studies?limit=-1", "doctor-a", Purpose::kTreatment);
  ASSERT_TRUE(bad_limit.ok());
  EXPECT_EQ(bad_limit->status, 400);

  // One event per study shown: 1 for doctor-b, 3 + 2 for doctor-a.
  std::vector<TrailEntry> trail = TrailAfterFlush(6);
  ASSERT_EQ(trail.size(), 6u);
  // Each event counts its study's entry: the body less the brackets and the commas.
  ExpectAccessEvent(trail[5], "doctor-b", study_mr_, Purpose::kTreatment, true, grant,
                    other->body.size() - 2);
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(trail[i].event.requester, KeyNamed("doctor-a").public_key());
    EXPECT_TRUE(trail[i].event.allowed);
  }
  EXPECT_EQ(trail[0].event.bytes_served, page_matches[1].dump().size());
  EXPECT_EQ(trail[1].event.bytes_served, page_matches[0].dump().size());
  EXPECT_EQ(trail[0].event.bytes_served + trail[1].event.bytes_served, page->body.size() - 3);
  EXPECT_EQ(trail[2].event.bytes_served + trail[3].event.bytes_served + trail[4].event.bytes_served,
            all->body.size() - 4);
}

TEST_F(GatewayTest, NonStudyRoutesAreRefused) {
  const char* targets[] = {
      "/instances",
      "/instances/",
      "/tools/find",
      "/patients",
      "/system",
      "/dicom-web/series",
      "/dicom-web/instances",
      "/dicom-web/studies/not-a-uid",
      "/dicom-web/studies/1.2.3/../../instances",
      "/dicom-web/studies/1.2.3/bulkdata",
      "/dicom-web/studies/1.2%2e3",
  };
  for (const char* target : targets) {
    SCOPED_TRACE(target);
    Result<TestResponse> response = GatewayGet(target, "doctor-a", Purpose::kTreatment);
    ASSERT_TRUE(response.ok());
    EXPECT_EQ(response->status, 403);
    EXPECT_EQ(ErrorCode(*response), "route_not_allowed");
  }
  std::map<std::string, std::string> headers = {
      {"Authorization", "Bearer " + Token("doctor-a", Purpose::kTreatment)}};
  Result<TestResponse> deleted = client_->Request("DELETE", StudyPath(study_ct_), headers);
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(deleted->status, 403);
  EXPECT_EQ(gateway_->stats().refused_routes, std::size(targets) + 1);
  EXPECT_TRUE(TrailAfterFlush(0).empty());
}

TEST_F(GatewayTest, UnanchoredStudyIsDenied) {
  SampleStudy unanchored = LoadStudy("dicom/basic/dicomweb-client-sample3-MR.dcm");
  Result<TestResponse> response =
      GatewayGet(StudyPath(unanchored) + "/metadata", "doctor-a", Purpose::kTreatment);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 403);
  EXPECT_EQ(ErrorCode(*response), "study_not_anchored");
  // The event has no patient, so it stays in the log only and the trail is empty.
  EXPECT_TRUE(TrailAfterFlush(0).empty());
}

TEST_F(GatewayTest, VerifyOnReadCatchesSwappedFile) {
  StartGateway([](GatewayConfig& config) { config.verify_on_read = true; });
  Result<TestResponse> intact =
      GatewayGet(StudyPath(study_ct_), "doctor-a", Purpose::kTreatment, {{"Accept", kDicomAccept}});
  ASSERT_TRUE(intact.ok());
  EXPECT_EQ(intact->status, 200);
  EXPECT_EQ(MultipartParts(*intact).size(), 1u);

  // Change one byte inside the pixel data, which ends 138 bytes before the end of CT_small.dcm
  // (a DataSetTrailingPadding element follows it and is not part of the digest).
  Result<std::filesystem::path> stored = orthanc_->StoredFile(study_ct_.orthanc_id);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  {
    std::fstream file(*stored, std::ios::in | std::ios::out | std::ios::binary);
    ASSERT_TRUE(file.is_open());
    file.seekg(-1000, std::ios::end);
    char pixel_byte = 0;
    file.get(pixel_byte);
    file.seekp(-1000, std::ios::end);
    file.put(static_cast<char>(pixel_byte ^ 0x01));
  }
  Result<TestResponse> swapped =
      GatewayGet(StudyPath(study_ct_), "doctor-a", Purpose::kTreatment, {{"Accept", kDicomAccept}});
  ASSERT_TRUE(swapped.ok());
  EXPECT_EQ(swapped->status, 502);
  EXPECT_EQ(ErrorCode(*swapped), "integrity_mismatch");
  EXPECT_EQ(gateway_->stats().integrity_failures, 1u);

  std::vector<TrailEntry> trail = TrailAfterFlush(2);
  ASSERT_EQ(trail.size(), 2u);
  ExpectAccessEvent(trail[1], "doctor-a", study_ct_, Purpose::kTreatment, true, std::nullopt,
                    intact->body.size());
  // Nothing of the swapped study left the gateway.
  ExpectAccessEvent(trail[0], "doctor-a", study_ct_, Purpose::kTreatment, true, std::nullopt, 0);
}

}  // namespace
}  // namespace imledger::gateway::testing

// STOW-RS through the gateway: a technician stores a study and the gateway anchors it, after
// checking the stored study against the technician-signed anchor.

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "crypto/encoding.h"
#include "dicom/instance_digest.h"
#include "dicom/study_digest.h"
#include "tests/gateway/gateway_fixture.h"

namespace imledger::gateway::testing {
namespace {

using contracts::Purpose;

constexpr const char* kBoundary = "imledger-test-boundary";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

std::string MultipartBody(const std::string& dicom) {
  return std::string("--") + kBoundary + "\r\nContent-Type: application/dicom\r\n\r\n" + dicom +
         "\r\n--" + kBoundary + "--\r\n";
}

class StowTest : public GatewayTest {
 protected:
  void SetUp() override {
    GatewayTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) {
      return;
    }
    file_ = imledger::testing::TestDataPath("dicom/basic/dicomweb-client-sample-PT.dcm");
    Result<dicom::InstanceDigest> instance = dicom::DigestInstanceFile(file_);
    ASSERT_TRUE(instance.ok());
    Result<std::vector<dicom::StudyDigest>> digests = dicom::BuildStudyDigests({*instance});
    ASSERT_TRUE(digests.ok());
    uid_ = digests->front().study_instance_uid;
    anchor_.study_key = crypto::Sha256Of(uid_);
    anchor_.pseudonym = pseudonym_;
    anchor_.study_root = digests->front().root;
    anchor_.instance_count = 1;
    anchor_.total_bytes = instance->file_bytes;
    anchor_.modalities = {"PT"};
  }

  Result<TestResponse> Store(std::string_view member, const contracts::StudyAnchor& anchor) {
    contracts::Transaction transaction = Sign(member, anchor);
    anchor_id_ = contracts::TransactionId(transaction);
    std::map<std::string, std::string> headers = {
        {"Authorization", "Bearer " + Token(member, Purpose::kTreatment)},
        {"Content-Type",
         std::string("multipart/related; type=\"application/dicom\"; boundary=") + kBoundary},
        {"Accept", "application/dicom+json"},
        {"X-Imledger-Anchor", crypto::Base64Encode(contracts::EncodeTransaction(transaction))},
    };
    return client_->Request("POST", "/dicom-web/studies/" + uid_, headers,
                            MultipartBody(ReadFile(file_)));
  }

  std::string file_;
  std::string uid_;
  contracts::StudyAnchor anchor_;
  crypto::Digest anchor_id_;
};

std::string ErrorCode(const TestResponse& response) {
  nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
  return body.is_object() && body.contains("code") ? body["code"].get<std::string>() : "";
}

TEST_F(StowTest, TechnicianStoresAndAnchorsStudy) {
  Result<TestResponse> stored = Store("tech-a", anchor_);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(stored->status, 200) << stored->body;
  EXPECT_EQ(stored->Header("x-imledger-anchor-id"), anchor_id_.ToHex());
  EXPECT_EQ(stored->Header("x-imledger-anchor-committed"), "true");

  std::vector<contracts::AnchorRecord> anchors = Queries().StudyAnchors(anchor_.study_key).value();
  ASSERT_EQ(anchors.size(), 1u);
  EXPECT_EQ(anchors[0].anchor_id, anchor_id_);
  EXPECT_EQ(anchors[0].study_root, anchor_.study_root);

  Result<TestResponse> read =
      GatewayGet("/dicom-web/studies/" + uid_ + "/metadata", "doctor-a", Purpose::kTreatment);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->status, 200);

  std::vector<contracts::TrailEntry> trail = TrailAfterFlush(2);
  ASSERT_EQ(trail.size(), 2u);
  EXPECT_EQ(trail[1].event.requester, KeyNamed("tech-a").public_key());
  EXPECT_EQ(trail[1].event.study_key, anchor_.study_key);
  EXPECT_EQ(trail[1].event.purpose, Purpose::kTreatment);
  EXPECT_TRUE(trail[1].event.allowed);
  EXPECT_EQ(trail[1].event.grant_used, std::nullopt);
  EXPECT_EQ(trail[0].event.requester, KeyNamed("doctor-a").public_key());
  EXPECT_TRUE(trail[0].event.allowed);
}

TEST_F(StowTest, AnchorWithWrongRootIsNotSubmitted) {
  contracts::StudyAnchor wrong = anchor_;
  wrong.study_root = crypto::Sha256Of(std::string_view("not the study"));
  Result<TestResponse> stored = Store("tech-a", wrong);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->status, 409);
  EXPECT_EQ(ErrorCode(*stored), "anchor_mismatch");
  EXPECT_TRUE(Queries().StudyAnchors(anchor_.study_key).value().empty());
}

TEST_F(StowTest, ClinicianCannotStore) {
  Result<TestResponse> stored = Store("doctor-a", anchor_);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->status, 403);
  EXPECT_EQ(ErrorCode(*stored), "not_a_technician");
}

TEST_F(StowTest, MissingAnchorHeaderIsRejected) {
  std::map<std::string, std::string> headers = {
      {"Authorization", "Bearer " + Token("tech-a", Purpose::kTreatment)},
      {"Content-Type",
       std::string("multipart/related; type=\"application/dicom\"; boundary=") + kBoundary},
  };
  Result<TestResponse> stored = client_->Request("POST", "/dicom-web/studies/" + uid_, headers,
                                                 MultipartBody(ReadFile(file_)));
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->status, 400);
  EXPECT_EQ(ErrorCode(*stored), "invalid_anchor");
}

}  // namespace
}  // namespace imledger::gateway::testing

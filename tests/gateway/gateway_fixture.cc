#include "tests/gateway/gateway_fixture.h"

#include <thread>

#include "crypto/sha256.h"
#include "dicom/instance_digest.h"
#include "dicom/study_digest.h"
#include "gateway/study_verifier.h"

namespace imledger::gateway::testing {
namespace {

using contracts::Role;

struct MemberSpec {
  const char* name;
  const char* organization;
  const char* admin;
  Role role;
};

constexpr MemberSpec kMembers[] = {
    {"registrar-a", "hospital-a", "admin-a", Role::kRegistrar},
    {"tech-a", "hospital-a", "admin-a", Role::kTechnician},
    {"doctor-a", "hospital-a", "admin-a", Role::kClinician},
    {"gateway-a", "hospital-a", "admin-a", Role::kGateway},
    {"doctor-b", "hospital-b", "admin-b", Role::kClinician},
    {"ai-1", "ai-lab", "admin-lab", Role::kAnnotator},
};

contracts::Genesis SingleValidatorGenesis() {
  contracts::Genesis genesis;
  genesis.network_id = std::string(kNetworkId);
  genesis.genesis_time_ms = 1'700'000'000'000;
  genesis.organizations = {
      {"hospital-a", {KeyNamed("admin-a").public_key()}},
      {"hospital-b", {KeyNamed("admin-b").public_key()}},
      {"ai-lab", {KeyNamed("admin-lab").public_key()}},
  };
  genesis.validators = {
      {"validator-0", "hospital-a", KeyNamed("validator-0").public_key(), "127.0.0.1:7401"}};
  genesis.consensus = {64, 2, 128, 2000};
  return genesis;
}

}  // namespace

crypto::SecretKey KeyNamed(std::string_view name) {
  return crypto::SecretKey::FromSeed(crypto::Sha256Of(name).view()).value();
}

uint64_t GatewayTest::NowMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

bool GatewayTest::WaitUntil(const std::function<bool()>& condition,
                            std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return condition();
}

void GatewayTest::SetUp() {
  Status isolated = imledger::testing::EnterLoopbackNetworkNamespace();
  if (!isolated.ok()) {
    GTEST_SKIP() << "gateway tests need a private network namespace: " << isolated.ToString();
  }
  folder_ = std::make_unique<imledger::testing::TemporaryFolder>();
  Result<std::unique_ptr<imledger::testing::OrthancServer>> orthanc =
      imledger::testing::OrthancServer::Start(folder_->path());
  ASSERT_TRUE(orthanc.ok()) << orthanc.status().ToString();
  orthanc_ = std::move(*orthanc);

  node::NodeOptions options;
  options.data_path = folder_->path() / "ledger";
  options.genesis = SingleValidatorGenesis();
  Result<std::unique_ptr<node::Node>> node = node::Node::Open(options, KeyNamed("validator-0"));
  ASSERT_TRUE(node.ok()) << node.status().ToString();
  node_ = std::move(*node);
  ASSERT_TRUE(node_->Start().ok());

  for (const MemberSpec& spec : kMembers) {
    contracts::MemberEnroll enroll{
        KeyNamed(spec.name).public_key(), spec.organization, {spec.role}};
    crypto::PublicKey key = enroll.member;
    Commit(spec.admin, enroll, [&] { return Queries().Member(key).value().has_value(); });
  }
  pseudonym_ = crypto::Sha256Of(std::string_view("pseudonym-of-patient-1"));
  crypto::PublicKey patient_key = KeyNamed("patient-1").public_key();
  Commit("registrar-a", contracts::PatientEnroll{pseudonym_, patient_key},
         [&] { return Queries().PatientIdForKey(patient_key).value().has_value(); });
  patient_id_ = *Queries().PatientIdForKey(patient_key).value();

  study_ct_ = LoadStudy("dicom/basic/CT_small.dcm");
  study_mr_ = LoadStudy("dicom/basic/MR_small.dcm");
  study_csa_ = LoadStudy("dicom/basic/nibabel-csa_slice_norm.dcm");
  for (const SampleStudy* study : {&study_ct_, &study_mr_, &study_csa_}) {
    AnchorStudy(*study);
  }
  StartGateway();
}

void GatewayTest::TearDown() {
  client_.reset();
  gateway_.reset();
  node_.reset();
  orthanc_.reset();
  folder_.reset();
}

void GatewayTest::StartGateway(const std::function<void(GatewayConfig&)>& customize) {
  client_.reset();
  gateway_.reset();
  GatewayConfig config;
  config.upstream_port = orthanc_->http_port();
  config.audience = std::string(kAudience);
  config.batch_interval_ms = 50;
  config.commit_wait_ms = 5000;
  config.spool_dir = folder_->path();
  if (customize) {
    customize(config);
  }
  Result<std::unique_ptr<Gateway>> gateway =
      Gateway::Create(config, KeyNamed("gateway-a"), LedgerAccessOf(*node_));
  ASSERT_TRUE(gateway.ok()) << gateway.status().ToString();
  gateway_ = std::move(*gateway);
  ASSERT_TRUE(gateway_->Start().ok());
  client_ = std::make_unique<imledger::testing::HttpTestClient>(gateway_->listen_port());
}

SampleStudy GatewayTest::LoadStudy(const std::string& file) {
  SampleStudy study;
  study.file = imledger::testing::TestDataPath(file);
  Result<dicom::InstanceDigest> instance = dicom::DigestInstanceFile(study.file);
  EXPECT_TRUE(instance.ok()) << instance.status().ToString();
  Result<std::vector<dicom::StudyDigest>> digests = dicom::BuildStudyDigests({*instance});
  EXPECT_TRUE(digests.ok()) << digests.status().ToString();
  EXPECT_EQ(digests->size(), 1u);
  study.uid = digests->front().study_instance_uid;
  study.key = crypto::Sha256Of(study.uid);
  study.root = digests->front().root;
  Result<std::string> id = orthanc_->Upload(study.file);
  EXPECT_TRUE(id.ok()) << id.status().ToString();
  study.orthanc_id = id.ok() ? *id : "";
  return study;
}

void GatewayTest::AnchorStudy(const SampleStudy& study) {
  contracts::StudyAnchor anchor;
  anchor.study_key = study.key;
  anchor.pseudonym = pseudonym_;
  anchor.study_root = study.root;
  anchor.instance_count = 1;
  anchor.total_bytes = std::filesystem::file_size(study.file);
  Result<dicom::InstanceDigest> instance = dicom::DigestInstanceFile(study.file);
  anchor.modalities = {instance->attributes.modality};
  Commit("tech-a", anchor, [&] { return !Queries().StudyAnchors(study.key).value().empty(); });
}

crypto::Digest GatewayTest::GrantOrganization(const std::string& organization,
                                              const SampleStudy& study,
                                              std::vector<contracts::Purpose> purposes,
                                              uint64_t valid_until_ms) {
  contracts::ConsentGrant grant;
  grant.grantee.kind = contracts::GranteeKind::kOrganization;
  grant.grantee.organization = organization;
  grant.study_keys = {study.key};
  grant.purposes = std::move(purposes);
  grant.valid_from_ms = 0;
  grant.valid_until_ms = valid_until_ms;
  contracts::Transaction transaction = Sign("patient-1", grant);
  crypto::Digest id = contracts::TransactionId(transaction);
  Status submitted = node_->Submit(contracts::EncodeTransaction(transaction));
  EXPECT_TRUE(submitted.ok()) << submitted.ToString();
  EXPECT_TRUE(WaitUntil([&] { return Queries().Grant(id).value().has_value(); }))
      << "consent.grant not committed";
  return id;
}

void GatewayTest::RevokeGrant(const crypto::Digest& grant_id) {
  Commit("patient-1", contracts::ConsentRevoke{grant_id}, [&] {
    std::optional<contracts::GrantRecord> grant = Queries().Grant(grant_id).value();
    return grant && grant->revoked_ms.has_value();
  });
}

std::string GatewayTest::Token(std::string_view member, contracts::Purpose purpose,
                               std::chrono::seconds lifetime) {
  AccessClaims claims;
  claims.audience = std::string(kAudience);
  claims.issued_at_ms = NowMs();
  claims.expires_at_ms = claims.issued_at_ms + static_cast<uint64_t>(lifetime.count()) * 1000;
  claims.purpose = purpose;
  claims.token_id = "test-" + std::string(member);
  return IssueAccessToken(KeyNamed(member), claims);
}

Result<TestResponse> GatewayTest::GatewayGet(const std::string& target, std::string_view member,
                                             contracts::Purpose purpose,
                                             std::map<std::string, std::string> headers) {
  headers["Authorization"] = "Bearer " + Token(member, purpose);
  return client_->Request("GET", target, headers);
}

std::vector<contracts::TrailEntry> GatewayTest::TrailAfterFlush(size_t expected_count) {
  gateway_->FlushAccessEvents();
  std::vector<contracts::TrailEntry> entries;
  WaitUntil([&] {
    entries = Queries().AccessTrail(patient_id_, {100, std::nullopt}).value().items;
    return entries.size() >= expected_count;
  });
  // Give a wrong extra event the chance to show up before the caller counts.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  gateway_->FlushAccessEvents();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  return Queries().AccessTrail(patient_id_, {100, std::nullopt}).value().items;
}

std::vector<std::string> MultipartParts(const TestResponse& response) {
  std::vector<std::string> parts;
  Result<std::string> boundary = MultipartBoundary(response.Header("content-type"));
  if (!boundary.ok()) {
    return parts;
  }
  const std::string delimiter = "--" + *boundary;
  size_t position = response.body.find(delimiter);
  while (position != std::string::npos) {
    position += delimiter.size();
    if (response.body.compare(position, 2, "--") == 0) {
      break;
    }
    size_t begin = response.body.find("\r\n\r\n", position);
    size_t end = response.body.find("\r\n" + delimiter, begin);
    if (begin == std::string::npos || end == std::string::npos) {
      break;
    }
    parts.push_back(response.body.substr(begin + 4, end - begin - 4));
    position = end + 2;
  }
  return parts;
}

}  // namespace imledger::gateway::testing

#include "tests/contracts/ledger_fixture.h"

#include <leveldb/write_batch.h>

namespace imledger::contracts::testing {

TempDirectory::TempDirectory() {
  std::string pattern = (std::filesystem::temp_directory_path() / "imledger-contracts-XXXXXX");
  char* created = mkdtemp(pattern.data());
  EXPECT_NE(created, nullptr);
  path_ = pattern;
}

TempDirectory::~TempDirectory() {
  std::error_code ignored;  // A leftover temporary folder does not fail a test.
  std::filesystem::remove_all(path_, ignored);
}

std::unique_ptr<leveldb::DB> OpenDatabase(const std::filesystem::path& path) {
  leveldb::Options options;
  options.create_if_missing = true;
  leveldb::DB* db = nullptr;
  leveldb::Status status = leveldb::DB::Open(options, path.string(), &db);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return std::unique_ptr<leveldb::DB>(db);
}

void CommitBatch(leveldb::DB* db, leveldb::WriteBatch& batch) {
  leveldb::WriteOptions options;
  options.sync = true;
  leveldb::Status status = db->Write(options, &batch);
  ASSERT_TRUE(status.ok()) << status.ToString();
}

void LedgerFixture::SetUp() {
  directory_ = std::make_unique<TempDirectory>();
  db_ = OpenDatabase(directory_->path() / "state");
  engine_ = std::make_unique<Engine>(db_.get());
  queries_ = std::make_unique<LedgerQueries>(db_.get());
  leveldb::WriteBatch batch;
  Result<crypto::Digest> digest = engine_->ApplyGenesis(TestGenesis(), batch);
  ASSERT_TRUE(digest.ok()) << digest.status().ToString();
  CommitBatch(db_.get(), batch);
  genesis_digest_ = *digest;
}

void LedgerFixture::Restart() {
  queries_.reset();
  engine_.reset();
  db_.reset();
  db_ = OpenDatabase(directory_->path() / "state");
  engine_ = std::make_unique<Engine>(db_.get());
  queries_ = std::make_unique<LedgerQueries>(db_.get());
}

BlockExecution LedgerFixture::ExecuteBlock(const std::vector<Bytes>& transactions,
                                           uint64_t advance_ms) {
  leveldb::WriteBatch batch;
  Result<BlockExecution> execution =
      engine_->ExecuteBlock(height_ + 1, time_ms_ + advance_ms, transactions, batch);
  EXPECT_TRUE(execution.ok()) << execution.status().ToString();
  if (!execution.ok()) {
    return BlockExecution{};
  }
  CommitBatch(db_.get(), batch);
  height_ += 1;
  time_ms_ += advance_ms;
  return *execution;
}

void LedgerFixture::EnrollMember(std::string_view admin, std::string_view organization,
                                 std::string_view member, std::vector<Role> roles) {
  TransactionResult result =
      Run(admin, MemberEnroll{Public(member), std::string(organization), std::move(roles)});
  ASSERT_EQ(result.code, RejectCode::kAccepted) << result.message;
}

crypto::Digest LedgerFixture::EnrollPatient(std::string_view registrar,
                                            std::string_view pseudonym_name,
                                            std::string_view patient) {
  TransactionResult result =
      Run(registrar, PatientEnroll{DigestNamed(pseudonym_name), Public(patient)});
  EXPECT_EQ(result.code, RejectCode::kAccepted) << result.message;
  return result.transaction_id;
}

crypto::Digest LedgerFixture::AnchorStudy(std::string_view technician, std::string_view study_name,
                                          std::string_view pseudonym_name,
                                          std::optional<crypto::Digest> previous) {
  StudyAnchor anchor;
  anchor.study_key = DigestNamed(study_name);
  anchor.pseudonym = DigestNamed(pseudonym_name);
  anchor.study_root = DigestNamed(std::string(study_name) + "/root");
  anchor.instance_count = 120;
  anchor.total_bytes = 64'000'000;
  anchor.modalities = {"CT"};
  anchor.previous_anchor = previous;
  TransactionResult result = Run(technician, anchor);
  EXPECT_EQ(result.code, RejectCode::kAccepted) << result.message;
  return result.transaction_id;
}

crypto::Digest LedgerFixture::GrantConsent(std::string_view patient, const ConsentGrant& grant) {
  TransactionResult result = Run(patient, grant);
  EXPECT_EQ(result.code, RejectCode::kAccepted) << result.message;
  return result.transaction_id;
}

void LedgerFixture::EnrollStaff() {
  EnrollMember("admin-a", "hospital-a", "registrar-a", {Role::kRegistrar});
  EnrollMember("admin-a", "hospital-a", "technician-a", {Role::kTechnician});
  EnrollMember("admin-a", "hospital-a", "radiologist-a", {Role::kRadiologist});
  EnrollMember("admin-a", "hospital-a", "clinician-a", {Role::kClinician});
  EnrollMember("admin-a", "hospital-a", "gateway-a", {Role::kGateway});
  EnrollMember("admin-b", "hospital-b", "clinician-b", {Role::kClinician});
  EnrollMember("admin-b", "hospital-b", "registrar-b", {Role::kRegistrar});
  EnrollMember("admin-lab", "ai-lab", "annotator-lab", {Role::kAnnotator});
}

ConsentGrant LedgerFixture::GrantToOrganization(std::string_view organization,
                                                std::vector<Purpose> purposes,
                                                std::vector<crypto::Digest> studies) {
  ConsentGrant grant;
  grant.grantee.kind = GranteeKind::kOrganization;
  grant.grantee.organization = std::string(organization);
  grant.all_studies = studies.empty();
  std::sort(studies.begin(), studies.end());
  grant.study_keys = std::move(studies);
  grant.purposes = std::move(purposes);
  grant.valid_from_ms = time_ms_;
  grant.valid_until_ms = time_ms_ + 365ull * 24 * 3600 * 1000;
  return grant;
}

}  // namespace imledger::contracts::testing

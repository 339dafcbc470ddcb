#include <gtest/gtest.h>

#include "tests/contracts/ledger_fixture.h"

namespace imledger::contracts::testing {
namespace {

class MemberRules : public LedgerFixture {};

TEST_F(MemberRules, EnrollStoresOrganizationAndRoles) {
  EnrollMember("admin-a", "hospital-a", "tech", {Role::kTechnician, Role::kClinician});
  Result<std::optional<MemberRecord>> member = queries_->Member(Public("tech"));
  ASSERT_TRUE(member.ok());
  ASSERT_TRUE(member->has_value());
  EXPECT_EQ((*member)->organization, "hospital-a");
  EXPECT_TRUE((*member)->HasRole(Role::kTechnician));
  EXPECT_TRUE((*member)->HasRole(Role::kClinician));
  EXPECT_FALSE((*member)->HasRole(Role::kAdmin));
  EXPECT_EQ((*member)->enrolled_ms, kGenesisTimeMs + 1000);
}

TEST_F(MemberRules, EnrollByNonMemberRejected) {
  TransactionResult result =
      Run("stranger", MemberEnroll{Public("tech"), "hospital-a", {Role::kTechnician}});
  EXPECT_EQ(result.code, RejectCode::kUnknownSigner);
  EXPECT_NE(result.message.find("signer"), std::string::npos) << result.message;
}

TEST_F(MemberRules, EnrollIntoOtherOrganizationRejected) {
  TransactionResult result =
      Run("admin-a", MemberEnroll{Public("tech"), "hospital-b", {Role::kTechnician}});
  EXPECT_EQ(result.code, RejectCode::kWrongOrganization);
  EXPECT_NE(result.message.find("payload.organization"), std::string::npos) << result.message;
}

TEST_F(MemberRules, EnrollByNonAdminRejected) {
  EnrollMember("admin-a", "hospital-a", "tech", {Role::kTechnician});
  TransactionResult result =
      Run("tech", MemberEnroll{Public("x"), "hospital-a", {Role::kClinician}});
  EXPECT_EQ(result.code, RejectCode::kMissingRole);
  EXPECT_NE(result.message.find("admin"), std::string::npos) << result.message;
}

TEST_F(MemberRules, EnrollExistingMemberRejected) {
  EnrollMember("admin-a", "hospital-a", "tech", {Role::kTechnician});
  TransactionResult result =
      Run("admin-b", MemberEnroll{Public("tech"), "hospital-b", {Role::kTechnician}});
  EXPECT_EQ(result.code, RejectCode::kAlreadyExists);
  EXPECT_NE(result.message.find("payload.member"), std::string::npos) << result.message;
}

TEST_F(MemberRules, EnrollAdminRoleIsMalformed) {
  MemberEnroll payload{Public("x"), "hospital-a", {Role::kAdmin}};
  EXPECT_EQ(Run("admin-a", payload).code, RejectCode::kMalformedPayload);
}

TEST_F(MemberRules, EnrollPatientKeyRejected) {
  EnrollStaff();
  EnrollPatient("registrar-a", "pseudonym-1", "patient-1");
  TransactionResult result =
      Run("admin-a", MemberEnroll{Public("patient-1"), "hospital-a", {Role::kClinician}});
  EXPECT_EQ(result.code, RejectCode::kAlreadyExists);
}

TEST_F(MemberRules, RevokedMemberCannotSign) {
  EnrollStaff();
  EXPECT_EQ(Run("admin-a", MemberRevoke{Public("registrar-a"), "hospital-a"}).code,
            RejectCode::kAccepted);
  TransactionResult result =
      Run("registrar-a", PatientEnroll{DigestNamed("pseudonym-1"), Public("patient-1")});
  EXPECT_EQ(result.code, RejectCode::kSignerRevoked);
  EXPECT_NE(result.message.find("revoked at " + std::to_string(time_ms() - 1000)),
            std::string::npos)
      << result.message;
}

TEST_F(MemberRules, RevokeForeignMemberRejected) {
  EnrollStaff();
  TransactionResult result = Run("admin-a", MemberRevoke{Public("clinician-b"), "hospital-a"});
  EXPECT_EQ(result.code, RejectCode::kForeignObject);
}

TEST_F(MemberRules, RevokeUnknownMemberRejected) {
  TransactionResult result = Run("admin-a", MemberRevoke{Public("nobody"), "hospital-a"});
  EXPECT_EQ(result.code, RejectCode::kNotFound);
}

TEST_F(MemberRules, RevokeTwiceRejected) {
  EnrollStaff();
  EXPECT_EQ(Run("admin-a", MemberRevoke{Public("clinician-a"), "hospital-a"}).code,
            RejectCode::kAccepted);
  EXPECT_EQ(Run("admin-a", MemberRevoke{Public("clinician-a"), "hospital-a"}).code,
            RejectCode::kAlreadyRevoked);
}

TEST_F(MemberRules, AdminCannotRevokeItself) {
  EXPECT_EQ(Run("admin-a", MemberRevoke{Public("admin-a"), "hospital-a"}).code,
            RejectCode::kInvalidField);
}

TEST_F(MemberRules, RevokedKeyCannotBeReenrolled) {
  EnrollStaff();
  EXPECT_EQ(Run("admin-a", MemberRevoke{Public("clinician-a"), "hospital-a"}).code,
            RejectCode::kAccepted);
  EXPECT_EQ(
      Run("admin-a", MemberEnroll{Public("clinician-a"), "hospital-a", {Role::kClinician}}).code,
      RejectCode::kAlreadyExists);
}

class PatientRules : public LedgerFixture {
 protected:
  void SetUp() override {
    LedgerFixture::SetUp();
    EnrollStaff();
  }
};

TEST_F(PatientRules, EnrollCreatesPatientWithTransactionId) {
  crypto::Digest patient_id = EnrollPatient("registrar-a", "pseudonym-1", "patient-1");
  Result<std::optional<crypto::Digest>> found = queries_->PatientIdForKey(Public("patient-1"));
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ(**found, patient_id);
}

TEST_F(PatientRules, EnrollByNonRegistrarRejected) {
  TransactionResult result =
      Run("technician-a", PatientEnroll{DigestNamed("pseudonym-1"), Public("patient-1")});
  EXPECT_EQ(result.code, RejectCode::kMissingRole);
  EXPECT_NE(result.message.find("registrar"), std::string::npos) << result.message;
}

TEST_F(PatientRules, EnrollSamePseudonymTwiceRejected) {
  EnrollPatient("registrar-a", "pseudonym-1", "patient-1");
  TransactionResult result =
      Run("registrar-a", PatientEnroll{DigestNamed("pseudonym-1"), Public("patient-2")});
  EXPECT_EQ(result.code, RejectCode::kAlreadyExists);
  EXPECT_NE(result.message.find("payload.pseudonym"), std::string::npos) << result.message;
}

TEST_F(PatientRules, SecondHospitalBindsToSamePatient) {
  crypto::Digest patient_id = EnrollPatient("registrar-a", "pseudonym-a", "patient-1");
  EnrollPatient("registrar-b", "pseudonym-b", "patient-1");
  Result<std::optional<PatientRecord>> patient = queries_->Patient(patient_id);
  ASSERT_TRUE(patient.ok());
  ASSERT_TRUE(patient->has_value());
  EXPECT_EQ((*patient)->pseudonym_count, 2u);
}

TEST_F(PatientRules, EnrollMemberKeyAsPatientRejected) {
  TransactionResult result =
      Run("registrar-a", PatientEnroll{DigestNamed("pseudonym-1"), Public("clinician-a")});
  EXPECT_EQ(result.code, RejectCode::kAlreadyExists);
  EXPECT_NE(result.message.find("payload.patient_key"), std::string::npos) << result.message;
}

TEST_F(PatientRules, RotateKeyMovesAuthority) {
  crypto::Digest patient_id = EnrollPatient("registrar-a", "pseudonym-1", "patient-1");
  EXPECT_EQ(Run("patient-1", PatientRotateKey{Public("patient-1-new")}).code,
            RejectCode::kAccepted);
  Result<std::optional<PatientRecord>> patient = queries_->Patient(patient_id);
  ASSERT_TRUE(patient.ok());
  ASSERT_TRUE(patient->has_value());
  EXPECT_EQ((*patient)->current_key, Public("patient-1-new"));

  TransactionResult old_key =
      Run("patient-1", GrantToOrganization("hospital-b", {Purpose::kTreatment}));
  EXPECT_EQ(old_key.code, RejectCode::kRetiredKey);
  TransactionResult new_key =
      Run("patient-1-new", GrantToOrganization("hospital-b", {Purpose::kTreatment}));
  EXPECT_EQ(new_key.code, RejectCode::kAccepted) << new_key.message;
}

TEST_F(PatientRules, RotateByUnknownKeyRejected) {
  EXPECT_EQ(Run("stranger", PatientRotateKey{Public("fresh")}).code, RejectCode::kUnknownSigner);
}

TEST_F(PatientRules, RotateToUsedKeyRejected) {
  EnrollPatient("registrar-a", "pseudonym-1", "patient-1");
  EnrollPatient("registrar-a", "pseudonym-2", "patient-2");
  TransactionResult result = Run("patient-1", PatientRotateKey{Public("patient-2")});
  EXPECT_EQ(result.code, RejectCode::kAlreadyExists);
  EXPECT_NE(result.message.find("payload.new_key"), std::string::npos) << result.message;
}

TEST_F(PatientRules, RotateByStaffRejected) {
  EnrollPatient("registrar-a", "pseudonym-1", "patient-1");
  EXPECT_EQ(Run("registrar-a", PatientRotateKey{Public("fresh")}).code, RejectCode::kUnknownSigner);
}

TEST_F(PatientRules, RetiredKeyCannotBeEnrolledAgain) {
  EnrollPatient("registrar-a", "pseudonym-1", "patient-1");
  EXPECT_EQ(Run("patient-1", PatientRotateKey{Public("patient-1-new")}).code,
            RejectCode::kAccepted);
  TransactionResult result =
      Run("registrar-b", PatientEnroll{DigestNamed("pseudonym-b"), Public("patient-1")});
  EXPECT_EQ(result.code, RejectCode::kRetiredKey);
}

}  // namespace
}  // namespace imledger::contracts::testing

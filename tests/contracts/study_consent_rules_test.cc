#include <gtest/gtest.h>

#include "tests/contracts/ledger_fixture.h"

namespace imledger::contracts::testing {
namespace {

class ClinicalRules : public LedgerFixture {
 protected:
  void SetUp() override {
    LedgerFixture::SetUp();
    EnrollStaff();
    patient_id_ = EnrollPatient("registrar-a", "pseudonym-1", "patient-1");
    EnrollPatient("registrar-a", "pseudonym-2", "patient-2");
    anchor_id_ = AnchorStudy("technician-a", "study-1", "pseudonym-1");
  }

  crypto::Digest patient_id_;
  crypto::Digest anchor_id_;
};

StudyAnchor Reanchor(std::string_view study, std::string_view pseudonym,
                     std::optional<crypto::Digest> previous) {
  StudyAnchor anchor;
  anchor.study_key = DigestNamed(study);
  anchor.pseudonym = DigestNamed(pseudonym);
  anchor.study_root = DigestNamed("new-root");
  anchor.instance_count = 121;
  anchor.total_bytes = 65'000'000;
  anchor.modalities = {"CT", "SR"};
  anchor.previous_anchor = previous;
  return anchor;
}

TEST_F(ClinicalRules, AnchorByNonTechnicianRejected) {
  TransactionResult result = Run("clinician-a", Reanchor("study-2", "pseudonym-1", std::nullopt));
  EXPECT_EQ(result.code, RejectCode::kMissingRole);
}

TEST_F(ClinicalRules, AnchorForUnknownPseudonymRejected) {
  TransactionResult result = Run("technician-a", Reanchor("study-2", "nobody", std::nullopt));
  EXPECT_EQ(result.code, RejectCode::kNotFound);
  EXPECT_NE(result.message.find("payload.pseudonym"), std::string::npos) << result.message;
}

TEST_F(ClinicalRules, AnchorWithZeroInstancesRejected) {
  StudyAnchor anchor = Reanchor("study-2", "pseudonym-1", std::nullopt);
  anchor.instance_count = 0;
  TransactionResult result = Run("technician-a", anchor);
  EXPECT_EQ(result.code, RejectCode::kInvalidField);
  EXPECT_NE(result.message.find("payload.instance_count"), std::string::npos) << result.message;
}

TEST_F(ClinicalRules, ReanchorReferencingLatestAccepted) {
  TransactionResult result = Run("technician-a", Reanchor("study-1", "pseudonym-1", anchor_id_));
  ASSERT_EQ(result.code, RejectCode::kAccepted) << result.message;
  Result<std::vector<AnchorRecord>> anchors = queries_->StudyAnchors(DigestNamed("study-1"));
  ASSERT_TRUE(anchors.ok());
  ASSERT_EQ(anchors->size(), 2u);
  EXPECT_EQ((*anchors)[0].version, 1u);
  EXPECT_EQ((*anchors)[0].anchor_id, anchor_id_);
  EXPECT_EQ((*anchors)[1].version, 2u);
  EXPECT_EQ((*anchors)[1].anchor_id, result.transaction_id);
  EXPECT_EQ((*anchors)[1].study_root, DigestNamed("new-root"));
}

TEST_F(ClinicalRules, ReanchorWithoutPreviousRejected) {
  TransactionResult result = Run("technician-a", Reanchor("study-1", "pseudonym-1", std::nullopt));
  EXPECT_EQ(result.code, RejectCode::kVersionMismatch);
  EXPECT_NE(result.message.find("payload.previous_anchor"), std::string::npos) << result.message;
}

TEST_F(ClinicalRules, ReanchorReferencingOldVersionRejected) {
  ASSERT_EQ(Run("technician-a", Reanchor("study-1", "pseudonym-1", anchor_id_)).code,
            RejectCode::kAccepted);
  EXPECT_EQ(Run("technician-a", Reanchor("study-1", "pseudonym-1", anchor_id_)).code,
            RejectCode::kVersionMismatch);
}

TEST_F(ClinicalRules, FirstAnchorWithPreviousRejected) {
  EXPECT_EQ(Run("technician-a", Reanchor("study-2", "pseudonym-1", anchor_id_)).code,
            RejectCode::kVersionMismatch);
}

TEST_F(ClinicalRules, ReanchorByOtherOrganizationRejected) {
  EnrollMember("admin-b", "hospital-b", "technician-b", {Role::kTechnician});
  EXPECT_EQ(Run("technician-b", Reanchor("study-1", "pseudonym-1", anchor_id_)).code,
            RejectCode::kWrongOrganization);
}

TEST_F(ClinicalRules, ReanchorWithOtherPseudonymRejected) {
  EXPECT_EQ(Run("technician-a", Reanchor("study-1", "pseudonym-2", anchor_id_)).code,
            RejectCode::kForeignObject);
}

TEST_F(ClinicalRules, ReportChainKeepsSupersededVersion) {
  ReportSign first{DigestNamed("study-1"), DigestNamed("report v1"), "application/pdf",
                   std::nullopt};
  TransactionResult signed_first = Run("radiologist-a", first);
  ASSERT_EQ(signed_first.code, RejectCode::kAccepted) << signed_first.message;
  ReportSign second{DigestNamed("study-1"), DigestNamed("report v2"), "application/pdf",
                    signed_first.transaction_id};
  TransactionResult signed_second = Run("radiologist-a", second);
  ASSERT_EQ(signed_second.code, RejectCode::kAccepted) << signed_second.message;

  Result<std::vector<ReportVersion>> chain = queries_->ReportChain(signed_first.transaction_id);
  ASSERT_TRUE(chain.ok());
  ASSERT_EQ(chain->size(), 2u);
  EXPECT_EQ((*chain)[0].report_id, signed_first.transaction_id);
  EXPECT_EQ((*chain)[0].report.report_digest, DigestNamed("report v1"));
  EXPECT_EQ((*chain)[0].report.superseded_by, signed_second.transaction_id);
  EXPECT_EQ((*chain)[1].report.supersedes, signed_first.transaction_id);
  EXPECT_FALSE((*chain)[1].report.superseded_by.has_value());

  Result<std::vector<ReportVersion>> from_latest =
      queries_->ReportChain(signed_second.transaction_id);
  ASSERT_TRUE(from_latest.ok());
  EXPECT_EQ(from_latest->size(), 2u);
}

TEST_F(ClinicalRules, SupersedingSupersededReportRejected) {
  TransactionResult first =
      Run("radiologist-a", ReportSign{DigestNamed("study-1"), DigestNamed("v1"), "text/plain", {}});
  ASSERT_EQ(first.code, RejectCode::kAccepted);
  ASSERT_EQ(Run("radiologist-a", ReportSign{DigestNamed("study-1"), DigestNamed("v2"), "text/plain",
                                            first.transaction_id})
                .code,
            RejectCode::kAccepted);
  TransactionResult fork = Run(
      "radiologist-a",
      ReportSign{DigestNamed("study-1"), DigestNamed("v3"), "text/plain", first.transaction_id});
  EXPECT_EQ(fork.code, RejectCode::kVersionMismatch);
  EXPECT_NE(fork.message.find("payload.supersedes"), std::string::npos) << fork.message;
}

TEST_F(ClinicalRules, ReportForUnanchoredStudyRejected) {
  TransactionResult result =
      Run("radiologist-a", ReportSign{DigestNamed("study-9"), DigestNamed("v1"), "text/plain", {}});
  EXPECT_EQ(result.code, RejectCode::kNotFound);
  EXPECT_NE(result.message.find("payload.study_key"), std::string::npos) << result.message;
}

TEST_F(ClinicalRules, ReportSupersedingUnknownRejected) {
  EXPECT_EQ(Run("radiologist-a", ReportSign{DigestNamed("study-1"), DigestNamed("v1"), "text/plain",
                                            DigestNamed("no such report")})
                .code,
            RejectCode::kNotFound);
}

TEST_F(ClinicalRules, ReportSupersedingOtherStudyRejected) {
  AnchorStudy("technician-a", "study-2", "pseudonym-2");
  TransactionResult first =
      Run("radiologist-a", ReportSign{DigestNamed("study-1"), DigestNamed("v1"), "text/plain", {}});
  EXPECT_EQ(Run("radiologist-a", ReportSign{DigestNamed("study-2"), DigestNamed("v2"), "text/plain",
                                            first.transaction_id})
                .code,
            RejectCode::kForeignObject);
}

TEST_F(ClinicalRules, ReportByTechnicianRejected) {
  EXPECT_EQ(
      Run("technician-a", ReportSign{DigestNamed("study-1"), DigestNamed("v1"), "text/plain", {}})
          .code,
      RejectCode::kMissingRole);
}

TEST_F(ClinicalRules, GrantByPatientAccepted) {
  crypto::Digest grant_id =
      GrantConsent("patient-1", GrantToOrganization("hospital-b", {Purpose::kTreatment}));
  Result<std::optional<GrantRecord>> grant = queries_->Grant(grant_id);
  ASSERT_TRUE(grant.ok());
  ASSERT_TRUE(grant->has_value());
  EXPECT_EQ((*grant)->patient_id, patient_id_);
  EXPECT_EQ((*grant)->granted_ms, time_ms());
}

TEST_F(ClinicalRules, GrantByStaffRejected) {
  TransactionResult result =
      Run("registrar-a", GrantToOrganization("hospital-b", {Purpose::kTreatment}));
  EXPECT_EQ(result.code, RejectCode::kUnknownSigner);
}

TEST_F(ClinicalRules, GrantToUnknownOrganizationRejected) {
  TransactionResult result =
      Run("patient-1", GrantToOrganization("hospital-z", {Purpose::kTreatment}));
  EXPECT_EQ(result.code, RejectCode::kNotFound);
  EXPECT_NE(result.message.find("payload.grantee.organization"), std::string::npos)
      << result.message;
}

TEST_F(ClinicalRules, GrantToUnknownMemberRejected) {
  ConsentGrant grant = GrantToOrganization("hospital-b", {Purpose::kTreatment});
  grant.grantee = Grantee{GranteeKind::kMember, "", Public("nobody")};
  EXPECT_EQ(Run("patient-1", grant).code, RejectCode::kNotFound);
}

TEST_F(ClinicalRules, GrantWithInvertedWindowRejected) {
  ConsentGrant grant = GrantToOrganization("hospital-b", {Purpose::kTreatment});
  grant.valid_until_ms = grant.valid_from_ms;
  TransactionResult result = Run("patient-1", grant);
  EXPECT_EQ(result.code, RejectCode::kInvalidField);
  EXPECT_NE(result.message.find("payload.valid_until_ms"), std::string::npos) << result.message;
}

TEST_F(ClinicalRules, GrantAlreadyExpiredRejected) {
  ConsentGrant grant = GrantToOrganization("hospital-b", {Purpose::kTreatment});
  grant.valid_from_ms = 1;
  grant.valid_until_ms = time_ms();
  EXPECT_EQ(Run("patient-1", grant).code, RejectCode::kInvalidField);
}

TEST_F(ClinicalRules, GrantForOtherPatientsStudyRejected) {
  AnchorStudy("technician-a", "study-2", "pseudonym-2");
  TransactionResult result =
      Run("patient-1",
          GrantToOrganization("hospital-b", {Purpose::kTreatment}, {DigestNamed("study-2")}));
  EXPECT_EQ(result.code, RejectCode::kForeignObject);
  EXPECT_NE(result.message.find("payload.study_keys[0]"), std::string::npos) << result.message;
}

TEST_F(ClinicalRules, GrantForUnknownStudyRejected) {
  TransactionResult result =
      Run("patient-1",
          GrantToOrganization("hospital-b", {Purpose::kTreatment}, {DigestNamed("study-9")}));
  EXPECT_EQ(result.code, RejectCode::kNotFound);
}

TEST_F(ClinicalRules, GrantWithoutPurposesIsMalformed) {
  EXPECT_EQ(Run("patient-1", GrantToOrganization("hospital-b", {})).code,
            RejectCode::kMalformedPayload);
}

TEST_F(ClinicalRules, RevokeOwnGrantAccepted) {
  crypto::Digest grant_id =
      GrantConsent("patient-1", GrantToOrganization("hospital-b", {Purpose::kTreatment}));
  EXPECT_EQ(Run("patient-1", ConsentRevoke{grant_id}).code, RejectCode::kAccepted);
  Result<std::optional<GrantRecord>> grant = queries_->Grant(grant_id);
  ASSERT_TRUE(grant.ok());
  ASSERT_TRUE(grant->has_value());
  EXPECT_EQ((*grant)->revoked_ms, time_ms());
}

TEST_F(ClinicalRules, RevokeUnknownGrantRejected) {
  TransactionResult result = Run("patient-1", ConsentRevoke{DigestNamed("no grant")});
  EXPECT_EQ(result.code, RejectCode::kNotFound);
  EXPECT_NE(result.message.find("payload.grant_id"), std::string::npos) << result.message;
}

TEST_F(ClinicalRules, RevokeForeignGrantRejected) {
  crypto::Digest grant_id =
      GrantConsent("patient-1", GrantToOrganization("hospital-b", {Purpose::kTreatment}));
  EXPECT_EQ(Run("patient-2", ConsentRevoke{grant_id}).code, RejectCode::kForeignObject);
}

TEST_F(ClinicalRules, RevokeTwiceRejected) {
  crypto::Digest grant_id =
      GrantConsent("patient-1", GrantToOrganization("hospital-b", {Purpose::kTreatment}));
  EXPECT_EQ(Run("patient-1", ConsentRevoke{grant_id}).code, RejectCode::kAccepted);
  EXPECT_EQ(Run("patient-1", ConsentRevoke{grant_id}).code, RejectCode::kAlreadyRevoked);
}

TEST_F(ClinicalRules, RevokeByStaffRejected) {
  crypto::Digest grant_id =
      GrantConsent("patient-1", GrantToOrganization("hospital-b", {Purpose::kTreatment}));
  EXPECT_EQ(Run("clinician-b", ConsentRevoke{grant_id}).code, RejectCode::kUnknownSigner);
}

}  // namespace
}  // namespace imledger::contracts::testing

#include <gtest/gtest.h>

#include "crypto/merkle.h"
#include "tests/contracts/ledger_fixture.h"

namespace imledger::contracts::testing {
namespace {

class AccessRules : public LedgerFixture {
 protected:
  void SetUp() override {
    LedgerFixture::SetUp();
    EnrollStaff();
    patient_id_ = EnrollPatient("registrar-a", "pseudonym-1", "patient-1");
    AnchorStudy("technician-a", "study-1", "pseudonym-1");
  }

  AccessEvent Event(std::string_view requester, std::string_view study, bool allowed,
                    std::optional<crypto::Digest> grant = std::nullopt) {
    return AccessEvent{Public(requester), DigestNamed(study),  Purpose::kTreatment, allowed, grant,
                       time_ms(),         allowed ? 4096u : 0u};
  }

  crypto::Digest patient_id_;
};

TEST_F(AccessRules, EmergencyAccessIsFlaggedOnTrail) {
  TransactionResult result =
      Run("clinician-b", AccessEmergency{DigestNamed("study-1"), "unconscious patient in ER"});
  ASSERT_EQ(result.code, RejectCode::kAccepted) << result.message;
  Result<Page<TrailEntry>> trail = queries_->AccessTrail(patient_id_, {});
  ASSERT_TRUE(trail.ok());
  ASSERT_EQ(trail->items.size(), 1u);
  const TrailEvent& event = trail->items[0].event;
  EXPECT_TRUE(event.flagged());
  EXPECT_EQ(event.kind, TrailKind::kEmergency);
  EXPECT_EQ(event.requester, Public("clinician-b"));
  EXPECT_EQ(event.reason, "unconscious patient in ER");
  EXPECT_EQ(event.time_ms, time_ms());
}

TEST_F(AccessRules, EmergencyByNonClinicianRejected) {
  EXPECT_EQ(Run("technician-a", AccessEmergency{DigestNamed("study-1"), "reason"}).code,
            RejectCode::kMissingRole);
}

TEST_F(AccessRules, EmergencyForUnknownStudyRejected) {
  EXPECT_EQ(Run("clinician-b", AccessEmergency{DigestNamed("study-9"), "reason"}).code,
            RejectCode::kNotFound);
}

TEST_F(AccessRules, RecordByGatewayAppendsTrailNewestFirst) {
  AccessRecord record{{Event("clinician-a", "study-1", true),
                       Event("clinician-b", "study-1", false),
                       Event("clinician-b", "study-unknown", false)}};
  TransactionResult result = Run("gateway-a", record);
  ASSERT_EQ(result.code, RejectCode::kAccepted) << result.message;
  Result<Page<TrailEntry>> trail = queries_->AccessTrail(patient_id_, {});
  ASSERT_TRUE(trail.ok());
  ASSERT_EQ(trail->items.size(), 2u);
  EXPECT_EQ(trail->items[0].sequence, 1u);
  EXPECT_EQ(trail->items[0].event.requester, Public("clinician-b"));
  EXPECT_FALSE(trail->items[0].event.allowed);
  EXPECT_EQ(trail->items[1].sequence, 0u);
  EXPECT_TRUE(trail->items[1].event.allowed);
  EXPECT_EQ(trail->items[1].event.bytes_served, 4096u);
  EXPECT_EQ(trail->items[0].event.bytes_served, 0u);
  EXPECT_FALSE(trail->next_before.has_value());
}

TEST_F(AccessRules, RecordByNonGatewayRejected) {
  AccessRecord record{{Event("clinician-a", "study-1", true)}};
  TransactionResult result = Run("clinician-a", record);
  EXPECT_EQ(result.code, RejectCode::kMissingRole);
  EXPECT_NE(result.message.find("gateway"), std::string::npos) << result.message;
}

TEST_F(AccessRules, RecordWithUnknownGrantRejected) {
  AccessRecord record{{Event("clinician-b", "study-1", true, DigestNamed("no grant"))}};
  TransactionResult result = Run("gateway-a", record);
  EXPECT_EQ(result.code, RejectCode::kNotFound);
  EXPECT_NE(result.message.find("payload.events[0].grant_used"), std::string::npos)
      << result.message;
}

TEST_F(AccessRules, DeniedEventWithGrantRejected) {
  crypto::Digest grant_id =
      GrantConsent("patient-1", GrantToOrganization("hospital-b", {Purpose::kTreatment}));
  AccessRecord record{{Event("clinician-b", "study-1", false, grant_id)}};
  EXPECT_EQ(Run("gateway-a", record).code, RejectCode::kInvalidField);
}

TEST_F(AccessRules, DeniedEventWithServedBytesRejected) {
  AccessEvent denied = Event("clinician-b", "study-1", false);
  denied.bytes_served = 512;
  AccessRecord record{{Event("clinician-a", "study-1", true), denied}};
  TransactionResult result = Run("gateway-a", record);
  EXPECT_EQ(result.code, RejectCode::kInvalidField);
  EXPECT_EQ(result.message,
            "payload.events[1].bytes_served: a denied request served 512 bytes; a denial serves 0");
  Result<Page<TrailEntry>> trail = queries_->AccessTrail(patient_id_, {});
  ASSERT_TRUE(trail.ok());
  EXPECT_TRUE(trail->items.empty());
}

TEST_F(AccessRules, EmptyRecordIsMalformed) {
  EXPECT_EQ(Run("gateway-a", AccessRecord{}).code, RejectCode::kMalformedPayload);
}

TEST_F(AccessRules, TrailPaginatesNewestFirst) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(Run("gateway-a", AccessRecord{{Event("clinician-a", "study-1", true)}}).code,
              RejectCode::kAccepted);
  }
  Result<Page<TrailEntry>> first = queries_->AccessTrail(patient_id_, PageRequest{2, std::nullopt});
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->items.size(), 2u);
  EXPECT_EQ(first->items[0].sequence, 4u);
  EXPECT_EQ(first->items[1].sequence, 3u);
  EXPECT_EQ(first->next_before, 3u);

  Result<Page<TrailEntry>> second = queries_->AccessTrail(patient_id_, PageRequest{2, 3});
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->items.size(), 2u);
  EXPECT_EQ(second->items[0].sequence, 2u);
  EXPECT_EQ(second->next_before, 1u);

  Result<Page<TrailEntry>> last = queries_->AccessTrail(patient_id_, PageRequest{2, 1});
  ASSERT_TRUE(last.ok());
  ASSERT_EQ(last->items.size(), 1u);
  EXPECT_EQ(last->items[0].sequence, 0u);
  EXPECT_FALSE(last->next_before.has_value());
}

TEST_F(AccessRules, PageLimitZeroRejected) {
  EXPECT_EQ(queries_->AccessTrail(patient_id_, PageRequest{0, std::nullopt}).status().code(),
            StatusCode::kInvalidArgument);
}

class DecideQuery : public AccessRules {};

TEST_F(DecideQuery, AcquiringOrganizationGetsTreatment) {
  Result<AccessDecision> decision = queries_->Decide(Public("clinician-a"), DigestNamed("study-1"),
                                                     Purpose::kTreatment, time_ms());
  ASSERT_TRUE(decision.ok());
  EXPECT_TRUE(decision->allowed);
  EXPECT_EQ(decision->rule, "acquiring organization, treatment");
  EXPECT_FALSE(decision->grant_id.has_value());
}

TEST_F(DecideQuery, AcquiringOrganizationDeniedResearch) {
  Result<AccessDecision> decision = queries_->Decide(Public("clinician-a"), DigestNamed("study-1"),
                                                     Purpose::kResearch, time_ms());
  ASSERT_TRUE(decision.ok());
  EXPECT_FALSE(decision->allowed);
}

TEST_F(DecideQuery, OtherOrganizationDeniedWithoutGrant) {
  Result<AccessDecision> decision = queries_->Decide(Public("clinician-b"), DigestNamed("study-1"),
                                                     Purpose::kTreatment, time_ms());
  ASSERT_TRUE(decision.ok());
  EXPECT_FALSE(decision->allowed);
  EXPECT_NE(decision->rule.find("no active grant"), std::string::npos) << decision->rule;
}

TEST_F(DecideQuery, GrantAllowsNamingGrantId) {
  crypto::Digest grant_id =
      GrantConsent("patient-1", GrantToOrganization("hospital-b", {Purpose::kTreatment}));
  Result<AccessDecision> decision = queries_->Decide(Public("clinician-b"), DigestNamed("study-1"),
                                                     Purpose::kTreatment, time_ms());
  ASSERT_TRUE(decision.ok());
  EXPECT_TRUE(decision->allowed);
  EXPECT_EQ(decision->grant_id, grant_id);
  EXPECT_EQ(decision->rule, "consent grant");
}

TEST_F(DecideQuery, RevokedGrantDenies) {
  crypto::Digest grant_id =
      GrantConsent("patient-1", GrantToOrganization("hospital-b", {Purpose::kTreatment}));
  ASSERT_EQ(Run("patient-1", ConsentRevoke{grant_id}).code, RejectCode::kAccepted);
  Result<AccessDecision> decision = queries_->Decide(Public("clinician-b"), DigestNamed("study-1"),
                                                     Purpose::kTreatment, time_ms());
  ASSERT_TRUE(decision.ok());
  EXPECT_FALSE(decision->allowed);
}

TEST_F(DecideQuery, ExpiredGrantDenies) {
  ConsentGrant grant = GrantToOrganization("hospital-b", {Purpose::kTreatment});
  grant.valid_until_ms = time_ms() + 5000;
  GrantConsent("patient-1", grant);
  Result<AccessDecision> decision = queries_->Decide(Public("clinician-b"), DigestNamed("study-1"),
                                                     Purpose::kTreatment, grant.valid_until_ms);
  ASSERT_TRUE(decision.ok());
  EXPECT_FALSE(decision->allowed);
}

TEST_F(DecideQuery, GrantForOtherPurposeDenies) {
  GrantConsent("patient-1", GrantToOrganization("hospital-b", {Purpose::kResearch}));
  Result<AccessDecision> decision = queries_->Decide(Public("clinician-b"), DigestNamed("study-1"),
                                                     Purpose::kTreatment, time_ms());
  ASSERT_TRUE(decision.ok());
  EXPECT_FALSE(decision->allowed);
}

TEST_F(DecideQuery, GrantCoversStudyOfSecondPseudonym) {
  EnrollPatient("registrar-b", "pseudonym-1b", "patient-1");
  EnrollMember("admin-b", "hospital-b", "technician-b", {Role::kTechnician});
  AnchorStudy("technician-b", "study-b", "pseudonym-1b");
  GrantConsent("patient-1", GrantToOrganization("ai-lab", {Purpose::kResearch}));
  Result<AccessDecision> decision = queries_->Decide(
      Public("annotator-lab"), DigestNamed("study-b"), Purpose::kResearch, time_ms());
  ASSERT_TRUE(decision.ok());
  EXPECT_TRUE(decision->allowed);
}

TEST_F(DecideQuery, MemberGranteeAllowsOnlyThatMember) {
  EnrollMember("admin-b", "hospital-b", "clinician-b2", {Role::kClinician});
  ConsentGrant grant = GrantToOrganization("hospital-b", {Purpose::kConsultation});
  grant.grantee = Grantee{GranteeKind::kMember, "", Public("clinician-b")};
  GrantConsent("patient-1", grant);
  Result<AccessDecision> named = queries_->Decide(Public("clinician-b"), DigestNamed("study-1"),
                                                  Purpose::kConsultation, time_ms());
  Result<AccessDecision> colleague = queries_->Decide(
      Public("clinician-b2"), DigestNamed("study-1"), Purpose::kConsultation, time_ms());
  ASSERT_TRUE(named.ok());
  ASSERT_TRUE(colleague.ok());
  EXPECT_TRUE(named->allowed);
  EXPECT_FALSE(colleague->allowed);
}

TEST_F(DecideQuery, EmergencyDeclarationAllowsWithinWindow) {
  ASSERT_EQ(Run("clinician-b", AccessEmergency{DigestNamed("study-1"), "trauma"}).code,
            RejectCode::kAccepted);
  uint64_t declared_ms = time_ms();
  Result<AccessDecision> inside = queries_->Decide(Public("clinician-b"), DigestNamed("study-1"),
                                                   Purpose::kEmergency, declared_ms + 1000);
  Result<AccessDecision> after =
      queries_->Decide(Public("clinician-b"), DigestNamed("study-1"), Purpose::kEmergency,
                       declared_ms + kEmergencyAccessWindowMs);
  ASSERT_TRUE(inside.ok());
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(inside->allowed);
  EXPECT_EQ(inside->rule, "emergency access declared at " + std::to_string(declared_ms) + " ms");
  EXPECT_FALSE(after->allowed);
}

TEST_F(DecideQuery, UnknownStudyDenied) {
  Result<AccessDecision> decision = queries_->Decide(Public("clinician-a"), DigestNamed("study-9"),
                                                     Purpose::kTreatment, time_ms());
  ASSERT_TRUE(decision.ok());
  EXPECT_FALSE(decision->allowed);
}

TEST_F(DecideQuery, RevokedRequesterDenied) {
  ASSERT_EQ(Run("admin-a", MemberRevoke{Public("clinician-a"), "hospital-a"}).code,
            RejectCode::kAccepted);
  Result<AccessDecision> decision = queries_->Decide(Public("clinician-a"), DigestNamed("study-1"),
                                                     Purpose::kTreatment, time_ms());
  ASSERT_TRUE(decision.ok());
  EXPECT_FALSE(decision->allowed);
}

TEST_F(DecideQuery, PatientGrantsSplitActiveAndPast) {
  crypto::Digest revoked =
      GrantConsent("patient-1", GrantToOrganization("hospital-b", {Purpose::kTreatment}));
  crypto::Digest active =
      GrantConsent("patient-1", GrantToOrganization("ai-lab", {Purpose::kResearch}));
  ASSERT_EQ(Run("patient-1", ConsentRevoke{revoked}).code, RejectCode::kAccepted);

  Result<Page<GrantSummary>> all =
      queries_->PatientGrants(patient_id_, GrantFilter::kAll, time_ms(), {});
  Result<Page<GrantSummary>> current =
      queries_->PatientGrants(patient_id_, GrantFilter::kActive, time_ms(), {});
  Result<Page<GrantSummary>> past =
      queries_->PatientGrants(patient_id_, GrantFilter::kPast, time_ms(), {});
  ASSERT_TRUE(all.ok());
  ASSERT_TRUE(current.ok());
  ASSERT_TRUE(past.ok());
  ASSERT_EQ(all->items.size(), 2u);
  EXPECT_EQ(all->items[0].grant_id, active);
  EXPECT_EQ(all->items[1].grant_id, revoked);
  ASSERT_EQ(current->items.size(), 1u);
  EXPECT_EQ(current->items[0].grant_id, active);
  ASSERT_EQ(past->items.size(), 1u);
  EXPECT_EQ(past->items[0].grant_id, revoked);
}

TEST_F(DecideQuery, PatientStudiesNewestFirst) {
  AnchorStudy("technician-a", "study-2", "pseudonym-1");
  Result<Page<StudySummary>> studies = queries_->PatientStudies(patient_id_, {});
  ASSERT_TRUE(studies.ok());
  ASSERT_EQ(studies->items.size(), 2u);
  EXPECT_EQ(studies->items[0].study_key, DigestNamed("study-2"));
  EXPECT_EQ(studies->items[1].study_key, DigestNamed("study-1"));
  EXPECT_EQ(studies->items[1].study.organization, "hospital-a");
}

class ProvenanceRules : public AccessRules {
 protected:
  void SetUp() override {
    AccessRules::SetUp();
    grant_id_ = GrantConsent("patient-1", GrantToOrganization("ai-lab", {Purpose::kAiTraining}));
  }

  AnnotationRecord Annotation(std::string_view name, std::string dataset = "chest-ct-2026") {
    return AnnotationRecord{
        DigestNamed("study-1"), DigestNamed(name), "segmentation", "nnU-Net", "2.5.1",
        std::move(dataset),     grant_id_};
  }

  crypto::Digest grant_id_;
};

TEST_F(ProvenanceRules, AnnotationWithAiTrainingGrantAccepted) {
  TransactionResult result = Run("annotator-lab", Annotation("mask-1"));
  ASSERT_EQ(result.code, RejectCode::kAccepted) << result.message;
  Result<DatasetContents> dataset = queries_->Dataset("chest-ct-2026");
  ASSERT_TRUE(dataset.ok());
  EXPECT_EQ(dataset->dataset.organization, "ai-lab");
  ASSERT_EQ(dataset->entries.size(), 1u);
  EXPECT_EQ(dataset->entries[0].annotation_id, result.transaction_id);
  EXPECT_EQ(dataset->entries[0].annotation.annotation_digest, DigestNamed("mask-1"));
}

TEST_F(ProvenanceRules, AnnotationWithResearchOnlyGrantRejected) {
  crypto::Digest research =
      GrantConsent("patient-1", GrantToOrganization("ai-lab", {Purpose::kResearch}));
  AnnotationRecord annotation = Annotation("mask-1");
  annotation.grant_used = research;
  TransactionResult result = Run("annotator-lab", annotation);
  EXPECT_EQ(result.code, RejectCode::kNoConsent);
  EXPECT_NE(result.message.find("ai-training"), std::string::npos) << result.message;
}

TEST_F(ProvenanceRules, AnnotationWithRevokedGrantRejected) {
  ASSERT_EQ(Run("patient-1", ConsentRevoke{grant_id_}).code, RejectCode::kAccepted);
  EXPECT_EQ(Run("annotator-lab", Annotation("mask-1")).code, RejectCode::kNoConsent);
}

TEST_F(ProvenanceRules, AnnotationByOtherOrganizationRejected) {
  EnrollMember("admin-b", "hospital-b", "annotator-b", {Role::kAnnotator});
  TransactionResult result = Run("annotator-b", Annotation("mask-1", "other-set"));
  EXPECT_EQ(result.code, RejectCode::kNoConsent);
  EXPECT_NE(result.message.find("grantee"), std::string::npos) << result.message;
}

TEST_F(ProvenanceRules, AnnotationOfUncoveredStudyRejected) {
  AnchorStudy("technician-a", "study-2", "pseudonym-1");
  crypto::Digest narrow = GrantConsent(
      "patient-1", GrantToOrganization("ai-lab", {Purpose::kAiTraining}, {DigestNamed("study-2")}));
  AnnotationRecord annotation = Annotation("mask-1");
  annotation.grant_used = narrow;
  EXPECT_EQ(Run("annotator-lab", annotation).code, RejectCode::kNoConsent);
}

TEST_F(ProvenanceRules, AnnotationWithUnknownGrantRejected) {
  AnnotationRecord annotation = Annotation("mask-1");
  annotation.grant_used = DigestNamed("no grant");
  EXPECT_EQ(Run("annotator-lab", annotation).code, RejectCode::kNotFound);
}

TEST_F(ProvenanceRules, AnnotationByNonAnnotatorRejected) {
  EXPECT_EQ(Run("clinician-a", Annotation("mask-1")).code, RejectCode::kMissingRole);
}

TEST_F(ProvenanceRules, SealWithMatchingRootAccepted) {
  TransactionResult first = Run("annotator-lab", Annotation("mask-1"));
  TransactionResult second = Run("annotator-lab", Annotation("mask-2"));
  ASSERT_EQ(first.code, RejectCode::kAccepted);
  ASSERT_EQ(second.code, RejectCode::kAccepted);
  crypto::MerkleTree tree({
      crypto::MerkleLeafHash(
          DatasetEntryLeaf(first.transaction_id, DigestNamed("study-1"), DigestNamed("mask-1"))),
      crypto::MerkleLeafHash(
          DatasetEntryLeaf(second.transaction_id, DigestNamed("study-1"), DigestNamed("mask-2"))),
  });
  TransactionResult seal = Run("annotator-lab", DatasetSeal{"chest-ct-2026", 2, tree.Root()});
  ASSERT_EQ(seal.code, RejectCode::kAccepted) << seal.message;
  Result<DatasetContents> dataset = queries_->Dataset("chest-ct-2026");
  ASSERT_TRUE(dataset.ok());
  EXPECT_EQ(dataset->dataset.sealed_root, tree.Root());

  TransactionResult late = Run("annotator-lab", Annotation("mask-3"));
  EXPECT_EQ(late.code, RejectCode::kDatasetSealed);
  EXPECT_EQ(Run("annotator-lab", DatasetSeal{"chest-ct-2026", 2, tree.Root()}).code,
            RejectCode::kDatasetSealed);
}

TEST_F(ProvenanceRules, SealWithWrongRootRejected) {
  ASSERT_EQ(Run("annotator-lab", Annotation("mask-1")).code, RejectCode::kAccepted);
  TransactionResult seal =
      Run("annotator-lab", DatasetSeal{"chest-ct-2026", 1, DigestNamed("wrong root")});
  EXPECT_EQ(seal.code, RejectCode::kRootMismatch);
  EXPECT_NE(seal.message.find("payload.entries_root"), std::string::npos) << seal.message;
}

TEST_F(ProvenanceRules, SealWithWrongCountRejected) {
  ASSERT_EQ(Run("annotator-lab", Annotation("mask-1")).code, RejectCode::kAccepted);
  TransactionResult seal = Run("annotator-lab", DatasetSeal{"chest-ct-2026", 2, DigestNamed("x")});
  EXPECT_EQ(seal.code, RejectCode::kInvalidField);
  EXPECT_NE(seal.message.find("payload.entry_count"), std::string::npos) << seal.message;
}

TEST_F(ProvenanceRules, SealOfUnknownDatasetRejected) {
  EXPECT_EQ(Run("annotator-lab", DatasetSeal{"no-such-set", 0, DigestNamed("x")}).code,
            RejectCode::kNotFound);
}

TEST_F(ProvenanceRules, SealByOtherOrganizationRejected) {
  ASSERT_EQ(Run("annotator-lab", Annotation("mask-1")).code, RejectCode::kAccepted);
  EnrollMember("admin-b", "hospital-b", "annotator-b", {Role::kAnnotator});
  EXPECT_EQ(Run("annotator-b", DatasetSeal{"chest-ct-2026", 1, DigestNamed("x")}).code,
            RejectCode::kWrongOrganization);
}

}  // namespace
}  // namespace imledger::contracts::testing

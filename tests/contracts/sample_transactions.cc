#include "tests/contracts/sample_transactions.h"

#include "contracts/payload.h"
#include "tests/contracts/test_identities.h"

namespace imledger::contracts::testing {

namespace {

template <typename Payload>
SampleTransaction Sample(std::string_view signer, uint64_t nonce, const Payload& payload) {
  Transaction transaction =
      MakeTransaction(kNetworkId, nonce, kGenesisTimeMs + nonce, payload, KeyNamed(signer));
  return {std::string(TransactionTypeName(Payload::kType)), transaction};
}

}  // namespace

std::vector<SampleTransaction> SampleTransactions() {
  crypto::Digest study = DigestNamed("study");
  ConsentGrant grant;
  grant.grantee = Grantee{GranteeKind::kOrganization, "hospital-b", {}};
  grant.all_studies = false;
  grant.study_keys = {study};
  grant.purposes = {Purpose::kTreatment, Purpose::kAiTraining};
  grant.valid_from_ms = kGenesisTimeMs;
  grant.valid_until_ms = kGenesisTimeMs + 86'400'000;

  AccessRecord access;
  access.events = {
      {KeyNamed("clinician").public_key(), study, Purpose::kTreatment, true, DigestNamed("grant"),
       kGenesisTimeMs + 5, 394'262},
      {KeyNamed("stranger").public_key(), study, Purpose::kResearch, false, std::nullopt,
       kGenesisTimeMs + 6, 0},
  };

  return {
      Sample("admin-a", 1,
             MemberEnroll{KeyNamed("technician").public_key(),
                          "hospital-a",
                          {Role::kTechnician, Role::kRadiologist}}),
      Sample("admin-a", 2, MemberRevoke{KeyNamed("technician").public_key(), "hospital-a"}),
      Sample("registrar", 3,
             PatientEnroll{DigestNamed("pseudonym"), KeyNamed("patient").public_key()}),
      Sample("patient", 4, PatientRotateKey{KeyNamed("patient-new").public_key()}),
      Sample("technician", 5,
             StudyAnchor{study,
                         DigestNamed("pseudonym"),
                         DigestNamed("root"),
                         120,
                         64'000'000,
                         {"CT", "SR"},
                         DigestNamed("previous")}),
      Sample(
          "radiologist", 6,
          ReportSign{study, DigestNamed("report"), "application/pdf", DigestNamed("old report")}),
      Sample("patient", 7, grant),
      Sample("patient", 8, ConsentRevoke{DigestNamed("grant")}),
      Sample("clinician", 9, AccessEmergency{study, "trauma bay, patient unresponsive"}),
      Sample("gateway", 10, access),
      Sample("annotator", 11,
             AnnotationRecord{study, DigestNamed("mask"), "segmentation", "nnU-Net", "2.5.1",
                              "chest-ct-2026", DigestNamed("grant")}),
      Sample("annotator", 12, DatasetSeal{"chest-ct-2026", 1, DigestNamed("entries")}),
  };
}

}  // namespace imledger::contracts::testing

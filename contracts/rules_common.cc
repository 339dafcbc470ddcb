// Signer checks and the access-trail helper shared by the rule files.

#include <string>

#include "contracts/rules_internal.h"

namespace imledger::contracts::rules {

std::string Hex(const crypto::Digest& digest) {
  return digest.ToHex();
}

Verdict RequireMemberRole(const RuleContext& context, Role role, MemberRecord& member) {
  const crypto::PublicKey& signer = context.transaction.signer;
  std::optional<MemberRecord> record = context.state.Member(signer);
  if (!record) {
    return Verdict::Reject(RejectCode::kUnknownSigner,
                           "signer: " + signer.ToHex() + " is not an enrolled member");
  }
  if (record->revoked_ms) {
    return Verdict::Reject(RejectCode::kSignerRevoked,
                           "signer: member " + signer.ToHex() + " was revoked at " +
                               std::to_string(*record->revoked_ms) + " ms");
  }
  if (!record->HasRole(role)) {
    return Verdict::Reject(
        RejectCode::kMissingRole,
        "signer: member " + signer.ToHex() + " lacks the role " + std::string(RoleName(role)) +
            " that " + std::string(TransactionTypeName(context.transaction.type)) + " needs");
  }
  member = *std::move(record);
  return Verdict::Accept();
}

Verdict RequireCurrentPatientKey(const RuleContext& context, PatientKeyRecord& key) {
  const crypto::PublicKey& signer = context.transaction.signer;
  std::optional<PatientKeyRecord> record = context.state.PatientKey(signer);
  if (!record) {
    return Verdict::Reject(RejectCode::kUnknownSigner,
                           "signer: " + signer.ToHex() + " is not an enrolled patient key");
  }
  if (record->retired) {
    return Verdict::Reject(RejectCode::kRetiredKey,
                           "signer: patient key " + signer.ToHex() +
                               " was replaced by patient.rotate_key; sign with the current key");
  }
  key = *record;
  return Verdict::Accept();
}

void AppendTrail(LedgerState& state, const crypto::Digest& patient_id, const TrailEvent& event) {
  std::optional<PatientRecord> patient = state.Patient(patient_id);
  if (!patient) {
    state.overlay().RecordFailure(Status::Corruption("patient record " + patient_id.ToHex() +
                                                     " named by a study is missing"));
    return;
  }
  state.Write(NewestFirstKey(kTrailTable, patient_id.view(), patient->trail_count), event);
  patient->trail_count += 1;
  state.Write(TableKey(kPatientTable, patient_id.view()), *patient);
}

}  // namespace imledger::contracts::rules

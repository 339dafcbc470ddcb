// consent.grant and consent.revoke: only the patient's current key grants and revokes.

#include "contracts/rules_internal.h"

namespace imledger::contracts::rules {

namespace {

Verdict ValidateGrantee(const RuleContext& context, const Grantee& grantee) {
  if (grantee.kind == GranteeKind::kOrganization) {
    if (!context.state.Organization(grantee.organization)) {
      return Verdict::Reject(RejectCode::kNotFound, "payload.grantee.organization: \"" +
                                                        grantee.organization +
                                                        "\" is not an organization of this ledger");
    }
    return Verdict::Accept();
  }
  std::optional<MemberRecord> member = context.state.Member(grantee.member);
  if (!member) {
    return Verdict::Reject(RejectCode::kNotFound, "payload.grantee.member: " +
                                                      grantee.member.ToHex() + " is not enrolled");
  }
  if (member->revoked_ms) {
    return Verdict::Reject(RejectCode::kAlreadyRevoked,
                           "payload.grantee.member: " + grantee.member.ToHex() + " is revoked");
  }
  return Verdict::Accept();
}

Verdict ValidateScope(const RuleContext& context, const ConsentGrant& payload,
                      const crypto::Digest& patient_id) {
  for (size_t i = 0; i < payload.study_keys.size(); ++i) {
    const crypto::Digest& study_key = payload.study_keys[i];
    std::string field = "payload.study_keys[" + std::to_string(i) + "]";
    std::optional<StudyRecord> study = context.state.Study(study_key);
    if (!study) {
      return Verdict::Reject(RejectCode::kNotFound,
                             field + ": study " + Hex(study_key) + " is not anchored");
    }
    if (study->patient_id != patient_id) {
      return Verdict::Reject(RejectCode::kForeignObject,
                             field + ": study " + Hex(study_key) + " is another patient's");
    }
  }
  return Verdict::Accept();
}

}  // namespace

Verdict Validate(const RuleContext& context, const ConsentGrant& payload) {
  PatientKeyRecord key;
  Verdict verdict = RequireCurrentPatientKey(context, key);
  if (!verdict.accepted()) {
    return verdict;
  }
  if (payload.valid_until_ms <= payload.valid_from_ms) {
    return Verdict::Reject(RejectCode::kInvalidField,
                           "payload.valid_until_ms: " + std::to_string(payload.valid_until_ms) +
                               " must be after valid_from_ms " +
                               std::to_string(payload.valid_from_ms));
  }
  if (payload.valid_until_ms <= context.block_time_ms) {
    return Verdict::Reject(RejectCode::kInvalidField,
                           "payload.valid_until_ms: " + std::to_string(payload.valid_until_ms) +
                               " is not after the block time " +
                               std::to_string(context.block_time_ms));
  }
  verdict = ValidateGrantee(context, payload.grantee);
  if (!verdict.accepted()) {
    return verdict;
  }
  return ValidateScope(context, payload, key.patient_id);
}

void Apply(const RuleContext& context, const ConsentGrant& payload) {
  LedgerState& state = context.state;
  std::optional<PatientKeyRecord> key = state.PatientKey(context.transaction.signer);
  std::optional<PatientRecord> patient = key ? state.Patient(key->patient_id) : std::nullopt;
  if (!patient) {
    return;  // Only a read failure gets here; the overlay recorded it and the block fails.
  }
  GrantRecord grant;
  grant.patient_id = key->patient_id;
  grant.grant = payload;
  grant.granted_ms = context.block_time_ms;
  state.Write(TableKey(kGrantTable, context.transaction_id.view()), grant);

  std::string index_key =
      NewestFirstKey(kPatientGrantTable, key->patient_id.view(), patient->grant_count);
  state.overlay().Put(std::move(index_key), std::string(AsChars(context.transaction_id.view())));
  patient->grant_count += 1;
  state.Write(TableKey(kPatientTable, key->patient_id.view()), *patient);
}

Verdict Validate(const RuleContext& context, const ConsentRevoke& payload) {
  PatientKeyRecord key;
  Verdict verdict = RequireCurrentPatientKey(context, key);
  if (!verdict.accepted()) {
    return verdict;
  }
  std::optional<GrantRecord> grant = context.state.Grant(payload.grant_id);
  if (!grant) {
    return Verdict::Reject(RejectCode::kNotFound,
                           "payload.grant_id: grant " + Hex(payload.grant_id) + " is unknown");
  }
  if (grant->patient_id != key.patient_id) {
    return Verdict::Reject(
        RejectCode::kForeignObject,
        "payload.grant_id: grant " + Hex(payload.grant_id) + " was given by another patient");
  }
  if (grant->revoked_ms) {
    return Verdict::Reject(RejectCode::kAlreadyRevoked,
                           "payload.grant_id: grant " + Hex(payload.grant_id) + " was revoked at " +
                               std::to_string(*grant->revoked_ms) + " ms");
  }
  return Verdict::Accept();
}

void Apply(const RuleContext& context, const ConsentRevoke& payload) {
  std::optional<GrantRecord> grant = context.state.Grant(payload.grant_id);
  if (!grant) {
    return;  // Only a read failure gets here; the overlay recorded it and the block fails.
  }
  grant->revoked_ms = context.block_time_ms;
  context.state.Write(TableKey(kGrantTable, payload.grant_id.view()), *grant);
}

}  // namespace imledger::contracts::rules

// patient.enroll and patient.rotate_key: registrars bind pseudonyms to a patient key, and only
// the patient's current key replaces it.

#include "contracts/rules_internal.h"

namespace imledger::contracts::rules {

Verdict Validate(const RuleContext& context, const PatientEnroll& payload) {
  MemberRecord registrar;
  Verdict verdict = RequireMemberRole(context, Role::kRegistrar, registrar);
  if (!verdict.accepted()) {
    return verdict;
  }
  if (context.state.Pseudonym(payload.pseudonym)) {
    return Verdict::Reject(RejectCode::kAlreadyExists,
                           "payload.pseudonym: " + Hex(payload.pseudonym) + " is already enrolled");
  }
  if (context.state.Member(payload.patient_key)) {
    return Verdict::Reject(
        RejectCode::kAlreadyExists,
        "payload.patient_key: " + payload.patient_key.ToHex() + " is a member key");
  }
  std::optional<PatientKeyRecord> key = context.state.PatientKey(payload.patient_key);
  if (key && key->retired) {
    return Verdict::Reject(RejectCode::kRetiredKey,
                           "payload.patient_key: " + payload.patient_key.ToHex() +
                               " was replaced by patient.rotate_key; enroll the current key");
  }
  return Verdict::Accept();
}

void Apply(const RuleContext& context, const PatientEnroll& payload) {
  LedgerState& state = context.state;
  std::optional<PatientKeyRecord> key = state.PatientKey(payload.patient_key);

  // A key seen before binds this pseudonym to the same patient (a second hospital).
  crypto::Digest patient_id = key ? key->patient_id : context.transaction_id;
  PatientRecord patient;
  if (key) {
    patient = state.Patient(patient_id).value_or(PatientRecord{});
  } else {
    patient.current_key = payload.patient_key;
    patient.enrolled_ms = context.block_time_ms;
    state.Write(TableKey(kPatientKeyTable, payload.patient_key.view()),
                PatientKeyRecord{patient_id, false});
  }
  patient.pseudonym_count += 1;
  state.Write(TableKey(kPatientTable, patient_id.view()), patient);

  MemberRecord registrar = state.Member(context.transaction.signer).value_or(MemberRecord{});
  state.Write(TableKey(kPseudonymTable, payload.pseudonym.view()),
              PseudonymRecord{patient_id, registrar.organization});
}

Verdict Validate(const RuleContext& context, const PatientRotateKey& payload) {
  PatientKeyRecord key;
  Verdict verdict = RequireCurrentPatientKey(context, key);
  if (!verdict.accepted()) {
    return verdict;
  }
  if (context.state.PatientKey(payload.new_key)) {
    return Verdict::Reject(RejectCode::kAlreadyExists,
                           "payload.new_key: " + payload.new_key.ToHex() +
                               " is already a patient key; rotate to a fresh key");
  }
  if (context.state.Member(payload.new_key)) {
    return Verdict::Reject(RejectCode::kAlreadyExists,
                           "payload.new_key: " + payload.new_key.ToHex() + " is a member key");
  }
  return Verdict::Accept();
}

void Apply(const RuleContext& context, const PatientRotateKey& payload) {
  LedgerState& state = context.state;
  std::optional<PatientKeyRecord> old_key = state.PatientKey(context.transaction.signer);
  if (!old_key) {
    return;  // Only a read failure gets here; the overlay recorded it and the block fails.
  }
  state.Write(TableKey(kPatientKeyTable, context.transaction.signer.view()),
              PatientKeyRecord{old_key->patient_id, true});
  state.Write(TableKey(kPatientKeyTable, payload.new_key.view()),
              PatientKeyRecord{old_key->patient_id, false});

  std::optional<PatientRecord> patient = state.Patient(old_key->patient_id);
  if (patient) {
    patient->current_key = payload.new_key;
    state.Write(TableKey(kPatientTable, old_key->patient_id.view()), *patient);
  }
}

}  // namespace imledger::contracts::rules

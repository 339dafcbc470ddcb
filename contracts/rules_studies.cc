// study.anchor and report.sign: technicians anchor study versions, radiologists sign reports
// that form correction chains.

#include "contracts/rules_internal.h"

namespace imledger::contracts::rules {

namespace {

// The checks that apply only when the study already has an anchor.
Verdict ValidateReanchor(const StudyAnchor& payload, const StudyRecord& study,
                         const MemberRecord& technician) {
  if (!payload.previous_anchor) {
    return Verdict::Reject(RejectCode::kVersionMismatch,
                           "payload.previous_anchor: study " + Hex(payload.study_key) +
                               " already has version " + std::to_string(study.version_count) +
                               "; reference its anchor " + Hex(study.latest_anchor));
  }
  if (*payload.previous_anchor != study.latest_anchor) {
    return Verdict::Reject(RejectCode::kVersionMismatch,
                           "payload.previous_anchor: " + Hex(*payload.previous_anchor) +
                               " is not the latest anchor " + Hex(study.latest_anchor) +
                               " of study " + Hex(payload.study_key));
  }
  if (technician.organization != study.organization) {
    return Verdict::Reject(RejectCode::kWrongOrganization,
                           "payload.study_key: study was acquired by \"" + study.organization +
                               "\"; only its technicians re-anchor it");
  }
  if (payload.pseudonym != study.pseudonym) {
    return Verdict::Reject(RejectCode::kForeignObject,
                           "payload.pseudonym: differs from the pseudonym of the study's first "
                           "anchor");
  }
  return Verdict::Accept();
}

}  // namespace

Verdict Validate(const RuleContext& context, const StudyAnchor& payload) {
  MemberRecord technician;
  Verdict verdict = RequireMemberRole(context, Role::kTechnician, technician);
  if (!verdict.accepted()) {
    return verdict;
  }
  if (payload.instance_count == 0) {
    return Verdict::Reject(RejectCode::kInvalidField,
                           "payload.instance_count: a study has at least one instance");
  }
  if (payload.modalities.empty()) {
    return Verdict::Reject(RejectCode::kInvalidField,
                           "payload.modalities: list at least one modality");
  }
  if (!context.state.Pseudonym(payload.pseudonym)) {
    return Verdict::Reject(RejectCode::kNotFound, "payload.pseudonym: " + Hex(payload.pseudonym) +
                                                      " is not enrolled; enroll the patient first");
  }
  std::optional<StudyRecord> study = context.state.Study(payload.study_key);
  if (study) {
    return ValidateReanchor(payload, *study, technician);
  }
  if (payload.previous_anchor) {
    return Verdict::Reject(RejectCode::kVersionMismatch,
                           "payload.previous_anchor: study " + Hex(payload.study_key) +
                               " has no anchor yet, so the first anchor must omit it");
  }
  return Verdict::Accept();
}

void Apply(const RuleContext& context, const StudyAnchor& payload) {
  LedgerState& state = context.state;
  std::optional<StudyRecord> existing = state.Study(payload.study_key);
  StudyRecord study;
  if (existing) {
    study = *existing;
  } else {
    std::optional<PseudonymRecord> pseudonym = state.Pseudonym(payload.pseudonym);
    std::optional<MemberRecord> technician = state.Member(context.transaction.signer);
    std::optional<PatientRecord> patient =
        pseudonym ? state.Patient(pseudonym->patient_id) : std::nullopt;
    if (!pseudonym || !technician || !patient) {
      return;  // Only a read failure gets here; the overlay recorded it and the block fails.
    }
    study.pseudonym = payload.pseudonym;
    study.patient_id = pseudonym->patient_id;
    study.organization = technician->organization;
    std::string index_key =
        NewestFirstKey(kPatientStudyTable, study.patient_id.view(), patient->study_count);
    state.overlay().Put(std::move(index_key), std::string(AsChars(payload.study_key.view())));
    patient->study_count += 1;
    state.Write(TableKey(kPatientTable, study.patient_id.view()), *patient);
  }
  study.version_count += 1;
  study.latest_anchor = context.transaction_id;
  state.Write(TableKey(kStudyTable, payload.study_key.view()), study);

  AnchorRecord anchor;
  anchor.version = study.version_count;
  anchor.anchor_id = context.transaction_id;
  anchor.study_root = payload.study_root;
  anchor.instance_count = payload.instance_count;
  anchor.total_bytes = payload.total_bytes;
  anchor.modalities = payload.modalities;
  anchor.technician = context.transaction.signer;
  anchor.height = context.height;
  anchor.time_ms = context.block_time_ms;
  state.Write(SequenceKey(kAnchorTable, payload.study_key.view(), anchor.version), anchor);
}

Verdict Validate(const RuleContext& context, const ReportSign& payload) {
  MemberRecord radiologist;
  Verdict verdict = RequireMemberRole(context, Role::kRadiologist, radiologist);
  if (!verdict.accepted()) {
    return verdict;
  }
  if (!context.state.Study(payload.study_key)) {
    return Verdict::Reject(RejectCode::kNotFound, "payload.study_key: study " +
                                                      Hex(payload.study_key) + " is not anchored");
  }
  if (!payload.supersedes) {
    return Verdict::Accept();
  }
  std::optional<ReportRecord> previous = context.state.Report(*payload.supersedes);
  if (!previous) {
    return Verdict::Reject(RejectCode::kNotFound, "payload.supersedes: report " +
                                                      Hex(*payload.supersedes) + " is unknown");
  }
  if (previous->study_key != payload.study_key) {
    return Verdict::Reject(RejectCode::kForeignObject,
                           "payload.supersedes: report " + Hex(*payload.supersedes) +
                               " belongs to study " + Hex(previous->study_key));
  }
  if (previous->superseded_by) {
    return Verdict::Reject(RejectCode::kVersionMismatch,
                           "payload.supersedes: report " + Hex(*payload.supersedes) +
                               " is already superseded by " + Hex(*previous->superseded_by) +
                               "; correct the latest version");
  }
  return Verdict::Accept();
}

void Apply(const RuleContext& context, const ReportSign& payload) {
  LedgerState& state = context.state;
  std::optional<MemberRecord> radiologist = state.Member(context.transaction.signer);
  if (!radiologist) {
    return;  // Only a read failure gets here; the overlay recorded it and the block fails.
  }
  ReportRecord report;
  report.study_key = payload.study_key;
  report.report_digest = payload.report_digest;
  report.media_type = payload.media_type;
  report.radiologist = context.transaction.signer;
  report.organization = radiologist->organization;
  report.height = context.height;
  report.time_ms = context.block_time_ms;
  report.supersedes = payload.supersedes;
  state.Write(TableKey(kReportTable, context.transaction_id.view()), report);

  if (payload.supersedes) {
    std::optional<ReportRecord> previous = state.Report(*payload.supersedes);
    if (previous) {
      previous->superseded_by = context.transaction_id;
      state.Write(TableKey(kReportTable, payload.supersedes->view()), *previous);
    }
  }
}

}  // namespace imledger::contracts::rules

// Declarations shared by the rule files: one Validate/Apply pair per payload type and the
// signer checks they have in common. Apply runs only after Validate accepted the same payload
// against the same state, so it may rely on everything Validate checked. Not thread-safe.

#pragma once

#include <string>

#include "contracts/payload.h"
#include "contracts/rules.h"

namespace imledger::contracts::rules {

// The signer as a member holding `role`: enrolled, not revoked, and holding the role.
Verdict RequireMemberRole(const RuleContext& context, Role role, MemberRecord& member);

// The signer as a patient key that has not been replaced.
Verdict RequireCurrentPatientKey(const RuleContext& context, PatientKeyRecord& key);

std::string Hex(const crypto::Digest& digest);

// Appends one event to the patient's access trail.
void AppendTrail(LedgerState& state, const crypto::Digest& patient_id, const TrailEvent& event);

Verdict Validate(const RuleContext& context, const MemberEnroll& payload);
Verdict Validate(const RuleContext& context, const MemberRevoke& payload);
Verdict Validate(const RuleContext& context, const PatientEnroll& payload);
Verdict Validate(const RuleContext& context, const PatientRotateKey& payload);
Verdict Validate(const RuleContext& context, const StudyAnchor& payload);
Verdict Validate(const RuleContext& context, const ReportSign& payload);
Verdict Validate(const RuleContext& context, const ConsentGrant& payload);
Verdict Validate(const RuleContext& context, const ConsentRevoke& payload);
Verdict Validate(const RuleContext& context, const AccessEmergency& payload);
Verdict Validate(const RuleContext& context, const AccessRecord& payload);
Verdict Validate(const RuleContext& context, const AnnotationRecord& payload);
Verdict Validate(const RuleContext& context, const DatasetSeal& payload);

void Apply(const RuleContext& context, const MemberEnroll& payload);
void Apply(const RuleContext& context, const MemberRevoke& payload);
void Apply(const RuleContext& context, const PatientEnroll& payload);
void Apply(const RuleContext& context, const PatientRotateKey& payload);
void Apply(const RuleContext& context, const StudyAnchor& payload);
void Apply(const RuleContext& context, const ReportSign& payload);
void Apply(const RuleContext& context, const ConsentGrant& payload);
void Apply(const RuleContext& context, const ConsentRevoke& payload);
void Apply(const RuleContext& context, const AccessEmergency& payload);
void Apply(const RuleContext& context, const AccessRecord& payload);
void Apply(const RuleContext& context, const AnnotationRecord& payload);
void Apply(const RuleContext& context, const DatasetSeal& payload);

}  // namespace imledger::contracts::rules

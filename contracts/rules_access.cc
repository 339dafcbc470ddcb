// access.emergency and access.record: break-glass declarations by clinicians, and the
// gateway's batches of access decisions, both copied to the patients' access trails.

#include "contracts/rules_internal.h"

namespace imledger::contracts::rules {

Verdict Validate(const RuleContext& context, const AccessEmergency& payload) {
  MemberRecord clinician;
  Verdict verdict = RequireMemberRole(context, Role::kClinician, clinician);
  if (!verdict.accepted()) {
    return verdict;
  }
  if (!context.state.Study(payload.study_key)) {
    return Verdict::Reject(RejectCode::kNotFound, "payload.study_key: study " +
                                                      Hex(payload.study_key) + " is not anchored");
  }
  return Verdict::Accept();
}

void Apply(const RuleContext& context, const AccessEmergency& payload) {
  LedgerState& state = context.state;
  std::optional<StudyRecord> study = state.Study(payload.study_key);
  if (!study) {
    return;  // Only a read failure gets here; the overlay recorded it and the block fails.
  }
  TrailEvent event;
  event.kind = TrailKind::kEmergency;
  event.transaction_id = context.transaction_id;
  event.requester = context.transaction.signer;
  event.study_key = payload.study_key;
  event.purpose = Purpose::kEmergency;
  event.allowed = true;
  event.time_ms = context.block_time_ms;
  event.reason = payload.reason;
  AppendTrail(state, study->patient_id, event);

  std::string time;
  PutBigEndian64(time, context.block_time_ms);
  state.overlay().Put(EmergencyKey(payload.study_key, context.transaction.signer), std::move(time));
}

Verdict Validate(const RuleContext& context, const AccessRecord& payload) {
  MemberRecord gateway;
  Verdict verdict = RequireMemberRole(context, Role::kGateway, gateway);
  if (!verdict.accepted()) {
    return verdict;
  }
  for (size_t i = 0; i < payload.events.size(); ++i) {
    const AccessEvent& event = payload.events[i];
    std::string prefix = "payload.events[" + std::to_string(i) + "]";
    if (!event.allowed && event.bytes_served != 0) {
      return Verdict::Reject(RejectCode::kInvalidField,
                             prefix + ".bytes_served: a denied request served " +
                                 std::to_string(event.bytes_served) + " bytes; a denial serves 0");
    }
    if (!event.grant_used) {
      continue;
    }
    std::string field = prefix + ".grant_used";
    if (!event.allowed) {
      return Verdict::Reject(RejectCode::kInvalidField,
                             field + ": a denied request uses no grant; omit it");
    }
    if (!context.state.Grant(*event.grant_used)) {
      return Verdict::Reject(RejectCode::kNotFound,
                             field + ": grant " + Hex(*event.grant_used) + " is unknown");
    }
  }
  return Verdict::Accept();
}

void Apply(const RuleContext& context, const AccessRecord& payload) {
  LedgerState& state = context.state;
  for (const AccessEvent& event : payload.events) {
    // A request for a study that was never anchored has no patient; it stays in the log only.
    std::optional<StudyRecord> study = state.Study(event.study_key);
    if (!study) {
      continue;
    }
    TrailEvent entry;
    entry.kind = TrailKind::kAccess;
    entry.transaction_id = context.transaction_id;
    entry.requester = event.requester;
    entry.study_key = event.study_key;
    entry.purpose = event.purpose;
    entry.allowed = event.allowed;
    entry.grant_used = event.grant_used;
    entry.time_ms = event.time_ms;
    entry.bytes_served = event.bytes_served;
    AppendTrail(state, study->patient_id, entry);
  }
}

}  // namespace imledger::contracts::rules

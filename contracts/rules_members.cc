// member.enroll and member.revoke: an organization's admin adds and removes its own members.

#include "contracts/rules_internal.h"

namespace imledger::contracts::rules {

namespace {

Verdict RequireAdminOf(const RuleContext& context, const std::string& organization) {
  MemberRecord admin;
  Verdict verdict = RequireMemberRole(context, Role::kAdmin, admin);
  if (!verdict.accepted()) {
    return verdict;
  }
  if (admin.organization != organization) {
    return Verdict::Reject(RejectCode::kWrongOrganization,
                           "payload.organization: the signer is an admin of \"" +
                               admin.organization + "\", not of \"" + organization + "\"");
  }
  return Verdict::Accept();
}

}  // namespace

Verdict Validate(const RuleContext& context, const MemberEnroll& payload) {
  Verdict verdict = RequireAdminOf(context, payload.organization);
  if (!verdict.accepted()) {
    return verdict;
  }
  if (context.state.Member(payload.member)) {
    return Verdict::Reject(RejectCode::kAlreadyExists,
                           "payload.member: " + payload.member.ToHex() +
                               " is already enrolled (or was, and revoked keys stay revoked)");
  }
  if (context.state.PatientKey(payload.member)) {
    return Verdict::Reject(RejectCode::kAlreadyExists,
                           "payload.member: " + payload.member.ToHex() + " is a patient key");
  }
  return Verdict::Accept();
}

void Apply(const RuleContext& context, const MemberEnroll& payload) {
  MemberRecord member;
  member.organization = payload.organization;
  for (Role role : payload.roles) {
    member.roles |= RoleBit(role);
  }
  member.enrolled_ms = context.block_time_ms;
  context.state.Write(TableKey(kMemberTable, payload.member.view()), member);
}

Verdict Validate(const RuleContext& context, const MemberRevoke& payload) {
  Verdict verdict = RequireAdminOf(context, payload.organization);
  if (!verdict.accepted()) {
    return verdict;
  }
  if (payload.member == context.transaction.signer) {
    return Verdict::Reject(RejectCode::kInvalidField,
                           "payload.member: an admin cannot revoke its own key; another admin of "
                           "the organization must");
  }
  std::optional<MemberRecord> member = context.state.Member(payload.member);
  if (!member) {
    return Verdict::Reject(RejectCode::kNotFound,
                           "payload.member: " + payload.member.ToHex() + " is not enrolled");
  }
  if (member->organization != payload.organization) {
    return Verdict::Reject(RejectCode::kForeignObject,
                           "payload.member: " + payload.member.ToHex() + " belongs to \"" +
                               member->organization + "\", not \"" + payload.organization + "\"");
  }
  if (member->revoked_ms) {
    return Verdict::Reject(RejectCode::kAlreadyRevoked,
                           "payload.member: " + payload.member.ToHex() + " was revoked at " +
                               std::to_string(*member->revoked_ms) + " ms");
  }
  return Verdict::Accept();
}

void Apply(const RuleContext& context, const MemberRevoke& payload) {
  std::optional<MemberRecord> member = context.state.Member(payload.member);
  if (!member) {
    return;  // Only a read failure gets here; the overlay recorded it and the block fails.
  }
  member->revoked_ms = context.block_time_ms;
  context.state.Write(TableKey(kMemberTable, payload.member.view()), *member);
}

}  // namespace imledger::contracts::rules

#include "contracts/consent_match.h"

#include <algorithm>

namespace imledger::contracts {

std::optional<std::string> GrantMismatch(const GrantRecord& grant, const crypto::Digest& study_key,
                                         const crypto::Digest& study_patient_id, Purpose purpose,
                                         const crypto::PublicKey& requester,
                                         std::string_view requester_organization,
                                         uint64_t time_ms) {
  const ConsentGrant& terms = grant.grant;
  if (grant.patient_id != study_patient_id) {
    return "the grant is from another patient than the study's";
  }
  if (grant.revoked_ms && *grant.revoked_ms <= time_ms) {
    return "the grant was revoked at " + std::to_string(*grant.revoked_ms) + " ms";
  }
  if (!grant.ActiveAt(time_ms)) {
    return "the grant is valid from " + std::to_string(terms.valid_from_ms) + " ms until " +
           std::to_string(terms.valid_until_ms) + " ms, not at " + std::to_string(time_ms) + " ms";
  }
  if (!std::binary_search(terms.purposes.begin(), terms.purposes.end(), purpose)) {
    return "the grant does not include purpose " + std::string(PurposeName(purpose));
  }
  if (!terms.all_studies &&
      !std::binary_search(terms.study_keys.begin(), terms.study_keys.end(), study_key)) {
    return "the grant does not cover study " + study_key.ToHex();
  }
  bool grantee_matches = terms.grantee.kind == GranteeKind::kOrganization
                             ? terms.grantee.organization == requester_organization
                             : terms.grantee.member == requester;
  if (!grantee_matches) {
    return "the grant is for another grantee than " + requester.ToHex() + " of organization " +
           std::string(requester_organization);
  }
  return std::nullopt;
}

}  // namespace imledger::contracts

#include "gateway/access_control.h"

#include "contracts/consent_match.h"

namespace imledger::gateway {
namespace {

Refusal Unauthorized(std::string code, std::string message) {
  return Refusal{401, std::move(code), std::move(message)};
}

std::string TokenFailureCode(StatusCode code) {
  switch (code) {
    case StatusCode::kUnauthenticated:
      return "bad_signature";
    case StatusCode::kPermissionDenied:
      return "wrong_audience";
    case StatusCode::kOutOfRange:
      return "expired_token";
    case StatusCode::kFailedPrecondition:
      return "token_time_invalid";
    default:
      return "malformed_token";
  }
}

bool GrantNamesRequester(const contracts::GrantRecord& grant, const Requester& requester) {
  const contracts::Grantee& grantee = grant.grant.grantee;
  if (grantee.kind == contracts::GranteeKind::kMember) {
    return grantee.member == requester.claims.subject;
  }
  return grantee.organization == requester.member.organization;
}

bool GrantCoversStudy(const contracts::GrantRecord& grant, const crypto::Digest& study_key) {
  if (grant.grant.all_studies) {
    return true;
  }
  for (const crypto::Digest& key : grant.grant.study_keys) {
    if (key == study_key) {
      return true;
    }
  }
  return false;
}

// The stable code for why `grant`, which names the requester and covers the study, does not
// allow this access.
std::string GrantFailureCode(const contracts::GrantRecord& grant, contracts::Purpose purpose,
                             uint64_t now_ms) {
  if (grant.revoked_ms && *grant.revoked_ms <= now_ms) {
    return "grant_revoked";
  }
  if (now_ms >= grant.grant.valid_until_ms) {
    return "grant_expired";
  }
  if (now_ms < grant.grant.valid_from_ms) {
    return "grant_not_yet_valid";
  }
  for (contracts::Purpose granted : grant.grant.purposes) {
    if (granted == purpose) {
      return "no_grant";
    }
  }
  return "purpose_not_granted";
}

Status ExplainDenial(const contracts::LedgerQueries& queries, const Requester& requester,
                     const crypto::Digest& study_key, const contracts::StudyRecord& study,
                     uint64_t now_ms, StudyDecision& decision) {
  decision.code = "no_grant";
  contracts::PageRequest page{contracts::kMaxPageSize, std::nullopt};
  do {
    Result<contracts::Page<contracts::GrantSummary>> grants =
        queries.PatientGrants(study.patient_id, contracts::GrantFilter::kAll, now_ms, page);
    if (!grants.ok()) {
      return grants.status();
    }
    for (const contracts::GrantSummary& summary : grants->items) {
      if (!GrantNamesRequester(summary.grant, requester) ||
          !GrantCoversStudy(summary.grant, study_key)) {
        continue;
      }
      decision.code = GrantFailureCode(summary.grant, requester.claims.purpose, now_ms);
      std::optional<std::string> reason = contracts::GrantMismatch(
          summary.grant, study_key, study.patient_id, requester.claims.purpose,
          requester.claims.subject, requester.member.organization, now_ms);
      if (reason) {
        decision.rule = "grant " + summary.grant_id.ToHex() + ": " + *reason;
      }
      return Status::Ok();
    }
    page.before_sequence = grants->next_before;
  } while (page.before_sequence);
  return Status::Ok();
}

}  // namespace

std::variant<Requester, Refusal> Authenticate(leveldb::DB* db,
                                              std::optional<std::string_view> authorization,
                                              std::string_view audience, uint64_t now_ms,
                                              uint64_t max_token_lifetime_ms) {
  constexpr std::string_view kScheme = "Bearer ";
  if (!authorization || authorization->empty()) {
    return Unauthorized("missing_token",
                        "send \"Authorization: Bearer <token>\"; issue one "
                        "with `imledger token issue`");
  }
  if (!authorization->starts_with(kScheme)) {
    return Unauthorized("malformed_token", "the Authorization header must use the Bearer scheme");
  }
  Result<AccessClaims> claims = VerifyAccessToken(authorization->substr(kScheme.size()), audience,
                                                  now_ms, max_token_lifetime_ms);
  if (!claims.ok()) {
    return Unauthorized(TokenFailureCode(claims.status().code()), claims.status().message());
  }
  Result<std::optional<contracts::MemberRecord>> member =
      contracts::LedgerQueries(db).Member(claims->subject);
  if (!member.ok()) {
    return Refusal{500, "internal",
                   "reading the member record failed: " + member.status().ToString()};
  }
  if (!*member || (*member)->revoked_ms) {
    return Unauthorized("unknown_member",
                        "key " + claims->subject.ToHex() +
                            (*member ? " was revoked" : " is not an enrolled member"));
  }
  return Requester{*claims, **member};
}

Result<StudyDecision> DecideStudyAccess(leveldb::DB* db, const Requester& requester,
                                        const crypto::Digest& study_key, uint64_t now_ms) {
  contracts::ScopedSnapshot snapshot(db);
  contracts::LedgerQueries queries(db, snapshot.get());
  Result<contracts::AccessDecision> decided =
      queries.Decide(requester.claims.subject, study_key, requester.claims.purpose, now_ms);
  if (!decided.ok()) {
    return decided.status();
  }
  StudyDecision decision;
  decision.allowed = decided->allowed;
  decision.grant_id = decided->grant_id;
  decision.rule = decided->rule;
  if (decision.allowed) {
    return decision;
  }
  Result<std::optional<contracts::StudyRecord>> study = queries.Study(study_key);
  if (!study.ok()) {
    return study.status();
  }
  if (!*study) {
    decision.code = "study_not_anchored";
    return decision;
  }
  Status explained = ExplainDenial(queries, requester, study_key, **study, now_ms, decision);
  if (!explained.ok()) {
    return explained;
  }
  return decision;
}

}  // namespace imledger::gateway

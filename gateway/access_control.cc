#include "gateway/access_control.h"

#include <algorithm>
#include <limits>

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

// Computes the earliest time after `now_ms` at which a grant of `study`'s patient starts, ends or
// is revoked, so a decision made from `queries` at `now_ms` could change.
Result<uint64_t> DecisionValidUntil(const contracts::LedgerQueries& queries,
                                    const Requester& requester,
                                    const std::optional<contracts::StudyRecord>& study,
                                    uint64_t now_ms) {
  if (requester.claims.purpose == contracts::Purpose::kEmergency) {
    return now_ms;
  }
  uint64_t valid_until_ms = std::numeric_limits<uint64_t>::max();
  if (!study) {
    return valid_until_ms;
  }
  auto include = [&](uint64_t time_ms) {
    if (time_ms > now_ms) {
      valid_until_ms = std::min(valid_until_ms, time_ms);
    }
  };
  contracts::PageRequest page{contracts::kMaxPageSize, std::nullopt};
  do {
    Result<contracts::Page<contracts::GrantSummary>> grants =
        queries.PatientGrants(study->patient_id, contracts::GrantFilter::kAll, now_ms, page);
    if (!grants.ok()) {
      return grants.status();
    }
    for (const contracts::GrantSummary& summary : grants->items) {
      include(summary.grant.grant.valid_from_ms);
      include(summary.grant.grant.valid_until_ms);
      if (summary.grant.revoked_ms) {
        include(*summary.grant.revoked_ms);
      }
    }
    page.before_sequence = grants->next_before;
  } while (page.before_sequence);
  return valid_until_ms;
}

// Runs DecideStudyAccess on the snapshot of `queries`. With `study_out`, it also returns the
// study record. Without it, the record is read only to explain a denial.
Result<StudyDecision> DecideOnSnapshot(const contracts::LedgerQueries& queries,
                                       const Requester& requester, const crypto::Digest& study_key,
                                       uint64_t now_ms,
                                       std::optional<contracts::StudyRecord>* study_out) {
  Result<contracts::AccessDecision> decided =
      queries.Decide(requester.claims.subject, study_key, requester.claims.purpose, now_ms);
  if (!decided.ok()) {
    return decided.status();
  }
  StudyDecision decision;
  decision.allowed = decided->allowed;
  decision.grant_id = decided->grant_id;
  decision.rule = decided->rule;
  if (decision.allowed && study_out == nullptr) {
    return decision;
  }
  Result<std::optional<contracts::StudyRecord>> study = queries.Study(study_key);
  if (!study.ok()) {
    return study.status();
  }
  if (study_out != nullptr) {
    *study_out = *study;
  }
  if (decision.allowed) {
    return decision;
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

}  // namespace

std::variant<std::string_view, Refusal> BearerToken(std::optional<std::string_view> authorization) {
  constexpr std::string_view kScheme = "Bearer ";
  if (!authorization || authorization->empty()) {
    return Unauthorized("missing_token",
                        "send \"Authorization: Bearer <token>\"; issue one "
                        "with `imledger token issue`");
  }
  if (!authorization->starts_with(kScheme)) {
    return Unauthorized("malformed_token", "the Authorization header must use the Bearer scheme");
  }
  return authorization->substr(kScheme.size());
}

Refusal TokenRefusal(const Status& failure) {
  return Unauthorized(TokenFailureCode(failure.code()), failure.message());
}

std::variant<Requester, Refusal> RequesterOf(
    const AccessClaims& claims, const Result<std::optional<contracts::MemberRecord>>& member) {
  if (!member.ok()) {
    return Refusal{500, "internal",
                   "reading the member record failed: " + member.status().ToString()};
  }
  if (!*member || (*member)->revoked_ms) {
    return Unauthorized("unknown_member",
                        "key " + claims.subject.ToHex() +
                            (*member ? " was revoked" : " is not an enrolled member"));
  }
  return Requester{claims, **member};
}

std::variant<Requester, Refusal> Authenticate(leveldb::DB* db,
                                              std::optional<std::string_view> authorization,
                                              std::string_view audience, uint64_t now_ms,
                                              uint64_t max_token_lifetime_ms) {
  std::variant<std::string_view, Refusal> token = BearerToken(authorization);
  if (auto* refusal = std::get_if<Refusal>(&token)) {
    return *refusal;
  }
  Result<AccessClaims> claims =
      VerifyAccessToken(std::get<std::string_view>(token), audience, now_ms, max_token_lifetime_ms);
  if (!claims.ok()) {
    return TokenRefusal(claims.status());
  }
  return RequesterOf(*claims, contracts::LedgerQueries(db).Member(claims->subject));
}

Result<uint64_t> CommittedHeight(leveldb::DB* db) {
  Result<contracts::StateMeta> meta = contracts::LedgerQueries(db).Meta();
  if (!meta.ok()) {
    return meta.status();
  }
  return meta->height;
}

Result<StudyDecision> DecideStudyAccess(leveldb::DB* db, const Requester& requester,
                                        const crypto::Digest& study_key, uint64_t now_ms) {
  contracts::ScopedSnapshot snapshot(db);
  contracts::LedgerQueries queries(db, snapshot.get());
  return DecideOnSnapshot(queries, requester, study_key, now_ms, nullptr);
}

Result<TimedDecision> DecideStudyAccessTimed(leveldb::DB* db, const Requester& requester,
                                             const crypto::Digest& study_key, uint64_t now_ms) {
  contracts::ScopedSnapshot snapshot(db);
  contracts::LedgerQueries queries(db, snapshot.get());
  Result<contracts::StateMeta> meta = queries.Meta();
  if (!meta.ok()) {
    return meta.status();
  }
  std::optional<contracts::StudyRecord> study;
  Result<StudyDecision> decision = DecideOnSnapshot(queries, requester, study_key, now_ms, &study);
  if (!decision.ok()) {
    return decision.status();
  }
  Result<uint64_t> valid_until_ms = DecisionValidUntil(queries, requester, study, now_ms);
  if (!valid_until_ms.ok()) {
    return valid_until_ms.status();
  }
  return TimedDecision{std::move(*decision), meta->height, *valid_until_ms};
}

}  // namespace imledger::gateway

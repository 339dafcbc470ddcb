// The gateway's access checks: who the requester is (token and membership) and whether the
// ledger lets them see a study, with a stable reason code for every refusal.
//
// Authenticate reads the bearer token and the requester's member record; Decide wraps
// contracts::LedgerQueries::Decide and, for a denial, names the reason a client can act on
// (study not anchored, no grant, grant expired or revoked, purpose not granted). Both read
// only committed state through LedgerQueries, so a revocation takes effect from the first
// request after its block commits. Pure functions over the database; thread-safe.

#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <leveldb/db.h>

#include "base/status.h"
#include "contracts/queries.h"
#include "gateway/token.h"

namespace imledger::gateway {

// Why a request was refused: the HTTP status, a stable code that clients branch on, and a
// message for people.
struct Refusal {
  int http_status = 403;
  std::string code;
  std::string message;
};

struct Requester {
  AccessClaims claims;
  contracts::MemberRecord member;
};

struct StudyDecision {
  bool allowed = false;
  std::optional<crypto::Digest> grant_id;
  std::string rule;  // contracts' rule or reason sentence.
  std::string code;  // For a denial: study_not_anchored, no_grant, grant_expired, ...
};

// Checks the "Authorization: Bearer <token>" header value and the member behind the token.
// Every failure is a 401 refusal: missing_token, malformed_token, bad_signature,
// wrong_audience, expired_token, token_time_invalid or unknown_member.
std::variant<Requester, Refusal> Authenticate(leveldb::DB* db,
                                              std::optional<std::string_view> authorization,
                                              std::string_view audience, uint64_t now_ms,
                                              uint64_t max_token_lifetime_ms);

// Decides `requester`'s access to `study_key` for the token's purpose at `now_ms`.
Result<StudyDecision> DecideStudyAccess(leveldb::DB* db, const Requester& requester,
                                        const crypto::Digest& study_key, uint64_t now_ms);

}  // namespace imledger::gateway

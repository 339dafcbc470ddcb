// The gateway's access checks: who the requester is (token and membership) and whether the
// ledger lets them see a study, with a stable reason code for every refusal.
//
// Authenticate reads the bearer token and the requester's member record; Decide wraps
// contracts::LedgerQueries::Decide and, for a denial, names the reason a client can act on
// (study not anchored, no grant, grant expired or revoked, purpose not granted). Both read
// only committed state through LedgerQueries, so a revocation takes effect from the first
// request after its block commits. access_cache.h wraps them in a cache that keeps this
// property. Pure functions over the database; thread-safe.

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

// A decision with the committed height of the state it was computed from, and the earliest
// time after the decision's time at which that state could decide otherwise.
struct TimedDecision {
  StudyDecision decision;
  uint64_t height = 0;
  uint64_t valid_until_ms = 0;  // Exclusive; UINT64_MAX when only a commit can change it.
};

// Checks the "Authorization: Bearer <token>" header value and the member behind the token.
// Every failure is a 401 refusal: missing_token, malformed_token, bad_signature,
// wrong_audience, expired_token, token_time_invalid or unknown_member.
std::variant<Requester, Refusal> Authenticate(leveldb::DB* db,
                                              std::optional<std::string_view> authorization,
                                              std::string_view audience, uint64_t now_ms,
                                              uint64_t max_token_lifetime_ms);

// Extracts the token from a "Bearer <token>" header value, or returns the missing_token or
// malformed_token refusal.
std::variant<std::string_view, Refusal> BearerToken(std::optional<std::string_view> authorization);

// The 401 refusal for a failure of VerifyAccessToken.
Refusal TokenRefusal(const Status& failure);

// The requester that verified `claims` name, given the result of reading its member record:
// a read error is a 500 refusal, an absent or revoked member the unknown_member refusal.
std::variant<Requester, Refusal> RequesterOf(
    const AccessClaims& claims, const Result<std::optional<contracts::MemberRecord>>& member);

// The committed height, from the contracts' state record that every block rewrites in the
// same atomic write as its state changes.
Result<uint64_t> CommittedHeight(leveldb::DB* db);

// Decides `requester`'s access to `study_key` for the token's purpose at `now_ms`.
Result<StudyDecision> DecideStudyAccess(leveldb::DB* db, const Requester& requester,
                                        const crypto::Digest& study_key, uint64_t now_ms);

// Runs DecideStudyAccess on one snapshot and adds that snapshot's height and the time until
// which its state decides the same: the earliest valid_from_ms, valid_until_ms or revoked_ms after
// `now_ms` among all grants of the study's patient. NOTE: the bound follows the time rules of
// contracts::LedgerQueries::Decide except the emergency window, so emergency decisions get
// valid_until_ms = now_ms (an empty span).
Result<TimedDecision> DecideStudyAccessTimed(leveldb::DB* db, const Requester& requester,
                                             const crypto::Digest& study_key, uint64_t now_ms);

}  // namespace imledger::gateway

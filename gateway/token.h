// Access tokens: PASETO v4.public tokens that a member signs with its enrolled key to ask the
// gateway for images.
//
// The claims are a JSON object: "sub" (the member public key, 64 hex digits), "aud" (the
// gateway's audience), "iat" and "exp" (RFC 3339 date-times, as PASETO's registered claims
// are), "purpose" (treatment, emergency, research, ai-training, consultation) and "jti" (a
// token id). The token verifies under the key that `sub` names, so anyone can check it without
// a shared secret. Whether that key belongs to an active member is the gateway's check against
// the ledger. Times are whole seconds. Pure functions; thread-safe.

#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "contracts/payload.h"
#include "crypto/ed25519.h"

namespace imledger::gateway {

struct AccessClaims {
  crypto::PublicKey subject;
  std::string audience;
  uint64_t issued_at_ms = 0;   // Whole seconds, in milliseconds.
  uint64_t expires_at_ms = 0;  // Whole seconds, in milliseconds.
  contracts::Purpose purpose = contracts::Purpose::kTreatment;
  std::string token_id;

  bool operator==(const AccessClaims&) const = default;
};

// Signs `claims` with `key`; claims.subject is set to the key's public key. Sub-second parts
// of the times are dropped.
std::string IssueAccessToken(const crypto::SecretKey& key, AccessClaims claims);

// Checks `token` at `now_ms`. The failures, by status code:
//   InvalidArgument     not a v4.public token, or claims missing or malformed;
//   Unauthenticated     the signature does not verify under `sub`;
//   PermissionDenied    `aud` is not `audience`;
//   OutOfRange          expired;
//   FailedPrecondition  issued more than a minute in the future, or living longer than
//                       max_lifetime_ms.
Result<AccessClaims> VerifyAccessToken(std::string_view token, std::string_view audience,
                                       uint64_t now_ms, uint64_t max_lifetime_ms);

// "2026-12-04T22:30:00Z" for a Unix time in milliseconds; sub-second parts are dropped.
std::string FormatRfc3339(uint64_t time_ms);

// Parses "YYYY-MM-DDTHH:MM:SS" with an optional fraction and a "Z" or "+HH:MM"/"-HH:MM" offset
// into Unix milliseconds; dates before 1970 are rejected.
Result<uint64_t> ParseRfc3339(std::string_view text);

}  // namespace imledger::gateway

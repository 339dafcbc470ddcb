// Execution results: accepted, or a rejection with a stable code and a message.
//
// The code is stored in the transaction's log leaf, so the values are part of the ledger format
// and never change meaning; new codes are appended. The message names the offending field
// ("payload.previous_anchor: ...") and is for people; only the code is replicated. Values;
// thread-safe.

#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace imledger::contracts {

enum class RejectCode : uint32_t {
  kAccepted = 0,
  kMalformedTransaction = 1,  // The envelope does not decode.
  kWrongNetwork = 2,          // network_id is not this ledger's.
  kBadSignature = 3,          // The signature does not verify under the signer key.
  kStaleNonce = 4,            // The nonce is not above the signer's last one: replay or reorder.
  kMalformedPayload = 5,      // The payload does not decode for the transaction type.
  kUnknownSigner = 6,         // The signer is not an enrolled member or patient key.
  kSignerRevoked = 7,         // The signer's membership was revoked.
  kMissingRole = 8,           // The signer lacks the role the transaction type needs.
  kWrongOrganization = 9,     // The signer acts for an organization it does not belong to.
  kNotFound = 10,             // A referenced study, grant, report, patient or dataset is unknown.
  kAlreadyExists = 11,        // The object or key is already on the ledger.
  kInvalidField = 12,         // A field's value is out of range for the current state.
  kRetiredKey = 13,           // A patient key replaced by patient.rotate_key signed.
  kVersionMismatch = 14,      // previous_anchor or supersedes is not the latest version.
  kForeignObject = 15,        // The object belongs to another patient or organization.
  kAlreadyRevoked = 16,       // The grant or member is already revoked.
  kNoConsent = 17,            // No active grant allows the action.
  kDatasetSealed = 18,        // The dataset is sealed and takes no more entries.
  kRootMismatch = 19,         // The sealed root differs from the root of the recorded entries.
};

inline constexpr uint32_t kRejectCodeCount = 20;

// "accepted", "stale_nonce", ...: a stable name for logs and JSON.
std::string_view RejectCodeName(RejectCode code);

// The outcome of validating one transaction.
struct Verdict {
  RejectCode code = RejectCode::kAccepted;
  std::string message;

  bool accepted() const { return code == RejectCode::kAccepted; }

  static Verdict Accept() { return {}; }

  static Verdict Reject(RejectCode code, std::string message) { return {code, std::move(message)}; }
};

}  // namespace imledger::contracts

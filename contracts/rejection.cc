#include "contracts/rejection.h"

#include <array>

namespace imledger::contracts {

std::string_view RejectCodeName(RejectCode code) {
  static constexpr std::array<std::string_view, kRejectCodeCount> kNames = {
      "accepted",         "malformed_transaction",
      "wrong_network",    "bad_signature",
      "stale_nonce",      "malformed_payload",
      "unknown_signer",   "signer_revoked",
      "missing_role",     "wrong_organization",
      "not_found",        "already_exists",
      "invalid_field",    "retired_key",
      "version_mismatch", "foreign_object",
      "already_revoked",  "no_consent",
      "dataset_sealed",   "root_mismatch",
  };
  auto index = static_cast<size_t>(code);
  return index < kNames.size() ? kNames[index] : "unknown";
}

}  // namespace imledger::contracts

// Whether a consent grant covers one access: the single definition that both the
// annotation.record rule and the gateway's Decide query use, so they never disagree.
// Pure functions; thread-safe.

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "contracts/records.h"

namespace imledger::contracts {

// Returns no value when `grant` allows `requester` (a member of `requester_organization`)
// access to `study_key` (a study of `study_patient_id`) for `purpose` at `time_ms`; otherwise
// the reason it does not, as a sentence.
std::optional<std::string> GrantMismatch(const GrantRecord& grant, const crypto::Digest& study_key,
                                         const crypto::Digest& study_patient_id, Purpose purpose,
                                         const crypto::PublicKey& requester,
                                         std::string_view requester_organization, uint64_t time_ms);

}  // namespace imledger::contracts

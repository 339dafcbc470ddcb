// One fixed, signed sample transaction of every type, built from named deterministic keys, for
// the golden vectors and round-trip tests. Ed25519 signing is deterministic (RFC 8032), so the
// bytes never change unless the encoding does.

#pragma once

#include <string>
#include <vector>

#include "contracts/payload.h"

namespace imledger::contracts::testing {

struct SampleTransaction {
  std::string name;  // The type name, "member.enroll", ...
  Transaction transaction;
};

std::vector<SampleTransaction> SampleTransactions();

}  // namespace imledger::contracts::testing

// Names for test identities: the network id, the genesis time, keys and digests derived from
// names, and the three-organization genesis that the contracts tests, benchmarks and fuzz seeds
// share. Everything is deterministic, so runs are reproducible.

#pragma once

#include <cstdint>
#include <string_view>

#include "contracts/genesis.h"
#include "crypto/ed25519.h"
#include "crypto/sha256.h"

namespace imledger::contracts::testing {

inline constexpr std::string_view kNetworkId = "imledger-test";
inline constexpr uint64_t kGenesisTimeMs = 1'700'000'000'000;

// A secret key whose seed is SHA-256 of `name`, so every run uses the same keys.
inline crypto::SecretKey KeyNamed(std::string_view name) {
  return crypto::SecretKey::FromSeed(crypto::Sha256Of(name).view()).value();
}

inline crypto::Digest DigestNamed(std::string_view name) {
  return crypto::Sha256Of(name);
}

// Organizations "hospital-a", "hospital-b" and "ai-lab", admins "admin-a", "admin-b" and
// "admin-lab", and four validators on 127.0.0.1.
Genesis TestGenesis();

}  // namespace imledger::contracts::testing

#include "tests/contracts/test_identities.h"

#include <string>

namespace imledger::contracts::testing {

Genesis TestGenesis() {
  Genesis genesis;
  genesis.network_id = std::string(kNetworkId);
  genesis.genesis_time_ms = kGenesisTimeMs;
  genesis.organizations = {
      {"hospital-a", {KeyNamed("admin-a").public_key()}},
      {"hospital-b", {KeyNamed("admin-b").public_key()}},
      {"ai-lab", {KeyNamed("admin-lab").public_key()}},
  };
  for (int i = 0; i < 4; ++i) {
    std::string name = "validator-" + std::to_string(i);
    genesis.validators.push_back({name, i % 2 == 0 ? "hospital-a" : "hospital-b",
                                  KeyNamed(name).public_key(),
                                  "127.0.0.1:" + std::to_string(7401 + i)});
  }
  genesis.consensus = {256, 50, 128, 2000};
  return genesis;
}

}  // namespace imledger::contracts::testing

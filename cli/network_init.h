// `imledger network init`: the files of a local test network on 127.0.0.1.
//
// For N validators the folder receives, with one organization per validator (hospital-a,
// hospital-b, ...):
//   genesis.json                    organizations, validators at 127.0.0.1:P+2i, consensus
//   hospital-X/admin.key            the organization's admin key (mode 0600)
//   hospital-X/pseudonym.secret     32 random bytes for MakePseudonym (mode 0600)
//   node-i/validator.key            validator i's key (mode 0600)
//   node-i/config.json              imledgerd configuration: peer port P+2i, API port P+2i+1
// InitNetwork refuses a folder that exists and is not empty, so it never overwrites a network.
// It reads the clock and the random source; it is thread-safe for distinct folders.

#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"
#include "crypto/sha256.h"

namespace imledger::cli {

inline constexpr int kMaxLocalValidators = 26;  // One organization letter each.

struct NetworkInitOptions {
  int validators = 4;
  std::filesystem::path dir;
  std::string network_id = "imledger-local";
  uint16_t base_port = 7400;
  uint64_t genesis_time_ms = 0;
};

struct InitializedOrganization {
  std::string name;
  std::filesystem::path admin_key_file;
  std::string admin_public_key;  // Hex.
  std::filesystem::path secret_file;
};

struct InitializedNode {
  std::string name;  // "validator-i".
  std::string organization;
  std::filesystem::path key_file;
  std::filesystem::path config_file;
  std::string public_key;  // Hex.
  uint16_t peer_port = 0;
  uint16_t api_port = 0;
};

struct InitializedNetwork {
  std::string network_id;
  std::filesystem::path genesis_file;
  crypto::Digest genesis_hash;
  std::vector<InitializedOrganization> organizations;
  std::vector<InitializedNode> nodes;
};

// The organization name of validator `index`: "hospital-a" for 0.
std::string LocalOrganizationName(int index);

// Creates the files. Invalid options are InvalidArgument statuses and a non-empty folder a
// FailedPrecondition status; each message names the value and the fix.
Result<InitializedNetwork> InitNetwork(const NetworkInitOptions& options);

}  // namespace imledger::cli

// The genesis file: the network's identity and its initial state.
//
// A genesis file is JSON (docs/contracts.md shows an example): the network id, the
// organizations with their admin keys, the validators with their keys and host:port addresses,
// and the consensus parameters. GenesisHash is SHA-256 of the canonical encoding, which starts
// with the domain tag "imledger/genesis/v1". The hash is part of the network identity, and every
// node and auditor pins it. Validator order is the order of the file, because the PBFT primary
// of view v is validator v mod n. Parsing never throws: a malformed file is an InvalidArgument
// status naming the JSON path. Types are values, and the functions are thread-safe.

#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/ed25519.h"
#include "crypto/sha256.h"

namespace imledger::contracts {

inline constexpr std::string_view kGenesisDomain = "imledger/genesis/v1";

struct GenesisOrganization {
  std::string name;                           // See IsValidOrganizationName.
  std::vector<crypto::PublicKey> admin_keys;  // At least one.

  bool operator==(const GenesisOrganization&) const = default;
};

struct GenesisValidator {
  std::string name;
  std::string organization;
  crypto::PublicKey public_key;
  std::string address;  // "host:port", for example "127.0.0.1:7401".

  bool operator==(const GenesisValidator&) const = default;
};

struct ConsensusParameters {
  uint64_t batch_size = 0;              // Maximum transactions in one block.
  uint64_t batch_delay_ms = 0;          // Maximum wait before a partial batch is proposed.
  uint64_t checkpoint_interval = 0;     // Blocks between checkpoints.
  uint64_t view_change_timeout_ms = 0;  // Initial request timeout before a view change.

  bool operator==(const ConsensusParameters&) const = default;
};

struct Genesis {
  std::string network_id;
  uint64_t genesis_time_ms = 0;  // The block time of height 0.
  std::vector<GenesisOrganization> organizations;
  std::vector<GenesisValidator> validators;
  ConsensusParameters consensus;

  bool operator==(const Genesis&) const = default;
};

// Network ids: 1 to 64 characters of a-z, 0-9, '-' and '.'; they also name C2SP checkpoints.
bool IsValidNetworkId(std::string_view network_id);

Result<Genesis> ParseGenesis(std::string_view json_text);

Result<Genesis> LoadGenesisFile(const std::filesystem::path& path);

// Writes the JSON form that ParseGenesis reads, with keys as hex.
std::string GenesisToJson(const Genesis& genesis);

// Checks every field and cross-reference; ParseGenesis calls it, builders of a Genesis in code
// should too.
Status ValidateGenesis(const Genesis& genesis);

Bytes EncodeGenesis(const Genesis& genesis);

// Decodes EncodeGenesis output (as the state stores it) and validates it.
Result<Genesis> DecodeGenesis(ByteView bytes);

crypto::Digest GenesisHash(const Genesis& genesis);

}  // namespace imledger::contracts

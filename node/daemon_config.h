// The imledgerd configuration file: which key, genesis and data folder a node uses, where it
// listens and where its peers are.
//
// The file is one JSON object:
//   {"key_file": "validator-0.key", "genesis_file": "genesis.json", "data_dir": "data/0",
//    "listen_host": "127.0.0.1", "listen_port": 7401,
//    "peers": [{"public_key": "<hex>", "host": "127.0.0.1", "port": 7402}, ...],
//    "api_host": "127.0.0.1", "api_port": 8401, "max_pending_requests": 10000,
//    "log_level": "info", "key_passphrase_env": "IMLEDGER_KEY_PASSPHRASE",
//    "api_max_body_bytes": 1500000, "api_read_timeout_ms": 10000, "api_write_timeout_ms": 10000,
//    "api_pending_max_age_ms": 600000}
// key_file, genesis_file and data_dir are required; relative paths are resolved against the
// folder that contains the configuration file. Without "peers" the node dials the addresses of
// the genesis validators. An unknown option or a value of the wrong type is an InvalidArgument
// status that names the option. Parsing never throws. Values only, thread-compatible.

#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "contracts/genesis.h"
#include "network/transport_config.h"

namespace imledger::node {

struct DaemonConfig {
  std::filesystem::path key_file;
  std::filesystem::path genesis_file;
  std::filesystem::path data_dir;
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 0;
  std::optional<std::vector<network::PeerAddress>> peers;  // Absent: from the genesis.
  std::string api_host = "127.0.0.1";
  uint16_t api_port = 0;  // 0 picks an ephemeral port, logged at start.
  uint64_t max_pending_requests = 10000;
  std::string log_level = "info";  // trace, debug, info, warn, error, critical or off.
  // The name of the environment variable that contains the key file's passphrase; empty for a
  // key file that is not sealed.
  std::string key_passphrase_env;
  uint64_t api_max_body_bytes = 1'500'000;
  uint32_t api_read_timeout_ms = 10000;
  uint32_t api_write_timeout_ms = 10000;
  // How long GET /v1/transactions/{id} reports a transaction queued through this API as pending
  // before it reports that the transaction may have been dropped.
  uint64_t api_pending_max_age_ms = 600'000;
  // The "gateway" object as JSON text, when the node runs the DICOMweb gateway; imledgerd
  // parses it with gateway::ParseGatewayConfigText against base_dir.
  std::optional<std::string> gateway;
  std::filesystem::path base_dir;
};

// Parses `json_text` and resolves relative paths against `base_dir`.
Result<DaemonConfig> ParseDaemonConfig(std::string_view json_text,
                                       const std::filesystem::path& base_dir);

Result<DaemonConfig> LoadDaemonConfig(const std::filesystem::path& path);

// The peers to dial: the configured ones, or else every genesis validator but `self`, at the
// "host:port" address the genesis gives.
Result<std::vector<network::PeerAddress>> PeersToDial(const DaemonConfig& config,
                                                      const contracts::Genesis& genesis,
                                                      const crypto::PublicKey& self);

}  // namespace imledger::node

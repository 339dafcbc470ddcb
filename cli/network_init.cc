#include "cli/network_init.h"

#include <nlohmann/json.hpp>
#include <sodium.h>

#include "base/check.h"
#include "cli/messages.h"
#include "contracts/genesis.h"
#include "crypto/ed25519.h"
#include "crypto/key_file.h"

namespace imledger::cli {

namespace {

constexpr unsigned kSecretMode = 0600;
constexpr unsigned kPublicMode = 0644;
constexpr size_t kSecretBytes = 32;
constexpr char kLocalHost[] = "127.0.0.1";

// Consensus parameters for a local network: blocks every 50 ms under load, a checkpoint every
// 128 blocks, and a view change after 2 s without progress.
contracts::ConsensusParameters LocalConsensus() {
  contracts::ConsensusParameters consensus;
  consensus.batch_size = 256;
  consensus.batch_delay_ms = 2;
  consensus.checkpoint_interval = 128;
  consensus.view_change_timeout_ms = 600;
  return consensus;
}

Status CheckOptions(const NetworkInitOptions& options) {
  if (options.validators < 1 || options.validators > kMaxLocalValidators) {
    return Status::InvalidArgument(
        Text("init.bad_validators",
             {std::to_string(options.validators), std::to_string(kMaxLocalValidators)}));
  }
  if (!contracts::IsValidNetworkId(options.network_id)) {
    return Status::InvalidArgument(Text("init.bad_network_id", {options.network_id}));
  }
  uint32_t last_port = uint32_t{options.base_port} + 2 * options.validators - 1;
  if (options.base_port == 0 || last_port > 65535) {
    return Status::InvalidArgument(
        Text("init.bad_port", {std::to_string(options.base_port), std::to_string(last_port)}));
  }
  std::error_code error;
  if (std::filesystem::exists(options.dir, error)) {
    if (!std::filesystem::is_directory(options.dir, error) ||
        !std::filesystem::is_empty(options.dir, error)) {
      return Status::FailedPrecondition(Text("init.dir_not_empty", {options.dir.string()}));
    }
  }
  return Status::Ok();
}

Status MakeFolder(const std::filesystem::path& path) {
  std::error_code error;
  std::filesystem::create_directories(path, error);
  if (error) {
    return Status::IoError(Text("init.cannot_create", {path.string(), error.message()}));
  }
  return Status::Ok();
}

Result<crypto::SecretKey> WriteNewKey(const std::filesystem::path& path) {
  crypto::SecretKey key = crypto::SecretKey::Generate();
  Status status = crypto::WriteKeyFile(path.string(), key);
  if (!status.ok()) {
    return status;
  }
  return key;
}

Result<InitializedOrganization> WriteOrganization(const std::filesystem::path& dir, int index) {
  InitializedOrganization organization;
  organization.name = LocalOrganizationName(index);
  std::filesystem::path folder = dir / organization.name;
  if (Status status = MakeFolder(folder); !status.ok()) {
    return status;
  }
  organization.admin_key_file = folder / "admin.key";
  Result<crypto::SecretKey> admin = WriteNewKey(organization.admin_key_file);
  if (!admin.ok()) {
    return admin.status();
  }
  organization.admin_public_key = admin->public_key().ToHex();

  Check(sodium_init() >= 0, "sodium_init failed");
  std::string secret(kSecretBytes, '\0');
  randombytes_buf(secret.data(), secret.size());
  organization.secret_file = folder / "pseudonym.secret";
  Status status =
      crypto::WriteFileAtomically(organization.secret_file.string(), secret, kSecretMode);
  if (!status.ok()) {
    return status;
  }
  return organization;
}

Result<InitializedNode> WriteNodeKey(const std::filesystem::path& dir, int index,
                                     uint16_t base_port) {
  InitializedNode node;
  node.name = "validator-" + std::to_string(index);
  node.organization = LocalOrganizationName(index);
  std::filesystem::path folder = dir / ("node-" + std::to_string(index));
  if (Status status = MakeFolder(folder); !status.ok()) {
    return status;
  }
  node.key_file = folder / "validator.key";
  node.config_file = folder / "config.json";
  Result<crypto::SecretKey> key = WriteNewKey(node.key_file);
  if (!key.ok()) {
    return key.status();
  }
  node.public_key = key->public_key().ToHex();
  node.peer_port = static_cast<uint16_t>(base_port + 2 * index);
  node.api_port = static_cast<uint16_t>(node.peer_port + 1);
  return node;
}

// The imledgerd configuration; paths are relative to node-i/, so the folder can be moved.
Status WriteNodeConfig(const InitializedNode& node) {
  nlohmann::ordered_json config = {
      {"key_file", "validator.key"}, {"genesis_file", "../genesis.json"}, {"data_dir", "data"},
      {"listen_host", kLocalHost},   {"listen_port", node.peer_port},     {"api_host", kLocalHost},
      {"api_port", node.api_port}};
  return crypto::WriteFileAtomically(node.config_file.string(), config.dump(2) + "\n", kPublicMode);
}

Result<contracts::Genesis> MakeGenesis(const NetworkInitOptions& options,
                                       const InitializedNetwork& network) {
  contracts::Genesis genesis;
  genesis.network_id = options.network_id;
  genesis.genesis_time_ms = options.genesis_time_ms;
  genesis.consensus = LocalConsensus();
  for (const InitializedOrganization& organization : network.organizations) {
    Result<crypto::PublicKey> admin = crypto::PublicKey::FromHex(organization.admin_public_key);
    Check(admin.ok(), "a generated key does not parse");
    genesis.organizations.push_back({organization.name, {*admin}});
  }
  for (const InitializedNode& node : network.nodes) {
    Result<crypto::PublicKey> key = crypto::PublicKey::FromHex(node.public_key);
    Check(key.ok(), "a generated key does not parse");
    genesis.validators.push_back({node.name, node.organization, *key,
                                  std::string(kLocalHost) + ":" + std::to_string(node.peer_port)});
  }
  if (Status status = contracts::ValidateGenesis(genesis); !status.ok()) {
    return status;
  }
  return genesis;
}

}  // namespace

std::string LocalOrganizationName(int index) {
  return std::string("hospital-") + static_cast<char>('a' + index);
}

Result<InitializedNetwork> InitNetwork(const NetworkInitOptions& options) {
  if (Status status = CheckOptions(options); !status.ok()) {
    return status;
  }
  if (Status status = MakeFolder(options.dir); !status.ok()) {
    return status;
  }

  InitializedNetwork network;
  network.network_id = options.network_id;
  for (int i = 0; i < options.validators; ++i) {
    Result<InitializedOrganization> organization = WriteOrganization(options.dir, i);
    if (!organization.ok()) {
      return organization.status();
    }
    network.organizations.push_back(std::move(*organization));
    Result<InitializedNode> node = WriteNodeKey(options.dir, i, options.base_port);
    if (!node.ok()) {
      return node.status();
    }
    if (Status status = WriteNodeConfig(*node); !status.ok()) {
      return status;
    }
    network.nodes.push_back(std::move(*node));
  }

  Result<contracts::Genesis> genesis = MakeGenesis(options, network);
  if (!genesis.ok()) {
    return genesis.status();
  }
  network.genesis_file = options.dir / "genesis.json";
  network.genesis_hash = contracts::GenesisHash(*genesis);
  Status status = crypto::WriteFileAtomically(network.genesis_file.string(),
                                              contracts::GenesisToJson(*genesis), kPublicMode);
  if (!status.ok()) {
    return status;
  }
  return network;
}

}  // namespace imledger::cli

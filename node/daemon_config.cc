#include "node/daemon_config.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>
#include <utility>

#include <nlohmann/json.hpp>

namespace imledger::node {
namespace {

using Json = nlohmann::json;

Status Invalid(std::string_view option, std::string_view problem) {
  return Status::InvalidArgument("config option \"" + std::string(option) + "\" " +
                                 std::string(problem));
}

Result<std::string> RequiredText(const Json& object, std::string_view option) {
  auto found = object.find(option);
  if (found == object.end()) {
    return Invalid(option, "is missing");
  }
  if (!found->is_string() || found->get<std::string>().empty()) {
    return Invalid(option, "must be a non-empty string");
  }
  return found->get<std::string>();
}

Result<uint16_t> PortOf(const Json& value, std::string_view option) {
  if (!value.is_number_unsigned() || value.get<uint64_t>() > 65535) {
    return Invalid(option, "must be an integer from 0 to 65535");
  }
  return static_cast<uint16_t>(value.get<uint64_t>());
}

std::filesystem::path Resolve(const std::filesystem::path& base_dir, const std::string& path) {
  std::filesystem::path result(path);
  return result.is_absolute() ? result : base_dir / result;
}

Result<uint64_t> NumberOf(const Json& value, std::string_view option, uint64_t min, uint64_t max,
                          std::string_view unit) {
  if (!value.is_number_unsigned() || value.get<uint64_t>() < min || value.get<uint64_t>() > max) {
    return Invalid(option, "must be an integer from " + std::to_string(min) + " to " +
                               std::to_string(max) + std::string(unit));
  }
  return value.get<uint64_t>();
}

bool IsLogLevel(std::string_view level) {
  for (std::string_view known : {"trace", "debug", "info", "warn", "error", "critical", "off"}) {
    if (level == known) {
      return true;
    }
  }
  return false;
}

bool IsEnvironmentName(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) {
    return false;
  }
  for (char c : name) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
      return false;
    }
  }
  return true;
}

// The API, queue, logging and key options; each is optional.
Status ParseServiceOptions(const Json& root, DaemonConfig& config) {
  if (root.contains("api_host")) {
    Result<std::string> host = RequiredText(root, "api_host");
    if (!host.ok()) {
      return host.status();
    }
    config.api_host = *host;
  }
  if (root.contains("api_port")) {
    Result<uint16_t> port = PortOf(root["api_port"], "api_port");
    if (!port.ok()) {
      return port.status();
    }
    config.api_port = *port;
  }

  struct NumberOption {
    const char* name;
    uint64_t min;
    uint64_t max;
    const char* unit;
    uint64_t* target;
  };

  uint64_t read_timeout_ms = config.api_read_timeout_ms;
  uint64_t write_timeout_ms = config.api_write_timeout_ms;
  for (const NumberOption& option :
       {NumberOption{"max_pending_requests", 1, 1'000'000, " requests",
                     &config.max_pending_requests},
        NumberOption{"api_max_body_bytes", 1024, 64u << 20, " bytes", &config.api_max_body_bytes},
        NumberOption{"api_read_timeout_ms", 100, 600'000, " ms", &read_timeout_ms},
        NumberOption{"api_write_timeout_ms", 100, 600'000, " ms", &write_timeout_ms},
        NumberOption{"api_pending_max_age_ms", 1000, 86'400'000, " ms",
                     &config.api_pending_max_age_ms}}) {
    if (!root.contains(option.name)) {
      continue;
    }
    Result<uint64_t> value =
        NumberOf(root[option.name], option.name, option.min, option.max, option.unit);
    if (!value.ok()) {
      return value.status();
    }
    *option.target = *value;
  }
  config.api_read_timeout_ms = static_cast<uint32_t>(read_timeout_ms);
  config.api_write_timeout_ms = static_cast<uint32_t>(write_timeout_ms);
  if (root.contains("log_level")) {
    Result<std::string> level = RequiredText(root, "log_level");
    if (!level.ok() || !IsLogLevel(*level)) {
      return Invalid("log_level",
                     "must be one of trace, debug, info, warn, error, critical or off");
    }
    config.log_level = *level;
  }
  if (root.contains("key_passphrase_env")) {
    Result<std::string> name = RequiredText(root, "key_passphrase_env");
    if (!name.ok() || !IsEnvironmentName(*name)) {
      return Invalid("key_passphrase_env",
                     "must name an environment variable: letters, digits and '_', not starting "
                     "with a digit");
    }
    config.key_passphrase_env = *name;
  }
  return Status::Ok();
}

Result<network::PeerAddress> ParsePeer(const Json& peer, size_t index) {
  std::string prefix = "peers[" + std::to_string(index) + "]";
  if (!peer.is_object()) {
    return Invalid(prefix, "must be an object with public_key, host and port");
  }
  for (const auto& [key, value] : peer.items()) {
    if (key != "public_key" && key != "host" && key != "port") {
      return Invalid(prefix + "." + key, "is not a known option");
    }
  }
  Result<std::string> key_hex = RequiredText(peer, "public_key");
  if (!key_hex.ok()) {
    return Invalid(prefix + ".public_key", "must be a 64-digit hex Ed25519 public key");
  }
  Result<crypto::PublicKey> key = crypto::PublicKey::FromHex(*key_hex);
  if (!key.ok()) {
    return Invalid(prefix + ".public_key", "is invalid: " + key.status().message());
  }

  network::PeerAddress address;
  address.public_key = *key;
  Result<std::string> host = RequiredText(peer, "host");
  if (!host.ok()) {
    return Invalid(prefix + ".host", "must be a non-empty string");
  }
  address.host = *host;

  if (!peer.contains("port")) {
    return Invalid(prefix + ".port", "is missing");
  }
  Result<uint16_t> port = PortOf(peer["port"], prefix + ".port");
  if (!port.ok()) {
    return port.status();
  }
  address.port = *port;
  return address;
}

Status ParsePeers(const Json& peers, DaemonConfig& config) {
  if (!peers.is_array()) {
    return Invalid("peers", "must be an array of {public_key, host, port} objects");
  }
  config.peers.emplace();
  for (size_t i = 0; i < peers.size(); ++i) {
    Result<network::PeerAddress> peer = ParsePeer(peers[i], i);
    if (!peer.ok()) {
      return peer.status();
    }
    config.peers->push_back(*peer);
  }
  return Status::Ok();
}

Result<std::pair<std::string, uint16_t>> SplitAddress(const std::string& address) {
  size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return Status::InvalidArgument("validator address \"" + address + "\" is not host:port");
  }
  std::string_view port_text = std::string_view(address).substr(colon + 1);
  uint32_t port = 0;
  auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (error != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    return Status::InvalidArgument("validator address \"" + address + "\" has an invalid port");
  }
  return std::make_pair(address.substr(0, colon), static_cast<uint16_t>(port));
}

}  // namespace

Result<DaemonConfig> ParseDaemonConfig(std::string_view json_text,
                                       const std::filesystem::path& base_dir) {
  Json root = Json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object()) {
    return Status::InvalidArgument("the configuration is not a JSON object");
  }
  for (const auto& [key, value] : root.items()) {
    static constexpr std::string_view kKnown[] = {"key_file",
                                                  "genesis_file",
                                                  "data_dir",
                                                  "listen_host",
                                                  "listen_port",
                                                  "peers",
                                                  "api_host",
                                                  "api_port",
                                                  "max_pending_requests",
                                                  "log_level",
                                                  "key_passphrase_env",
                                                  "api_max_body_bytes",
                                                  "api_read_timeout_ms",
                                                  "api_write_timeout_ms",
                                                  "api_pending_max_age_ms",
                                                  "gateway"};
    if (std::find(std::begin(kKnown), std::end(kKnown), key) == std::end(kKnown)) {
      return Invalid(key, "is not a known option; docs/operations.md lists the options");
    }
  }

  DaemonConfig config;
  for (auto [option, target] :
       {std::pair{"key_file", &config.key_file}, std::pair{"genesis_file", &config.genesis_file},
        std::pair{"data_dir", &config.data_dir}}) {
    Result<std::string> path = RequiredText(root, option);
    if (!path.ok()) {
      return path.status();
    }
    *target = Resolve(base_dir, *path);
  }
  if (root.contains("listen_host")) {
    Result<std::string> host = RequiredText(root, "listen_host");
    if (!host.ok()) {
      return host.status();
    }
    config.listen_host = *host;
  }
  if (root.contains("listen_port")) {
    Result<uint16_t> port = PortOf(root["listen_port"], "listen_port");
    if (!port.ok()) {
      return port.status();
    }
    config.listen_port = *port;
  }
  if (root.contains("peers")) {
    if (Status status = ParsePeers(root["peers"], config); !status.ok()) {
      return status;
    }
  }
  if (Status status = ParseServiceOptions(root, config); !status.ok()) {
    return status;
  }
  if (root.contains("gateway")) {
    if (!root["gateway"].is_object()) {
      return Invalid("gateway", "must be an object; docs/gateway.md lists its options");
    }
    // gateway/ sits above node/, so imledgerd parses this object with the gateway's parser.
    config.gateway = root["gateway"].dump();
    config.base_dir = base_dir;
  }
  return config;
}

Result<DaemonConfig> LoadDaemonConfig(const std::filesystem::path& path) {
  std::ifstream file(path);
  if (!file) {
    return Status::NotFound("cannot read the configuration file " + path.string());
  }
  std::stringstream text;
  text << file.rdbuf();
  Result<DaemonConfig> config = ParseDaemonConfig(text.str(), path.parent_path());
  if (!config.ok()) {
    return Status(config.status().code(), path.string() + ": " + config.status().message());
  }
  return config;
}

Result<std::vector<network::PeerAddress>> PeersToDial(const DaemonConfig& config,
                                                      const contracts::Genesis& genesis,
                                                      const crypto::PublicKey& self) {
  if (config.peers.has_value()) {
    return *config.peers;
  }
  std::vector<network::PeerAddress> peers;
  for (const contracts::GenesisValidator& validator : genesis.validators) {
    if (validator.public_key == self) {
      continue;
    }
    Result<std::pair<std::string, uint16_t>> address = SplitAddress(validator.address);
    if (!address.ok()) {
      return address.status();
    }
    peers.push_back({validator.public_key, address->first, address->second});
  }
  return peers;
}

}  // namespace imledger::node

#include "contracts/genesis.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "contracts/payload.h"
#include "ledger/codec.h"

namespace imledger::contracts {

namespace {

using Json = nlohmann::json;

Status MissingOrWrongType(const std::string& path, std::string_view expected) {
  return Status::InvalidArgument("genesis field " + path + " is missing or not " +
                                 std::string(expected));
}

Result<std::string> GetString(const Json& object, const std::string& path, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) {
    return MissingOrWrongType(path + "." + key, "a string");
  }
  return it->get<std::string>();
}

Result<uint64_t> GetUnsigned(const Json& object, const std::string& path, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number_unsigned()) {
    return MissingOrWrongType(path + "." + key, "a non-negative integer");
  }
  return it->get<uint64_t>();
}

Result<crypto::PublicKey> GetKey(const Json& value, const std::string& path) {
  if (!value.is_string()) {
    return MissingOrWrongType(path, "a hex public key");
  }
  return crypto::PublicKey::FromHex(value.get<std::string>(), "genesis field " + path);
}

Result<GenesisOrganization> ParseOrganization(const Json& object, const std::string& path) {
  if (!object.is_object()) {
    return MissingOrWrongType(path, "an object");
  }
  GenesisOrganization organization;
  Result<std::string> name = GetString(object, path, "name");
  if (!name.ok()) {
    return name.status();
  }
  organization.name = *name;
  auto keys = object.find("admin_keys");
  if (keys == object.end() || !keys->is_array()) {
    return MissingOrWrongType(path + ".admin_keys", "an array");
  }
  for (size_t i = 0; i < keys->size(); ++i) {
    Result<crypto::PublicKey> key =
        GetKey((*keys)[i], path + ".admin_keys[" + std::to_string(i) + "]");
    if (!key.ok()) {
      return key.status();
    }
    organization.admin_keys.push_back(*key);
  }
  return organization;
}

Result<GenesisValidator> ParseValidator(const Json& object, const std::string& path) {
  if (!object.is_object()) {
    return MissingOrWrongType(path, "an object");
  }
  GenesisValidator validator;
  Result<std::string> name = GetString(object, path, "name");
  Result<std::string> organization = GetString(object, path, "organization");
  Result<std::string> address = GetString(object, path, "address");
  for (const Result<std::string>* field : {&name, &organization, &address}) {
    if (!field->ok()) {
      return field->status();
    }
  }
  auto key = object.find("public_key");
  if (key == object.end()) {
    return MissingOrWrongType(path + ".public_key", "a hex public key");
  }
  Result<crypto::PublicKey> public_key = GetKey(*key, path + ".public_key");
  if (!public_key.ok()) {
    return public_key.status();
  }
  validator.name = *name;
  validator.organization = *organization;
  validator.address = *address;
  validator.public_key = *public_key;
  return validator;
}

Result<ConsensusParameters> ParseConsensus(const Json& root) {
  auto object = root.find("consensus");
  if (object == root.end() || !object->is_object()) {
    return MissingOrWrongType("consensus", "an object");
  }
  ConsensusParameters parameters;
  const std::pair<const char*, uint64_t*> fields[] = {
      {"batch_size", &parameters.batch_size},
      {"batch_delay_ms", &parameters.batch_delay_ms},
      {"checkpoint_interval", &parameters.checkpoint_interval},
      {"view_change_timeout_ms", &parameters.view_change_timeout_ms},
  };
  for (const auto& [key, target] : fields) {
    Result<uint64_t> value = GetUnsigned(*object, "consensus", key);
    if (!value.ok()) {
      return value.status();
    }
    *target = *value;
  }
  return parameters;
}

template <typename Item, typename Parser>
Status ParseArray(const Json& root, const char* key, Parser parse, std::vector<Item>& out) {
  auto array = root.find(key);
  if (array == root.end() || !array->is_array()) {
    return MissingOrWrongType(key, "an array");
  }
  for (size_t i = 0; i < array->size(); ++i) {
    Result<Item> item = parse((*array)[i], std::string(key) + "[" + std::to_string(i) + "]");
    if (!item.ok()) {
      return item.status();
    }
    out.push_back(*item);
  }
  return Status::Ok();
}

bool IsValidAddress(std::string_view address) {
  size_t colon = address.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return false;
  }
  std::string_view port_text = address.substr(colon + 1);
  unsigned port = 0;
  auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  return error == std::errc() && end == port_text.data() + port_text.size() && port >= 1 &&
         port <= 65535 && port_text[0] != '0';
}

Status ValidateOrganizations(const Genesis& genesis, std::set<crypto::PublicKey>& keys) {
  if (genesis.organizations.empty()) {
    return Status::InvalidArgument("genesis field organizations must list at least one");
  }
  std::set<std::string> names;
  for (size_t i = 0; i < genesis.organizations.size(); ++i) {
    const GenesisOrganization& organization = genesis.organizations[i];
    std::string path = "organizations[" + std::to_string(i) + "]";
    if (!IsValidOrganizationName(organization.name)) {
      return Status::InvalidArgument("genesis field " + path + ".name \"" + organization.name +
                                     "\" must be 1 to 64 characters of a-z, 0-9, '-' and '.'");
    }
    if (!names.insert(organization.name).second) {
      return Status::InvalidArgument("genesis field " + path + ".name \"" + organization.name +
                                     "\" appears twice");
    }
    if (organization.admin_keys.empty()) {
      return Status::InvalidArgument("genesis field " + path + ".admin_keys must list a key");
    }
    for (const crypto::PublicKey& key : organization.admin_keys) {
      if (!keys.insert(key).second) {
        return Status::InvalidArgument("genesis field " + path + ".admin_keys repeats key " +
                                       key.ToHex() + ", which is already an admin key");
      }
    }
  }
  return Status::Ok();
}

Status ValidateValidators(const Genesis& genesis) {
  if (genesis.validators.empty()) {
    return Status::InvalidArgument("genesis field validators must list at least one");
  }
  std::set<crypto::PublicKey> keys;
  std::set<std::string> addresses;
  for (size_t i = 0; i < genesis.validators.size(); ++i) {
    const GenesisValidator& validator = genesis.validators[i];
    std::string path = "genesis field validators[" + std::to_string(i) + "]";
    bool known_organization =
        std::any_of(genesis.organizations.begin(), genesis.organizations.end(),
                    [&](const GenesisOrganization& o) { return o.name == validator.organization; });
    if (validator.name.empty()) {
      return Status::InvalidArgument(path + ".name must not be empty");
    }
    if (!known_organization) {
      return Status::InvalidArgument(path + ".organization \"" + validator.organization +
                                     "\" is not listed under organizations");
    }
    if (!IsValidAddress(validator.address)) {
      return Status::InvalidArgument(path + ".address \"" + validator.address +
                                     "\" must be host:port with a port from 1 to 65535");
    }
    if (!keys.insert(validator.public_key).second) {
      return Status::InvalidArgument(path + ".public_key repeats an earlier validator's key");
    }
    if (!addresses.insert(validator.address).second) {
      return Status::InvalidArgument(path + ".address repeats an earlier validator's address");
    }
  }
  return Status::Ok();
}

}  // namespace

bool IsValidNetworkId(std::string_view network_id) {
  return IsValidOrganizationName(network_id);
}

Status ValidateGenesis(const Genesis& genesis) {
  if (!IsValidNetworkId(genesis.network_id)) {
    return Status::InvalidArgument("genesis field network_id \"" + genesis.network_id +
                                   "\" must be 1 to 64 characters of a-z, 0-9, '-' and '.'");
  }
  std::set<crypto::PublicKey> admin_keys;
  Status status = ValidateOrganizations(genesis, admin_keys);
  if (!status.ok()) {
    return status;
  }
  status = ValidateValidators(genesis);
  if (!status.ok()) {
    return status;
  }
  const ConsensusParameters& consensus = genesis.consensus;
  if (consensus.batch_size == 0 || consensus.checkpoint_interval == 0 ||
      consensus.view_change_timeout_ms == 0) {
    return Status::InvalidArgument(
        "genesis fields consensus.batch_size, consensus.checkpoint_interval and "
        "consensus.view_change_timeout_ms must be greater than 0");
  }
  return Status::Ok();
}

Result<Genesis> ParseGenesis(std::string_view json_text) {
  Json root = Json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object()) {
    return Status::InvalidArgument("genesis file is not a JSON object");
  }
  Genesis genesis;
  Result<std::string> network_id = GetString(root, "", "network_id");
  if (!network_id.ok()) {
    return network_id.status();
  }
  genesis.network_id = *network_id;

  if (root.contains("genesis_time_ms")) {
    Result<uint64_t> time = GetUnsigned(root, "", "genesis_time_ms");
    if (!time.ok()) {
      return time.status();
    }
    genesis.genesis_time_ms = *time;
  }

  Status status = ParseArray(root, "organizations", ParseOrganization, genesis.organizations);
  if (!status.ok()) {
    return status;
  }
  status = ParseArray(root, "validators", ParseValidator, genesis.validators);
  if (!status.ok()) {
    return status;
  }
  Result<ConsensusParameters> consensus = ParseConsensus(root);
  if (!consensus.ok()) {
    return consensus.status();
  }
  genesis.consensus = *consensus;

  status = ValidateGenesis(genesis);
  if (!status.ok()) {
    return status;
  }
  return genesis;
}

Result<Genesis> LoadGenesisFile(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return Status::IoError("cannot open genesis file " + path.string());
  }
  std::ostringstream text;
  text << file.rdbuf();
  Result<Genesis> genesis = ParseGenesis(text.str());
  if (!genesis.ok()) {
    return Status::InvalidArgument(path.string() + ": " + genesis.status().message());
  }
  return genesis;
}

std::string GenesisToJson(const Genesis& genesis) {
  Json root = Json::object();
  root["network_id"] = genesis.network_id;
  root["genesis_time_ms"] = genesis.genesis_time_ms;
  root["organizations"] = Json::array();
  for (const GenesisOrganization& organization : genesis.organizations) {
    Json keys = Json::array();
    for (const crypto::PublicKey& key : organization.admin_keys) {
      keys.push_back(key.ToHex());
    }
    root["organizations"].push_back({{"name", organization.name}, {"admin_keys", keys}});
  }
  root["validators"] = Json::array();
  for (const GenesisValidator& validator : genesis.validators) {
    root["validators"].push_back({{"name", validator.name},
                                  {"organization", validator.organization},
                                  {"public_key", validator.public_key.ToHex()},
                                  {"address", validator.address}});
  }
  root["consensus"] = {{"batch_size", genesis.consensus.batch_size},
                       {"batch_delay_ms", genesis.consensus.batch_delay_ms},
                       {"checkpoint_interval", genesis.consensus.checkpoint_interval},
                       {"view_change_timeout_ms", genesis.consensus.view_change_timeout_ms}};
  return root.dump(2) + "\n";
}

Bytes EncodeGenesis(const Genesis& genesis) {
  ledger::Encoder encoder;
  encoder.PutString(kGenesisDomain);
  encoder.PutString(genesis.network_id);
  encoder.PutVarint(genesis.genesis_time_ms);
  encoder.PutVarint(genesis.organizations.size());
  for (const GenesisOrganization& organization : genesis.organizations) {
    encoder.PutString(organization.name);
    encoder.PutVarint(organization.admin_keys.size());
    for (const crypto::PublicKey& key : organization.admin_keys) {
      encoder.PutPublicKey(key);
    }
  }
  encoder.PutVarint(genesis.validators.size());
  for (const GenesisValidator& validator : genesis.validators) {
    encoder.PutString(validator.name);
    encoder.PutString(validator.organization);
    encoder.PutPublicKey(validator.public_key);
    encoder.PutString(validator.address);
  }
  encoder.PutVarint(genesis.consensus.batch_size);
  encoder.PutVarint(genesis.consensus.batch_delay_ms);
  encoder.PutVarint(genesis.consensus.checkpoint_interval);
  encoder.PutVarint(genesis.consensus.view_change_timeout_ms);
  return encoder.Take();
}

Result<Genesis> DecodeGenesis(ByteView bytes) {
  ledger::Decoder decoder(bytes);
  if (decoder.ReadString("domain") != kGenesisDomain && decoder.ok()) {
    decoder.Reject("domain", "expected the genesis domain tag");
  }
  Genesis genesis;
  genesis.network_id = decoder.ReadString("network_id");
  genesis.genesis_time_ms = decoder.ReadVarint("genesis_time_ms");

  uint64_t organization_count = decoder.ReadCount("organizations");
  for (uint64_t i = 0; i < organization_count && decoder.ok(); ++i) {
    GenesisOrganization organization;
    organization.name = decoder.ReadString("organizations.name");
    uint64_t key_count = decoder.ReadCount("organizations.admin_keys");
    for (uint64_t k = 0; k < key_count && decoder.ok(); ++k) {
      organization.admin_keys.push_back(decoder.ReadPublicKey("organizations.admin_keys"));
    }
    genesis.organizations.push_back(std::move(organization));
  }

  uint64_t validator_count = decoder.ReadCount("validators");
  for (uint64_t i = 0; i < validator_count && decoder.ok(); ++i) {
    GenesisValidator validator;
    validator.name = decoder.ReadString("validators.name");
    validator.organization = decoder.ReadString("validators.organization");
    validator.public_key = decoder.ReadPublicKey("validators.public_key");
    validator.address = decoder.ReadString("validators.address");
    genesis.validators.push_back(std::move(validator));
  }

  genesis.consensus.batch_size = decoder.ReadVarint("consensus.batch_size");
  genesis.consensus.batch_delay_ms = decoder.ReadVarint("consensus.batch_delay_ms");
  genesis.consensus.checkpoint_interval = decoder.ReadVarint("consensus.checkpoint_interval");
  genesis.consensus.view_change_timeout_ms = decoder.ReadVarint("consensus.view_change_timeout_ms");
  Status status = decoder.Finish();
  if (!status.ok()) {
    return status;
  }
  status = ValidateGenesis(genesis);
  if (!status.ok()) {
    return status;
  }
  return genesis;
}

crypto::Digest GenesisHash(const Genesis& genesis) {
  return crypto::Sha256Of(EncodeGenesis(genesis));
}

}  // namespace imledger::contracts

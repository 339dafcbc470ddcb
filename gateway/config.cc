#include "gateway/config.h"

#include <functional>
#include <limits>
#include <map>

#include <nlohmann/json.hpp>

namespace imledger::gateway {
namespace {

using OptionParser = std::function<Status(const nlohmann::json& value, GatewayConfig& config)>;

Status Invalid(std::string_view option, std::string_view expected) {
  return Status::InvalidArgument("gateway option \"" + std::string(option) + "\" " +
                                 std::string(expected));
}

OptionParser Text(std::string GatewayConfig::*field, std::string option) {
  return [field, option](const nlohmann::json& value, GatewayConfig& config) {
    if (!value.is_string() || value.get<std::string>().empty()) {
      return Invalid(option, "must be a non-empty string");
    }
    config.*field = value.get<std::string>();
    return Status::Ok();
  };
}

OptionParser Path(std::filesystem::path GatewayConfig::*field, std::string option) {
  return [field, option](const nlohmann::json& value, GatewayConfig& config) {
    if (!value.is_string() || value.get<std::string>().empty()) {
      return Invalid(option, "must be a non-empty path string");
    }
    config.*field = value.get<std::string>();
    return Status::Ok();
  };
}

template <typename Integer>
OptionParser Number(Integer GatewayConfig::*field, std::string option, uint64_t minimum,
                    uint64_t maximum = std::numeric_limits<Integer>::max()) {
  return [=](const nlohmann::json& value, GatewayConfig& config) {
    if (!value.is_number_unsigned() || value.get<uint64_t>() < minimum ||
        value.get<uint64_t>() > maximum) {
      return Invalid(option, "must be an integer from " + std::to_string(minimum) + " to " +
                                 std::to_string(maximum));
    }
    config.*field = static_cast<Integer>(value.get<uint64_t>());
    return Status::Ok();
  };
}

OptionParser Flag(bool GatewayConfig::*field, std::string option) {
  return [field, option](const nlohmann::json& value, GatewayConfig& config) {
    if (!value.is_boolean()) {
      return Invalid(option, "must be true or false");
    }
    config.*field = value.get<bool>();
    return Status::Ok();
  };
}

const std::map<std::string, OptionParser>& OptionParsers() {
  static const auto* parsers = new std::map<std::string, OptionParser>{
      {"listen_host", Text(&GatewayConfig::listen_host, "listen_host")},
      {"listen_port", Number(&GatewayConfig::listen_port, "listen_port", 0)},
      {"upstream_host", Text(&GatewayConfig::upstream_host, "upstream_host")},
      {"upstream_port", Number(&GatewayConfig::upstream_port, "upstream_port", 1)},
      {"upstream_path", Text(&GatewayConfig::upstream_path, "upstream_path")},
      {"audience", Text(&GatewayConfig::audience, "audience")},
      {"member_key_file", Path(&GatewayConfig::member_key_file, "member_key_file")},
      {"verify_on_read", Flag(&GatewayConfig::verify_on_read, "verify_on_read")},
      {"spool_dir", Path(&GatewayConfig::spool_dir, "spool_dir")},
      {"max_token_lifetime_ms",
       Number(&GatewayConfig::max_token_lifetime_ms, "max_token_lifetime_ms", 1000)},
      {"batch_max_events", Number(&GatewayConfig::batch_max_events, "batch_max_events", 1, 1024)},
      {"batch_interval_ms", Number(&GatewayConfig::batch_interval_ms, "batch_interval_ms", 1)},
      {"max_request_body_bytes",
       Number(&GatewayConfig::max_request_body_bytes, "max_request_body_bytes", 1)},
      {"max_response_bytes", Number(&GatewayConfig::max_response_bytes, "max_response_bytes", 1)},
      {"max_search_response_bytes",
       Number(&GatewayConfig::max_search_response_bytes, "max_search_response_bytes", 1)},
      {"max_header_bytes", Number(&GatewayConfig::max_header_bytes, "max_header_bytes", 1024)},
      {"read_timeout_ms", Number(&GatewayConfig::read_timeout_ms, "read_timeout_ms", 1)},
      {"write_timeout_ms", Number(&GatewayConfig::write_timeout_ms, "write_timeout_ms", 1)},
      {"upstream_timeout_ms",
       Number(&GatewayConfig::upstream_timeout_ms, "upstream_timeout_ms", 1)},
      {"commit_wait_ms", Number(&GatewayConfig::commit_wait_ms, "commit_wait_ms", 1)},
      {"threads", Number(&GatewayConfig::threads, "threads", 1, 64)},
      {"access_cache_entries",
       Number(&GatewayConfig::access_cache_entries, "access_cache_entries", 0, 1'000'000)},
  };
  return *parsers;
}

std::string OptionNames() {
  std::string names;
  for (const auto& [name, parser] : OptionParsers()) {
    names += names.empty() ? name : ", " + name;
  }
  return names;
}

}  // namespace

Result<GatewayConfig> ParseGatewayConfig(const nlohmann::json& object,
                                         const std::filesystem::path& base_dir) {
  if (!object.is_object()) {
    return Status::InvalidArgument("the gateway configuration must be a JSON object");
  }
  GatewayConfig config;
  for (const auto& [name, value] : object.items()) {
    auto parser = OptionParsers().find(name);
    if (parser == OptionParsers().end()) {
      return Status::InvalidArgument("gateway option \"" + name +
                                     "\" is unknown; remove it or use one of: " + OptionNames());
    }
    Status status = parser->second(value, config);
    if (!status.ok()) {
      return status;
    }
  }
  if (config.audience.empty()) {
    return Invalid("audience", "is missing; set it to the name clients put in their tokens");
  }
  if (config.member_key_file.empty()) {
    return Invalid("member_key_file",
                   "is missing; set it to the key file of the gateway's member (role gateway)");
  }
  if (!config.upstream_path.starts_with("/") || config.upstream_path.ends_with("/")) {
    return Invalid("upstream_path", "must start with '/' and not end with it, as \"/dicom-web\"");
  }
  if (config.member_key_file.is_relative()) {
    config.member_key_file = base_dir / config.member_key_file;
  }
  if (!config.spool_dir.empty() && config.spool_dir.is_relative()) {
    config.spool_dir = base_dir / config.spool_dir;
  }
  return config;
}

Result<GatewayConfig> ParseGatewayConfigText(std::string_view json_text,
                                             const std::filesystem::path& base_dir) {
  nlohmann::json object = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (object.is_discarded()) {
    return Status::InvalidArgument("the gateway configuration is not valid JSON");
  }
  return ParseGatewayConfig(object, base_dir);
}

}  // namespace imledger::gateway

// The gateway's configuration: where it listens, which Orthanc it fronts, which key signs its
// access records, and its limits.
//
// The configuration is one JSON object, the value of the "gateway" key in an imledgerd
// configuration file:
//   {"listen_port": 8443, "upstream_port": 8042, "audience": "imledger-gateway:hospital-a",
//    "member_key_file": "gateway.key", "verify_on_read": true}
// `audience` and `member_key_file` are required; every other option has the default shown in
// GatewayConfig. A relative member_key_file or spool_dir is resolved against the folder given
// to the parser. An unknown option or a value of the wrong type is an InvalidArgument status
// that names the option and the expected value. Parsing never throws. Values only,
// thread-compatible.

#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "base/status.h"

namespace imledger::gateway {

struct GatewayConfig {
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 0;  // 0 picks an ephemeral port.

  // Orthanc's DICOMweb root: requests for /dicom-web/... go to upstream_path/....
  std::string upstream_host = "127.0.0.1";
  uint16_t upstream_port = 8042;
  std::string upstream_path = "/dicom-web";

  // The `aud` claim every token must carry; it names this gateway, so a token issued for
  // another gateway is rejected.
  std::string audience;
  // The gateway's member key (role gateway), which signs the access.record transactions.
  std::filesystem::path member_key_file;

  // Hash the instances of a whole-study retrieval and compare them with the anchored study
  // root before serving them.
  bool verify_on_read = false;
  std::filesystem::path spool_dir;  // For verify_on_read; empty: the system temporary folder.

  uint64_t max_token_lifetime_ms = 60 * 60 * 1000;  // A token may live at most this long.

  // Access events are committed in one access.record transaction when this many are waiting,
  // or every batch_interval_ms, whichever comes first.
  uint32_t batch_max_events = 256;
  uint32_t batch_interval_ms = 200;

  uint64_t max_request_body_bytes = 256ull << 20;    // A STOW-RS upload, held in memory.
  uint64_t max_response_bytes = 16ull << 30;         // A retrieval, streamed.
  uint64_t max_search_response_bytes = 32ull << 20;  // A QIDO-RS result, parsed to filter it.
  uint32_t max_header_bytes = 16u << 10;

  uint32_t read_timeout_ms = 30000;      // Reading one client request.
  uint32_t write_timeout_ms = 30000;     // Between two chunks written to the client.
  uint32_t upstream_timeout_ms = 30000;  // Between two reads or writes on the Orthanc side.
  // How long a STOW-RS or an emergency declaration waits for its transaction to commit.
  uint32_t commit_wait_ms = 10000;

  uint32_t threads = 2;  // Network threads.

  // The maximum number of entries in each map of the access cache (verified tokens, member
  // records, decisions), or 0 to turn the cache off.
  uint32_t access_cache_entries = 10000;
};

// Parses a "gateway" object; relative paths are resolved against `base_dir`.
Result<GatewayConfig> ParseGatewayConfig(const nlohmann::json& object,
                                         const std::filesystem::path& base_dir);

Result<GatewayConfig> ParseGatewayConfigText(std::string_view json_text,
                                             const std::filesystem::path& base_dir);

}  // namespace imledger::gateway

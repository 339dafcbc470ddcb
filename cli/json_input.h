// Reading the JSON objects that auditor commands take on standard input.
//
// Every failure is an InvalidArgument whose message is already localized and names the field.

#pragma once

#include <cstdint>
#include <istream>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "crypto/sha256.h"

namespace imledger::cli {

Result<nlohmann::json> ReadJsonObject(std::istream& in);

Result<uint64_t> GetUint64(const nlohmann::json& object, std::string_view field);

Result<crypto::Digest> GetDigest(const nlohmann::json& object, std::string_view field);

Result<std::vector<crypto::Digest>> GetDigestList(const nlohmann::json& object,
                                                  std::string_view field);

Result<std::vector<Bytes>> GetHexList(const nlohmann::json& object, std::string_view field);

}  // namespace imledger::cli

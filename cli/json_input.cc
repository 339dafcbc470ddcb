#include "cli/json_input.h"

#include <algorithm>
#include <iterator>
#include <string>

#include "cli/messages.h"
#include "crypto/encoding.h"

namespace imledger::cli {

namespace {

Status Missing(std::string_view field, std::string_view type_id) {
  return Status::InvalidArgument(Text("error.missing_field", {field, Text(type_id)}));
}

Result<crypto::Digest> DigestFromHex(const nlohmann::json& value, const std::string& what) {
  if (!value.is_string()) {
    return Missing(what, "type.hex_digest");
  }
  Result<Bytes> bytes = crypto::HexDecode(value.get<std::string>(), what);
  if (!bytes.ok()) {
    return bytes.status();
  }
  if (bytes->size() != crypto::Digest::kSize) {
    return Status::InvalidArgument(what + " must be 32 bytes (64 hex digits), got " +
                                   std::to_string(bytes->size()) + " bytes");
  }
  crypto::Digest digest;
  std::copy(bytes->begin(), bytes->end(), digest.bytes.begin());
  return digest;
}

}  // namespace

Result<nlohmann::json> ReadJsonObject(std::istream& in) {
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return Status::InvalidArgument(
        Text("error.read_stdin", {json.is_discarded() ? "not valid JSON" : "not an object"}));
  }
  return json;
}

Result<uint64_t> GetUint64(const nlohmann::json& object, std::string_view field) {
  auto it = object.find(field);
  if (it == object.end() || !it->is_number_unsigned()) {
    return Missing(field, "type.uint64");
  }
  return it->get<uint64_t>();
}

Result<crypto::Digest> GetDigest(const nlohmann::json& object, std::string_view field) {
  auto it = object.find(field);
  if (it == object.end()) {
    return Missing(field, "type.hex_digest");
  }
  return DigestFromHex(*it, std::string(field));
}

Result<std::vector<crypto::Digest>> GetDigestList(const nlohmann::json& object,
                                                  std::string_view field) {
  auto it = object.find(field);
  if (it == object.end() || !it->is_array()) {
    return Missing(field, "type.hex_list");
  }
  std::vector<crypto::Digest> digests;
  for (size_t i = 0; i < it->size(); ++i) {
    Result<crypto::Digest> digest =
        DigestFromHex((*it)[i], std::string(field) + "[" + std::to_string(i) + "]");
    if (!digest.ok()) {
      return digest.status();
    }
    digests.push_back(*digest);
  }
  return digests;
}

Result<std::vector<Bytes>> GetHexList(const nlohmann::json& object, std::string_view field) {
  auto it = object.find(field);
  if (it == object.end() || !it->is_array()) {
    return Missing(field, "type.hex_list");
  }
  std::vector<Bytes> list;
  for (size_t i = 0; i < it->size(); ++i) {
    std::string what = std::string(field) + "[" + std::to_string(i) + "]";
    if (!(*it)[i].is_string()) {
      return Missing(what, "type.hex_list");
    }
    Result<Bytes> bytes = crypto::HexDecode((*it)[i].get<std::string>(), what);
    if (!bytes.ok()) {
      return bytes.status();
    }
    list.push_back(std::move(bytes).value());
  }
  return list;
}

}  // namespace imledger::cli

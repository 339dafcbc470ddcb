// Parsing of POST /v1/transactions; see submit_request.h.

#include "api/submit_request.h"

#include <charconv>

#include <nlohmann/json.hpp>

#include "contracts/transaction.h"
#include "crypto/encoding.h"

namespace imledger::api {
namespace {

inline constexpr std::string_view kErrorInvalidTransaction = "invalid_transaction";

template <typename T>
Parsed<T> Fail(int status, std::string_view code, std::string message) {
  Parsed<T> parsed;
  parsed.error = {status, std::string(code), std::move(message)};
  return parsed;
}

}  // namespace

network::HttpResponse RequestError::ToResponse() const {
  return network::HttpResponse::Error(status, code, message);
}

std::optional<uint64_t> ParseDecimal(std::string_view text) {
  if (text.empty() || (text.size() > 1 && text[0] == '0')) {
    return std::nullopt;
  }
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

Parsed<Bytes> ParseSubmitBody(std::string_view body) {
  nlohmann::json root = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object()) {
    return Fail<Bytes>(400, network::kErrorBadRequest,
                       "the body is not a JSON object; send {\"transaction\": \"<base64>\"}");
  }

  for (const auto& [key, value] : root.items()) {
    if (key != "transaction") {
      return Fail<Bytes>(400, network::kErrorBadRequest,
                         "unknown field \"" + key + "\"; the body has only \"transaction\"");
    }
  }

  auto found = root.find("transaction");
  if (found == root.end() || !found->is_string()) {
    return Fail<Bytes>(400, network::kErrorBadRequest,
                       "field \"transaction\" is missing or not a string; send the base64 of the "
                       "signed envelope");
  }

  const std::string& text = found->get_ref<const std::string&>();
  // Base64 turns 3 bytes into 4 characters, so a longer text cannot fit the limit.
  if (text.size() / 4 * 3 > contracts::kMaxTransactionBytes + 3) {
    return Fail<Bytes>(413, network::kErrorPayloadTooLarge,
                       "field \"transaction\" decodes to more than " +
                           std::to_string(contracts::kMaxTransactionBytes) + " bytes");
  }

  Result<Bytes> bytes = crypto::Base64Decode(text, "field \"transaction\"");
  if (!bytes.ok()) {
    return Fail<Bytes>(400, kErrorInvalidTransaction,
                       bytes.status().message() + "; send standard base64 with padding");
  }

  if (bytes->size() > contracts::kMaxTransactionBytes) {
    return Fail<Bytes>(413, network::kErrorPayloadTooLarge,
                       "the transaction has " + std::to_string(bytes->size()) +
                           " bytes, above the limit of " +
                           std::to_string(contracts::kMaxTransactionBytes));
  }

  Parsed<Bytes> parsed;
  parsed.value = std::move(*bytes);
  return parsed;
}

Parsed<std::optional<uint32_t>> ParseWaitQuery(const network::HttpRequest& request) {
  using WaitParsed = Parsed<std::optional<uint32_t>>;
  std::optional<std::string> wait = request.QueryParameter("wait");
  std::optional<std::string> timeout = request.QueryParameter("timeout_ms");
  if (wait.has_value() && *wait != "commit") {
    return Fail<std::optional<uint32_t>>(
        400, network::kErrorBadRequest,
        "query parameter wait=" + *wait + " is not supported; use wait=commit or leave it out");
  }
  if (!wait.has_value()) {
    if (timeout.has_value()) {
      return Fail<std::optional<uint32_t>>(400, network::kErrorBadRequest,
                                           "timeout_ms needs wait=commit");
    }
    WaitParsed none;
    none.value.emplace(std::nullopt);
    return none;
  }
  uint32_t timeout_ms = kDefaultWaitMs;
  if (timeout.has_value()) {
    std::optional<uint64_t> value = ParseDecimal(*timeout);
    if (!value.has_value() || *value == 0 || *value > kMaxWaitMs) {
      return Fail<std::optional<uint32_t>>(400, network::kErrorBadRequest,
                                           "timeout_ms=" + *timeout +
                                               " is invalid; use an integer from 1 to " +
                                               std::to_string(kMaxWaitMs));
    }
    timeout_ms = static_cast<uint32_t>(*value);
  }
  WaitParsed result;
  result.value.emplace(timeout_ms);
  return result;
}

}  // namespace imledger::api

// The body and query of POST /v1/transactions, parsed without touching the node.
//
// The body is one JSON object {"transaction": "<standard base64 with padding>"}; any other
// member, type or encoding is an error that names the field and the fix. The query may carry
// wait=commit and timeout_ms. Parsing never throws, so untrusted bodies are safe to pass in.
// Pure functions; thread-safe.

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/status.h"
#include "network/http_message.h"

namespace imledger::api {

inline constexpr uint32_t kDefaultWaitMs = 10000;
inline constexpr uint32_t kMaxWaitMs = 60000;

// An error before the node is involved: an HTTP status with a stable code and a message.
struct RequestError {
  int status = 400;
  std::string code;
  std::string message;

  network::HttpResponse ToResponse() const;
};

template <typename T>
struct Parsed {
  std::optional<T> value;
  RequestError error;  // Meaningful only without a value.

  bool ok() const { return value.has_value(); }
};

// The decoded envelope bytes. Errors: 400 bad_request for JSON shape, 400 invalid_transaction
// for base64 that does not decode, 413 payload_too_large above contracts::kMaxTransactionBytes.
Parsed<Bytes> ParseSubmitBody(std::string_view body);

// How long to wait for the commit: nullopt without wait=commit. Errors: 400 bad_request for
// another wait value or a timeout_ms that is not an integer from 1 to kMaxWaitMs.
Parsed<std::optional<uint32_t>> ParseWaitQuery(const network::HttpRequest& request);

// A strict decimal uint64: digits only, no sign, no leading zeros except "0" itself.
std::optional<uint64_t> ParseDecimal(std::string_view text);

}  // namespace imledger::api

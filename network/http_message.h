// HTTP requests and responses as plain values, so handlers and their tests need no Beast.
//
// Every error response has the body {"code": "...", "message": "..."}: `code` is one of the
// stable kError* strings below (clients branch on it), `message` is for people and may change.
// Value types; thread-compatible.

#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace imledger::network {

inline constexpr std::string_view kErrorBadRequest = "bad_request";
inline constexpr std::string_view kErrorNotFound = "not_found";
inline constexpr std::string_view kErrorMethodNotAllowed = "method_not_allowed";
inline constexpr std::string_view kErrorPayloadTooLarge = "payload_too_large";
inline constexpr std::string_view kErrorHeaderTooLarge = "header_too_large";
inline constexpr std::string_view kErrorInternal = "internal";
inline constexpr std::string_view kErrorTimeout = "timeout";

struct HttpRequest {
  std::string method;                              // Upper case, as sent: "GET", "POST".
  std::string target;                              // Path and query as sent.
  std::string path;                                // Target up to '?', not percent-decoded.
  std::string query;                               // Target after '?', or empty.
  std::map<std::string, std::string> headers;      // Names in lower case.
  std::map<std::string, std::string> path_params;  // Filled by the router from {name} segments.
  std::string body;

  // The value of `name` in the query string, not percent-decoded; nullopt when absent.
  std::optional<std::string> QueryParameter(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static HttpResponse Json(int status, std::string body);

  // A JSON error body with a stable `code` and a human `message`.
  static HttpResponse Error(int status, std::string_view code, std::string_view message);
};

}  // namespace imledger::network

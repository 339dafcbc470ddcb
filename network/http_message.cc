// HTTP value helpers; see http_message.h.

#include "network/http_message.h"

#include <nlohmann/json.hpp>

namespace imledger::network {

std::optional<std::string> HttpRequest::QueryParameter(std::string_view name) const {
  std::string_view rest = query;
  while (!rest.empty()) {
    size_t end = rest.find('&');
    std::string_view pair = rest.substr(0, end);
    size_t equals = pair.find('=');
    std::string_view key = pair.substr(0, equals);
    if (key == name) {
      return equals == std::string_view::npos ? std::string()
                                              : std::string(pair.substr(equals + 1));
    }
    if (end == std::string_view::npos) {
      break;
    }
    rest.remove_prefix(end + 1);
  }
  return std::nullopt;
}

HttpResponse HttpResponse::Json(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

HttpResponse HttpResponse::Error(int status, std::string_view code, std::string_view message) {
  nlohmann::json body = {{"code", code}, {"message", message}};
  return Json(status, body.dump());
}

}  // namespace imledger::network

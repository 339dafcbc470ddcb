// Responses the gateway writes itself: refusals with a JSON error body, and buffered responses.

#include "gateway/session.h"
#include "network/http_message.h"

namespace imledger::gateway::internal {

// Not a coroutine: the refusal is turned into a response before anything is awaited, so a
// temporary Refusal at the call site never has to outlive a suspension.
net::awaitable<bool> Session::SendRefusal(const Request& request, const Refusal& refusal) {
  network::HttpResponse error =
      network::HttpResponse::Error(refusal.http_status, refusal.code, refusal.message);
  StringResponse response{static_cast<http::status>(error.status), request.version()};
  response.set(http::field::content_type, error.content_type);
  if (refusal.http_status == 401) {
    response.set(http::field::www_authenticate, "Bearer");
  }
  response.body() = std::move(error.body);
  return SendString(request, std::move(response));
}

net::awaitable<bool> Session::SendString(const Request& request, StringResponse response) {
  response.version(request.version());
  response.keep_alive(request.keep_alive());
  response.erase(http::field::transfer_encoding);
  response.prepare_payload();
  client_.expires_after(std::chrono::milliseconds(state_.config.write_timeout_ms));
  co_await http::async_write(client_, response, net::use_awaitable);
  co_return request.keep_alive();
}

}  // namespace imledger::gateway::internal

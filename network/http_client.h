// A synchronous HTTP/1.1 client (Boost.Beast) for tests and the CLI.
//
// One HttpClient keeps at most one keep-alive connection to one host and reconnects when the
// server has closed it. Every call is bounded by the timeout given at construction. Not
// thread-safe: use one client per thread.

#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "base/status.h"
#include "network/http_message.h"

namespace imledger::network {

struct HttpClientResponse {
  int status = 0;
  std::string content_type;
  std::string body;
  bool keep_alive = false;  // The server left the connection open.
};

class HttpClient {
 public:
  HttpClient(std::string host, uint16_t port, uint32_t timeout_ms = 10000);
  ~HttpClient();

  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request and reads the response. Fails with IoError when the connection, the
  // write or the read fails or times out; an HTTP error status is a successful result.
  Result<HttpClientResponse> Request(const std::string& method, const std::string& target,
                                     const std::string& body = {},
                                     const std::string& content_type = "application/json");

  // How many TCP connections this client has opened; tests use it to observe keep-alive.
  int connections_opened() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace imledger::network

// A small HTTP/1.1 server (Boost.Beast) for the API and the gateway.
//
// Each connection reads one request at a time under a read deadline and dispatches it through
// the HttpRouter. A body above max_body_bytes gets 413 payload_too_large, a header block above
// max_header_bytes gets 431 header_too_large. Responses are written under a write deadline, and
// the connection stays open when the client requests keep-alive. A client that stalls past a
// deadline is dropped, so it holds a socket for at most that long. Stop closes idle
// connections at once and lets a response being written finish within write_timeout_ms.
//
// An asynchronous route's responder posts its response to the network thread. While the
// connection waits for it, handler_timeout_ms bounds the wait: past it the client gets
// 504 timeout and a late response is discarded. A response for a connection that closed
// meanwhile, or for a server that stopped, is discarded too.
//
// Threading: one network thread runs every connection and every handler; Start, Stop and
// listen_port may be called from any one owner thread; responders from any thread.

#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "base/status.h"
#include "network/http_router.h"

namespace imledger::network {

struct HttpServerConfig {
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 0;  // 0 picks an ephemeral port.
  size_t max_body_bytes = 1u << 20;
  size_t max_header_bytes = 16u << 10;
  uint32_t read_timeout_ms = 10000;   // From the first byte wait to the end of the body.
  uint32_t write_timeout_ms = 10000;  // For one response.
  // From the dispatch of a request to the response of an asynchronous handler.
  uint32_t handler_timeout_ms = 70000;
};

class HttpServer {
 public:
  // `router` is copied; routes cannot change once the server exists.
  HttpServer(HttpServerConfig config, HttpRouter router);

  ~HttpServer();  // Stops the server if it is running.

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds the listening socket and starts the network thread. A second call fails with
  // FailedPrecondition.
  Status Start();

  // Stops accepting, closes idle connections, waits for responses in flight (at most
  // write_timeout_ms) and joins the network thread. Idempotent.
  void Stop();

  uint16_t listen_port() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace imledger::network

// Synchronous Beast HTTP client; see http_client.h.
//
// Each call runs asynchronous operations on a private io_context for at most the timeout, so a
// server that never responds cannot block the caller.

#include "network/http_client.h"

#include <chrono>
#include <optional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace imledger::network {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;

// Larger responses fail rather than fill memory; proofs and checkpoints are far smaller.
constexpr uint64_t kMaxResponseBodyBytes = 64u << 20;

class HttpClient::Impl {
 public:
  Impl(std::string host, uint16_t port, uint32_t timeout_ms)
      : host_(std::move(host)), port_(port), timeout_(timeout_ms) {}

  Result<HttpClientResponse> Request(const std::string& method, const std::string& target,
                                     const std::string& body, const std::string& content_type);

  int connections_opened() const { return connections_opened_; }

 private:
  Status Connect();
  Result<HttpClientResponse> Exchange(http::request<http::string_body>& request);

  std::string host_;
  uint16_t port_;
  std::chrono::milliseconds timeout_;
  asio::io_context io_context_;
  std::optional<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
  int connections_opened_ = 0;
};

Status HttpClient::Impl::Connect() {
  beast::error_code error;
  asio::ip::address address = asio::ip::make_address(host_, error);
  if (error) {
    return Status::InvalidArgument("host '" + host_ + "' is not an IP address");
  }
  stream_.emplace(io_context_);
  buffer_.clear();
  stream_->expires_after(timeout_);
  stream_->async_connect(asio::ip::tcp::endpoint(address, port_),
                         [&error](beast::error_code result) { error = result; });
  io_context_.restart();
  io_context_.run();
  if (error) {
    stream_.reset();
    return Status::IoError("cannot connect to " + host_ + ":" + std::to_string(port_) + ": " +
                           error.message());
  }
  ++connections_opened_;
  return Status::Ok();
}

Result<HttpClientResponse> HttpClient::Impl::Exchange(http::request<http::string_body>& request) {
  beast::error_code error;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxResponseBodyBytes);

  stream_->expires_after(timeout_);
  http::async_write(*stream_, request, [&](beast::error_code write_error, size_t) {
    error = write_error;
    if (error) {
      return;
    }
    stream_->expires_after(timeout_);
    http::async_read(*stream_, buffer_, parser,
                     [&error](beast::error_code read_error, size_t) { error = read_error; });
  });
  io_context_.restart();
  io_context_.run();

  if (error) {
    stream_.reset();
    return Status::IoError(request.method_string().to_string() + " " +
                           std::string(request.target()) + " failed: " + error.message());
  }
  http::response<http::string_body> response = parser.release();
  HttpClientResponse result;
  result.status = static_cast<int>(response.result_int());
  result.content_type = std::string(response[http::field::content_type]);
  result.body = std::move(response.body());
  result.keep_alive = response.keep_alive();
  if (!result.keep_alive) {
    stream_.reset();
  }
  return result;
}

Result<HttpClientResponse> HttpClient::Impl::Request(const std::string& method,
                                                     const std::string& target,
                                                     const std::string& body,
                                                     const std::string& content_type) {
  http::request<http::string_body> request;
  request.method_string(method);
  request.target(target);
  request.version(11);
  request.set(http::field::host, host_ + ":" + std::to_string(port_));
  request.keep_alive(true);
  if (!body.empty()) {
    request.set(http::field::content_type, content_type);
  }
  request.body() = body;
  request.prepare_payload();

  // A kept-alive connection may have been closed by the server since; retry once on a new one.
  bool reused = stream_.has_value();
  if (!reused) {
    Status connected = Connect();
    if (!connected.ok()) {
      return connected;
    }
  }
  Result<HttpClientResponse> response = Exchange(request);
  if (response.ok() || !reused) {
    return response;
  }
  Status connected = Connect();
  if (!connected.ok()) {
    return connected;
  }
  return Exchange(request);
}

HttpClient::HttpClient(std::string host, uint16_t port, uint32_t timeout_ms)
    : impl_(std::make_unique<Impl>(std::move(host), port, timeout_ms)) {}

HttpClient::~HttpClient() = default;

Result<HttpClientResponse> HttpClient::Request(const std::string& method, const std::string& target,
                                               const std::string& body,
                                               const std::string& content_type) {
  return impl_->Request(method, target, body, content_type);
}

int HttpClient::connections_opened() const {
  return impl_->connections_opened();
}

}  // namespace imledger::network

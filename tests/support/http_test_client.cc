#include "tests/support/http_test_client.h"

#include <utility>

#include <boost/asio.hpp>
#include <boost/beast.hpp>

namespace imledger::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

std::string TestResponse::Header(const std::string& name) const {
  auto found = headers.find(name);
  return found == headers.end() ? std::string() : found->second;
}

class HttpTestClient::Impl {
 public:
  // Beast reads at most the free capacity of the buffer, so reserve room for large bodies.
  explicit Impl(uint16_t port) : port_(port), stream_(io_) { buffer_.reserve(256 * 1024); }

  Result<TestResponse> Request(const std::string& method, const std::string& target,
                               const std::map<std::string, std::string>& headers,
                               const std::string& body) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      bool fresh = !connected_;
      boost::system::error_code error;
      if (!connected_) {
        stream_.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port_), error);
        if (error) {
          return Status::IoError("connecting to 127.0.0.1:" + std::to_string(port_) +
                                 " failed: " + error.message());
        }
        connected_ = true;
      }
      Result<TestResponse> response = Exchange(method, target, headers, body);
      if (response.ok() || fresh) {
        return response;
      }
      // The server closed the idle keep-alive connection: retry once on a new one.
      Reset();
    }
    return Status::IoError("request failed twice");
  }

 private:
  Result<TestResponse> Exchange(const std::string& method, const std::string& target,
                                const std::map<std::string, std::string>& headers,
                                const std::string& body) {
    http::request<http::string_body> request{http::string_to_verb(method), target, 11};
    request.set(http::field::host, "127.0.0.1:" + std::to_string(port_));
    for (const auto& [name, value] : headers) {
      request.set(name, value);
    }
    request.body() = body;
    request.keep_alive(true);
    request.prepare_payload();
    boost::system::error_code error;
    http::write(stream_.socket(), request, error);
    if (error) {
      Reset();
      return Status::IoError("writing the request failed: " + error.message());
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(1ull << 30);
    http::read(stream_.socket(), buffer_, parser, error);
    if (error) {
      Reset();
      return Status::IoError("reading the response failed: " + error.message());
    }
    TestResponse response;
    response.status = parser.get().result_int();
    for (const auto& field : parser.get()) {
      std::string name(field.name_string());
      for (char& c : name) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      response.headers[name] = std::string(field.value());
    }
    response.body = parser.get().body();
    if (!parser.get().keep_alive()) {
      Reset();
    }
    return response;
  }

  void Reset() {
    boost::system::error_code ignored;  // Closing a broken connection may fail; nothing to do.
    stream_.socket().close(ignored);
    buffer_.clear();
    buffer_.reserve(256 * 1024);
    connected_ = false;
  }

  uint16_t port_;
  net::io_context io_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  bool connected_ = false;
};

HttpTestClient::HttpTestClient(uint16_t port) : impl_(std::make_unique<Impl>(port)) {}

HttpTestClient::~HttpTestClient() = default;

Result<TestResponse> HttpTestClient::Request(const std::string& method, const std::string& target,
                                             const std::map<std::string, std::string>& headers,
                                             const std::string& body) {
  return impl_->Request(method, target, headers, body);
}

}  // namespace imledger::testing

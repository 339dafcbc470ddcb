// A synchronous HTTP/1.1 client for tests that need request headers (Accept, Authorization)
// and response headers, which network::HttpClient does not expose.
//
// One client keeps one keep-alive connection to one 127.0.0.1 port and reconnects when the
// server closed it. Calls block without a deadline, so a test relies on its servers responding.
// Not thread-safe.

#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "base/status.h"

namespace imledger::testing {

struct TestResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // Names in lower case.
  std::string body;

  std::string Header(const std::string& name) const;
};

class HttpTestClient {
 public:
  explicit HttpTestClient(uint16_t port);
  ~HttpTestClient();

  HttpTestClient(const HttpTestClient&) = delete;
  HttpTestClient& operator=(const HttpTestClient&) = delete;

  Result<TestResponse> Request(const std::string& method, const std::string& target,
                               const std::map<std::string, std::string>& headers = {},
                               const std::string& body = {});

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace imledger::testing

// HttpServer and HttpClient against each other on 127.0.0.1.

#include "network/http_server.h"

#include <chrono>
#include <stdexcept>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <sys/socket.h>
#include <unistd.h>

#include "network/http_client.h"

namespace imledger::network {
namespace {

HttpRouter TestRouter() {
  HttpRouter router;
  router.Add("GET", "/v1/transactions/{id}", [](const HttpRequest& request) {
    nlohmann::json body = {{"id", request.path_params.at("id")},
                           {"wait", request.QueryParameter("wait").value_or("")}};
    return HttpResponse::Json(200, body.dump());
  });
  router.Add("POST", "/v1/transactions", [](const HttpRequest& request) {
    return HttpResponse::Json(202, nlohmann::json{{"bytes", request.body.size()}}.dump());
  });
  router.Add("GET", "/v1/fail",
             [](const HttpRequest&) -> HttpResponse { throw std::runtime_error("boom"); });
  return router;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HttpServerConfig config;
    config.max_body_bytes = 1024;
    config.read_timeout_ms = 300;
    config.write_timeout_ms = 1000;
    server_ = std::make_unique<HttpServer>(config, TestRouter());
    ASSERT_TRUE(server_->Start().ok());
  }

  HttpClientResponse Fetch(const std::string& method, const std::string& target,
                           const std::string& body = {}) {
    HttpClient client("127.0.0.1", server_->listen_port(), 5000);
    Result<HttpClientResponse> response = client.Request(method, target, body);
    EXPECT_TRUE(response.ok()) << response.status().ToString();
    return response.ok() ? *response : HttpClientResponse{};
  }

  std::unique_ptr<HttpServer> server_;
};

// Opens a raw TCP connection to the server, with a 5 s receive timeout.
int RawConnect(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

TEST_F(HttpServerTest, RouteCapturesPathParameterAndQuery) {
  HttpClientResponse response = Fetch("GET", "/v1/transactions/ab12?wait=commit");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(response.body, R"({"id":"ab12","wait":"commit"})");
}

TEST_F(HttpServerTest, PostBodyReachesHandler) {
  HttpClientResponse response = Fetch("POST", "/v1/transactions", std::string(1000, 'x'));
  EXPECT_EQ(response.status, 202);
  EXPECT_EQ(response.body, R"({"bytes":1000})");
}

TEST_F(HttpServerTest, UnknownPathIsNotFoundJson) {
  HttpClientResponse response = Fetch("GET", "/v1/nothing/here");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.body, R"({"code":"not_found","message":"no route for /v1/nothing/here"})");
}

TEST_F(HttpServerTest, WrongMethodIsMethodNotAllowedJson) {
  HttpClientResponse response = Fetch("DELETE", "/v1/transactions");
  EXPECT_EQ(response.status, 405);
  nlohmann::json body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body["code"], "method_not_allowed");
  EXPECT_EQ(body["message"], "DELETE is not allowed on /v1/transactions; use POST");
}

TEST_F(HttpServerTest, OversizedBodyIsPayloadTooLarge) {
  HttpClientResponse response = Fetch("POST", "/v1/transactions", std::string(4096, 'x'));
  EXPECT_EQ(response.status, 413);
  EXPECT_EQ(
      response.body,
      R"({"code":"payload_too_large","message":"request body is above the limit of 1024 bytes"})");
}

TEST_F(HttpServerTest, ThrowingHandlerIsInternalError) {
  HttpClientResponse response = Fetch("GET", "/v1/fail");
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(nlohmann::json::parse(response.body)["code"], "internal");
}

TEST_F(HttpServerTest, MalformedRequestIsBadRequest) {
  int fd = RawConnect(server_->listen_port());
  ASSERT_GE(fd, 0);
  std::string garbage = "NOT HTTP AT ALL\r\n\r\n";
  ASSERT_EQ(send(fd, garbage.data(), garbage.size(), 0), static_cast<ssize_t>(garbage.size()));
  char reply[512] = {};
  ssize_t received = recv(fd, reply, sizeof(reply) - 1, 0);
  close(fd);
  ASSERT_GT(received, 0);
  std::string text(reply, static_cast<size_t>(received));
  EXPECT_TRUE(text.starts_with("HTTP/1.1 400")) << text;
  EXPECT_NE(text.find(R"("code":"bad_request")"), std::string::npos) << text;
}

TEST_F(HttpServerTest, StalledClientIsDroppedAfterReadTimeout) {
  int fd = RawConnect(server_->listen_port());
  ASSERT_GE(fd, 0);
  std::string partial = "GET /v1/transactions/1 HTTP/1.1\r\nHost: x";
  ASSERT_EQ(send(fd, partial.data(), partial.size(), 0), static_cast<ssize_t>(partial.size()));
  auto start = std::chrono::steady_clock::now();
  char byte = 0;
  ssize_t received = recv(fd, &byte, 1, 0);
  auto elapsed = std::chrono::steady_clock::now() - start;
  close(fd);
  EXPECT_EQ(received, 0);  // Closed by the server, not by our 5 s receive timeout.
  EXPECT_GE(elapsed, std::chrono::milliseconds(250));
  EXPECT_LT(elapsed, std::chrono::milliseconds(3000));
}

TEST_F(HttpServerTest, KeepAliveReusesOneConnection) {
  HttpClient client("127.0.0.1", server_->listen_port(), 5000);
  for (int i = 0; i < 3; ++i) {
    Result<HttpClientResponse> response =
        client.Request("GET", "/v1/transactions/" + std::to_string(i));
    ASSERT_TRUE(response.ok()) << response.status().ToString();
    EXPECT_EQ(response->status, 200);
    EXPECT_TRUE(response->keep_alive);
  }
  EXPECT_EQ(client.connections_opened(), 1);
}

TEST_F(HttpServerTest, StopClosesIdleKeepAliveConnectionsPromptly) {
  HttpClient client("127.0.0.1", server_->listen_port(), 5000);
  ASSERT_TRUE(client.Request("GET", "/v1/transactions/1").ok());
  auto start = std::chrono::steady_clock::now();
  server_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(500));
  EXPECT_FALSE(client.Request("GET", "/v1/transactions/2").ok());
}

TEST(HttpRequest, QueryParameterFindsValuesAndFlags) {
  HttpRequest request;
  request.query = "from=3&flag&to=9";
  EXPECT_EQ(request.QueryParameter("from"), "3");
  EXPECT_EQ(request.QueryParameter("to"), "9");
  EXPECT_EQ(request.QueryParameter("flag"), "");
  EXPECT_EQ(request.QueryParameter("size"), std::nullopt);
}

}  // namespace
}  // namespace imledger::network

// Asynchronous routes of HttpServer: responders called later from other threads, dropped
// responders, late responses after the handler deadline, and responders outliving the server.

#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "network/http_client.h"
#include "network/http_server.h"

namespace imledger::network {
namespace {

// Responders that the test calls by hand, kept across threads.
struct ParkedResponders {
  std::mutex mutex;
  std::vector<HttpResponder> responders;

  size_t size() {
    std::lock_guard lock(mutex);
    return responders.size();
  }

  HttpResponder Take() {
    std::lock_guard lock(mutex);
    HttpResponder responder = std::move(responders.front());
    responders.erase(responders.begin());
    return responder;
  }
};

bool WaitFor(const std::function<bool()>& condition) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

class HttpAsyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    parked_ = std::make_shared<ParkedResponders>();
    HttpRouter router;
    router.AddAsync("POST", "/later", [parked = parked_](HttpRequest, HttpResponder responder) {
      std::lock_guard lock(parked->mutex);
      parked->responders.push_back(std::move(responder));
    });
    router.AddAsync("GET", "/thread", [](HttpRequest request, HttpResponder responder) {
      std::thread([request = std::move(request), responder = std::move(responder)]() mutable {
        responder(HttpResponse::Json(200, nlohmann::json{{"path", request.path}}.dump()));
      }).detach();
    });
    router.AddAsync("GET", "/drop", [](HttpRequest, HttpResponder) {});
    router.AddAsync("GET", "/twice", [](HttpRequest, HttpResponder responder) {
      responder(HttpResponse::Json(201, "{}"));
      responder(HttpResponse::Json(202, "{}"));
    });
    router.Add("GET", "/sync", [](const HttpRequest&) { return HttpResponse::Json(200, "{}"); });
    HttpServerConfig config;
    config.read_timeout_ms = 2000;
    config.write_timeout_ms = 1000;
    config.handler_timeout_ms = 300;
    server_ = std::make_unique<HttpServer>(config, std::move(router));
    ASSERT_TRUE(server_->Start().ok());
  }

  HttpClientResponse Fetch(HttpClient& client, const std::string& method,
                           const std::string& target) {
    Result<HttpClientResponse> response = client.Request(method, target);
    EXPECT_TRUE(response.ok()) << response.status().ToString();
    return response.ok() ? *response : HttpClientResponse{};
  }

  std::shared_ptr<ParkedResponders> parked_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpAsyncTest, ResponderCalledOnAnotherThreadAnswers) {
  HttpClient client("127.0.0.1", server_->listen_port(), 5000);
  HttpClientResponse response = Fetch(client, "GET", "/thread");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(nlohmann::json::parse(response.body)["path"], "/thread");
}

TEST_F(HttpAsyncTest, ParkedResponderAnswersWhenCalled) {
  std::future<Result<HttpClientResponse>> pending = std::async(std::launch::async, [this] {
    HttpClient client("127.0.0.1", server_->listen_port(), 5000);
    return client.Request("POST", "/later", "{}");
  });
  ASSERT_TRUE(WaitFor([this] { return parked_->size() == 1; }));
  HttpResponder responder = parked_->Take();
  EXPECT_TRUE(responder.pending());
  responder(HttpResponse::Json(200, R"({"done":true})"));
  EXPECT_FALSE(responder.pending());
  Result<HttpClientResponse> response = pending.get();
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, R"({"done":true})");
}

TEST_F(HttpAsyncTest, DroppedResponderAnswersInternal) {
  HttpClient client("127.0.0.1", server_->listen_port(), 5000);
  HttpClientResponse response = Fetch(client, "GET", "/drop");
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(nlohmann::json::parse(response.body)["code"], "internal");
}

TEST_F(HttpAsyncTest, SecondResponderCallIsIgnored) {
  HttpClient client("127.0.0.1", server_->listen_port(), 5000);
  EXPECT_EQ(Fetch(client, "GET", "/twice").status, 201);
  // The connection stays usable: the ignored second response never reaches it.
  EXPECT_EQ(Fetch(client, "GET", "/sync").status, 200);
  EXPECT_EQ(client.connections_opened(), 1);
}

TEST_F(HttpAsyncTest, HandlerDeadlineSendsTimeout) {
  HttpClient client("127.0.0.1", server_->listen_port(), 5000);
  HttpClientResponse response = Fetch(client, "POST", "/later");
  EXPECT_EQ(response.status, 504);
  EXPECT_EQ(nlohmann::json::parse(response.body)["code"], "timeout");
  ASSERT_EQ(parked_->size(), 1u);
  HttpResponder late = parked_->Take();
  late(HttpResponse::Json(200, "{}"));
  HttpClient next("127.0.0.1", server_->listen_port(), 5000);
  EXPECT_EQ(Fetch(next, "GET", "/sync").status, 200);
}

TEST_F(HttpAsyncTest, ResponderOutlivingServerIsHarmless) {
  std::future<Result<HttpClientResponse>> pending = std::async(std::launch::async, [this] {
    HttpClient client("127.0.0.1", server_->listen_port(), 5000);
    return client.Request("POST", "/later", "{}");
  });
  ASSERT_TRUE(WaitFor([this] { return parked_->size() == 1; }));
  HttpResponder responder = parked_->Take();
  server_.reset();
  responder(HttpResponse::Json(200, "{}"));
  Result<HttpClientResponse> response = pending.get();
  EXPECT_FALSE(response.ok());
}

TEST(HttpRouterAsyncTest, SyncDispatchOfAsyncRouteIsInternal) {
  HttpRouter router;
  router.AddAsync("GET", "/a", [](HttpRequest, HttpResponder responder) {
    responder(HttpResponse::Json(200, "{}"));
  });
  HttpRequest request;
  request.method = "GET";
  request.path = "/a";
  EXPECT_EQ(router.Dispatch(request).status, 500);
}

TEST(HttpRouterAsyncTest, ThrowingAsyncHandlerAnswersInternal) {
  HttpRouter router;
  router.AddAsync("GET", "/a",
                  [](HttpRequest, HttpResponder) { throw std::runtime_error("boom"); });
  HttpRequest request;
  request.method = "GET";
  request.path = "/a";
  int status = 0;
  router.Dispatch(request,
                  HttpResponder([&status](HttpResponse response) { status = response.status; }));
  EXPECT_EQ(status, 500);
}

}  // namespace
}  // namespace imledger::network

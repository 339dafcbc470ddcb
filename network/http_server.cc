// Beast HTTP server; see http_server.h.
//
// A session alternates Read -> Dispatch -> Write until the client or a deadline ends it. The
// tcp_stream's expiry bounds each read and each write, and a request parser with body and
// header limits bounds memory.

#include "network/http_server.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include "network/listener.h"

namespace imledger::network {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;

namespace {

class HttpSession;

// Whether the network thread still runs, for responders on other threads. While `running` is
// true under `mutex`, posting to `io_context` is safe.
struct ServerLiveness {
  std::mutex mutex;
  bool running = true;  // Guarded by mutex.
  asio::io_context* io_context = nullptr;
};

// Server state a session uses, touched only on the network thread.
struct SessionContext {
  const HttpServerConfig* config;
  const HttpRouter* router;
  std::set<std::shared_ptr<HttpSession>>* sessions;
  const bool* stopping;
  asio::io_context* io_context;  // Stopped once the last session closes during Stop.
  std::shared_ptr<ServerLiveness> liveness;
};

HttpRequest ToHttpRequest(http::request<http::string_body>&& beast_request) {
  HttpRequest request;
  request.method = std::string(beast_request.method_string());
  request.target = std::string(beast_request.target());
  size_t question = request.target.find('?');
  request.path = request.target.substr(0, question);
  if (question != std::string::npos) {
    request.query = request.target.substr(question + 1);
  }
  for (const auto& field : beast_request) {
    std::string name(field.name_string());
    for (char& c : name) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    request.headers[name] = std::string(field.value());
  }
  request.body = std::move(beast_request.body());
  return request;
}

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(asio::ip::tcp::socket socket, const SessionContext& context)
      : stream_(std::move(socket)), context_(context), handler_deadline_(*context.io_context) {}

  void Start() { DoRead(); }

  bool writing() const { return writing_; }

  void Close() {
    if (closed_) {
      return;
    }
    closed_ = true;
    handler_deadline_.cancel();
    beast::error_code ignored;  // The peer may have closed first.
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    stream_.close();
    context_.sessions->erase(shared_from_this());
    if (*context_.stopping && context_.sessions->empty()) {
      context_.io_context->stop();
    }
  }

 private:
  void DoRead() {
    parser_.emplace();
    parser_->body_limit(context_.config->max_body_bytes);
    parser_->header_limit(static_cast<uint32_t>(context_.config->max_header_bytes));
    stream_.expires_after(std::chrono::milliseconds(context_.config->read_timeout_ms));
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code error, size_t) { self->OnRead(error); });
  }

  void OnRead(beast::error_code error) {
    if (error == http::error::body_limit) {
      Respond(HttpResponse::Error(413, kErrorPayloadTooLarge,
                                  "request body is above the limit of " +
                                      std::to_string(context_.config->max_body_bytes) + " bytes"),
              false);
      return;
    }
    if (error == http::error::header_limit) {
      Respond(HttpResponse::Error(431, kErrorHeaderTooLarge,
                                  "request headers are above the limit of " +
                                      std::to_string(context_.config->max_header_bytes) + " bytes"),
              false);
      return;
    }
    if (error == http::error::end_of_stream || error == beast::error::timeout ||
        error == asio::error::operation_aborted || error == asio::error::connection_reset) {
      // Debug level: idle and slow clients are routine, and a flood of them must not flood the log.
      spdlog::debug("event=http_connection_closed remote={} reason=\"{}\"", Remote(),
                    error.message());
      Close();
      return;
    }
    if (error) {
      spdlog::debug("event=http_bad_request remote={} error=\"{}\"", Remote(), error.message());
      Respond(HttpResponse::Error(400, kErrorBadRequest, "malformed request: " + error.message()),
              false);
      return;
    }
    bool keep_alive = parser_->get().keep_alive() && !*context_.stopping;
    HttpRequest request = ToHttpRequest(parser_->release());
    Dispatch(std::move(request), keep_alive);
  }

  // Runs the route with a responder that posts back to this session. The request number ties
  // a response to its request, so a late response, after the deadline already sent 504 in its
  // place, is discarded.
  void Dispatch(HttpRequest request, bool keep_alive) {
    uint64_t number = ++request_number_;
    awaiting_response_ = true;
    handler_deadline_.expires_after(std::chrono::milliseconds(context_.config->handler_timeout_ms));
    handler_deadline_.async_wait([weak = weak_from_this(), number](beast::error_code error) {
      std::shared_ptr<HttpSession> self = weak.lock();
      if (error || self == nullptr) {
        return;
      }
      self->OnHandlerResponse(
          number,
          HttpResponse::Error(504, kErrorTimeout,
                              "the request was not answered within " +
                                  std::to_string(self->context_.config->handler_timeout_ms) +
                                  " ms; retry it"),
          false);
    });
    std::shared_ptr<ServerLiveness> liveness = context_.liveness;
    HttpResponder responder(
        [weak = weak_from_this(), number, keep_alive, liveness](HttpResponse response) {
          std::lock_guard lock(liveness->mutex);
          if (!liveness->running) {
            return;
          }
          asio::post(*liveness->io_context,
                     [weak, number, keep_alive, response = std::move(response)]() mutable {
                       if (std::shared_ptr<HttpSession> self = weak.lock()) {
                         self->OnHandlerResponse(number, std::move(response), keep_alive);
                       }
                     });
        });
    context_.router->Dispatch(std::move(request), std::move(responder));
  }

  void OnHandlerResponse(uint64_t number, HttpResponse response, bool keep_alive) {
    if (closed_ || !awaiting_response_ || number != request_number_) {
      return;
    }
    awaiting_response_ = false;
    handler_deadline_.cancel();
    Respond(response, keep_alive && !*context_.stopping);
  }

  void Respond(const HttpResponse& response, bool keep_alive) {
    response_ = {};
    response_.result(static_cast<unsigned>(response.status));
    response_.version(11);
    response_.set(http::field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers) {
      response_.set(name, value);
    }
    response_.body() = response.body;
    response_.keep_alive(keep_alive);
    response_.prepare_payload();
    writing_ = true;
    stream_.expires_after(std::chrono::milliseconds(context_.config->write_timeout_ms));
    http::async_write(stream_, response_,
                      [self = shared_from_this(), keep_alive](beast::error_code error, size_t) {
                        self->OnWrite(error, keep_alive);
                      });
  }

  std::string Remote() const {
    beast::error_code error;
    asio::ip::tcp::endpoint endpoint = stream_.socket().remote_endpoint(error);
    return error ? std::string("unknown")
                 : endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
  }

  void OnWrite(beast::error_code error, bool keep_alive) {
    writing_ = false;
    if (error || !keep_alive || *context_.stopping) {
      Close();
      return;
    }
    DoRead();
  }

  beast::tcp_stream stream_;
  SessionContext context_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  bool writing_ = false;
  bool closed_ = false;
  bool awaiting_response_ = false;
  uint64_t request_number_ = 0;
  asio::steady_timer handler_deadline_;
};

}  // namespace

class HttpServer::Impl {
 public:
  Impl(HttpServerConfig config, HttpRouter router)
      : config_(std::move(config)),
        router_(std::move(router)),
        acceptor_(io_context_),
        liveness_(std::make_shared<ServerLiveness>()) {
    liveness_->io_context = &io_context_;
  }

  Status Start();
  void Stop();

  uint16_t listen_port() const { return listen_port_.load(); }

 private:
  Status Listen();
  void DoAccept();
  void BeginStop();

  const HttpServerConfig config_;
  const HttpRouter router_;

  // Network thread only. The io_context is declared first so that it is destroyed last.
  asio::io_context io_context_;
  asio::ip::tcp::acceptor acceptor_;
  std::set<std::shared_ptr<HttpSession>> sessions_;
  bool stopping_ = false;
  std::optional<asio::steady_timer> stop_deadline_;
  std::shared_ptr<ServerLiveness> liveness_;  // Shared with responders.

  // Owner thread.
  bool started_ = false;
  std::thread thread_;
  std::atomic<uint16_t> listen_port_{0};
};

Status HttpServer::Impl::Start() {
  if (started_) {
    return Status::FailedPrecondition("the server was started before; create a new one");
  }
  started_ = true;
  Status listening = Listen();
  if (!listening.ok()) {
    return listening;
  }
  DoAccept();
  thread_ = std::thread([this] { io_context_.run(); });
  spdlog::info("event=http_started listen={}:{}", config_.listen_host, listen_port_.load());
  return Status::Ok();
}

Status HttpServer::Impl::Listen() {
  Result<uint16_t> port = OpenListener(acceptor_, config_.listen_host, config_.listen_port);
  if (!port.ok()) {
    return port.status();
  }
  listen_port_ = *port;
  return Status::Ok();
}

void HttpServer::Impl::DoAccept() {
  acceptor_.async_accept([this](boost::system::error_code error, asio::ip::tcp::socket socket) {
    if (stopping_ || error == asio::error::operation_aborted) {
      return;
    }
    if (error) {
      spdlog::warn("event=http_accept_failed error=\"{}\"", error.message());
    } else {
      SessionContext context{&config_, &router_, &sessions_, &stopping_, &io_context_, liveness_};
      auto session = std::make_shared<HttpSession>(std::move(socket), context);
      sessions_.insert(session);
      session->Start();
    }
    DoAccept();
  });
}

// Closes what is idle now; writers finish and close themselves, or the deadline stops them.
void HttpServer::Impl::BeginStop() {
  stopping_ = true;
  boost::system::error_code ignored;  // The acceptor may already be closed.
  acceptor_.close(ignored);
  std::set<std::shared_ptr<HttpSession>> sessions = sessions_;
  for (const std::shared_ptr<HttpSession>& session : sessions) {
    if (!session->writing()) {
      session->Close();
    }
  }
  stop_deadline_.emplace(io_context_);
  stop_deadline_->expires_after(std::chrono::milliseconds(config_.write_timeout_ms));
  stop_deadline_->async_wait([this](boost::system::error_code) { io_context_.stop(); });
  if (sessions_.empty()) {
    io_context_.stop();
  }
}

void HttpServer::Impl::Stop() {
  if (!thread_.joinable()) {
    return;
  }
  asio::post(io_context_, [this] { BeginStop(); });
  thread_.join();
  {
    std::lock_guard lock(liveness_->mutex);
    liveness_->running = false;
  }
  spdlog::info("event=http_stopped listen={}:{}", config_.listen_host, listen_port_.load());
}

HttpServer::HttpServer(HttpServerConfig config, HttpRouter router)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(router))) {}

HttpServer::~HttpServer() {
  Stop();
}

Status HttpServer::Start() {
  return impl_->Start();
}

void HttpServer::Stop() {
  impl_->Stop();
}

uint16_t HttpServer::listen_port() const {
  return impl_->listen_port();
}

}  // namespace imledger::network

#include "gateway/gateway.h"

#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "crypto/key_file.h"
#include "gateway/session.h"
#include "node/node.h"

namespace imledger::gateway {

namespace beast = internal::beast;
namespace net = internal::net;

class Gateway::Impl {
 public:
  Impl(GatewayConfig config, crypto::SecretKey key, LedgerAccess ledger)
      : recorder_(std::move(key), ledger.network_id, ledger.submit, config.batch_max_events,
                  config.batch_interval_ms),
        cache_(config.access_cache_entries),
        acceptor_(io_) {
    state_.config = std::move(config);
    state_.ledger = std::move(ledger);
    state_.recorder = &recorder_;
    state_.cache = &cache_;
    state_.spool_dir = state_.config.spool_dir.empty() ? std::filesystem::temp_directory_path()
                                                       : state_.config.spool_dir;
  }

  ~Impl() { Stop(); }

  Status Start() {
    if (started_) {
      return Status::FailedPrecondition("the gateway was started before");
    }
    boost::system::error_code error;
    net::ip::address address = net::ip::make_address(state_.config.listen_host, error);
    if (error) {
      return Status::InvalidArgument("gateway listen_host \"" + state_.config.listen_host +
                                     "\" is not an IP address");
    }
    net::ip::tcp::endpoint endpoint(address, state_.config.listen_port);
    acceptor_.open(endpoint.protocol(), error);
    if (!error) {
      acceptor_.set_option(net::socket_base::reuse_address(true), error);
    }
    if (!error) {
      acceptor_.bind(endpoint, error);
    }
    if (!error) {
      acceptor_.listen(net::socket_base::max_listen_connections, error);
    }
    if (error) {
      return Status::IoError("gateway cannot listen on " + state_.config.listen_host + ":" +
                             std::to_string(state_.config.listen_port) + ": " + error.message());
    }
    started_ = true;
    recorder_.Start();
    net::co_spawn(io_, AcceptLoop(), net::detached);
    for (uint32_t i = 0; i < state_.config.threads; ++i) {
      threads_.emplace_back([this] { io_.run(); });
    }
    spdlog::info("event=gateway_started port={} upstream={}:{}{} verify_on_read={}", listen_port(),
                 state_.config.upstream_host, state_.config.upstream_port,
                 state_.config.upstream_path, state_.config.verify_on_read);
    return Status::Ok();
  }

  void Stop() {
    if (!started_ || stopped_) {
      return;
    }
    stopped_ = true;
    io_.stop();
    for (std::thread& thread : threads_) {
      thread.join();
    }
    recorder_.Stop();
    spdlog::info("event=gateway_stopped requests={} access_events={}",
                 state_.counters.requests.load(), recorder_.events_submitted());
  }

  uint16_t listen_port() const {
    boost::system::error_code error;
    net::ip::tcp::endpoint endpoint = acceptor_.local_endpoint(error);
    return error ? 0 : endpoint.port();
  }

  void FlushAccessEvents() { recorder_.Flush(); }

  GatewayStats stats() const {
    const internal::Counters& counters = state_.counters;
    GatewayStats stats;
    stats.requests = counters.requests;
    stats.allowed = counters.allowed;
    stats.denied = counters.denied;
    stats.unauthenticated = counters.unauthenticated;
    stats.refused_routes = counters.refused_routes;
    stats.integrity_failures = counters.integrity_failures;
    stats.bytes_served = counters.bytes_served;
    stats.access_events_submitted = recorder_.events_submitted();
    stats.access_cache = cache_.stats();
    return stats;
  }

 private:
  static net::awaitable<void> RunSession(std::shared_ptr<internal::Session> session) {
    co_await session->Run();
  }

  net::awaitable<void> AcceptLoop() {
    for (;;) {
      boost::system::error_code error;
      net::ip::tcp::socket socket = co_await acceptor_.async_accept(
          net::make_strand(io_), net::redirect_error(net::use_awaitable, error));
      if (error == net::error::operation_aborted) {
        co_return;
      }
      if (error) {
        spdlog::warn("event=gateway_accept_failed error=\"{}\"", error.message());
        continue;
      }
      socket.set_option(net::ip::tcp::no_delay(true), error);
      auto executor = socket.get_executor();
      auto session =
          std::make_shared<internal::Session>(state_, beast::tcp_stream(std::move(socket)));
      net::co_spawn(executor, RunSession(std::move(session)), net::detached);
    }
  }

  internal::SharedState state_;
  AccessRecorder recorder_;
  AccessCache cache_;
  net::io_context io_;
  net::ip::tcp::acceptor acceptor_;
  std::vector<std::thread> threads_;
  bool started_ = false;
  bool stopped_ = false;
};

LedgerAccess LedgerAccessOf(node::Node& node) {
  LedgerAccess access;
  access.database = node.database();
  access.submit = [&node](Bytes transaction) {
    // The node checks the transaction before queueing it. A rejection here (a full queue, say)
    // loses that batch of access events, so it is logged as an error with the reason.
    if (Status status = node.Submit(std::move(transaction)); !status.ok()) {
      spdlog::error("event=gateway_submit_failed error=\"{}\"", status.ToString());
    }
  };
  access.network_id = node.genesis().network_id;
  return access;
}

Result<std::unique_ptr<Gateway>> Gateway::Create(GatewayConfig config, LedgerAccess ledger) {
  Result<crypto::SecretKey> key = crypto::ReadKeyFile(config.member_key_file.string());
  if (!key.ok()) {
    return Status(key.status().code(), "gateway member_key_file: " + key.status().message());
  }
  return Create(std::move(config), std::move(*key), std::move(ledger));
}

Result<std::unique_ptr<Gateway>> Gateway::Create(GatewayConfig config, crypto::SecretKey key,
                                                 LedgerAccess ledger) {
  if (ledger.database == nullptr || !ledger.submit) {
    return Status::InvalidArgument("the gateway needs a database and a submit function");
  }
  return std::unique_ptr<Gateway>(
      new Gateway(std::make_unique<Impl>(std::move(config), std::move(key), std::move(ledger))));
}

Gateway::Gateway(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Gateway::~Gateway() = default;

Status Gateway::Start() {
  return impl_->Start();
}

void Gateway::Stop() {
  impl_->Stop();
}

uint16_t Gateway::listen_port() const {
  return impl_->listen_port();
}

void Gateway::FlushAccessEvents() {
  impl_->FlushAccessEvents();
}

GatewayStats Gateway::stats() const {
  return impl_->stats();
}

}  // namespace imledger::gateway

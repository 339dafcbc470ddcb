// ApiServer: the node's HTTP API (docs/api.md), served by network::HttpServer from one Node.
//
// Reads go to the node's LevelDB through a ledger::LedgerReader snapshot and
// contracts::LedgerQueries, so they never wait for the replica thread. POST /v1/transactions
// checks and queues through Node::Submit; with wait=commit its responder waits in
// CommitWaiters until the node's commit observer reports the transaction or the timeout passes.
// The node must outlive the server and must not stop before the server does. Start, Stop and
// listen_port belong to one owner thread; handlers run on the HTTP thread.

#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

#include "api/commit_waiters.h"
#include "api/metrics.h"
#include "base/status.h"
#include "network/http_server.h"
#include "node/node.h"

namespace imledger::api {

struct ApiServerOptions {
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 0;  // 0 picks an ephemeral port.
  // The base64 of a transaction of contracts::kMaxTransactionBytes and its JSON wrapping fit.
  size_t max_body_bytes = 1'500'000;
  uint32_t read_timeout_ms = 10000;
  uint32_t write_timeout_ms = 10000;
  // How long GET /v1/transactions/{id} reports a queued, uncommitted transaction as pending.
  std::chrono::milliseconds pending_max_age{600'000};
};

class ApiServer {
 public:
  // Registers a commit observer on `node`, which must outlive the server.
  ApiServer(node::Node& node, ApiServerOptions options);

  ~ApiServer();  // Stops the server if it is running.

  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Binds and starts serving. Fails when the address cannot be bound or on a second call.
  Status Start();

  // Stops accepting and closes connections; waiting requests get no response. Idempotent.
  void Stop();

  uint16_t listen_port() const;

 private:
  // Observer state shared with the node, which may call it after the server is gone.
  struct Shared;

  network::HttpRouter BuildRouter();

  node::Node& node_;
  std::shared_ptr<Shared> shared_;
  std::unique_ptr<network::HttpServer> http_;
};

}  // namespace imledger::api

// ApiServer lifecycle and route table; the handlers are in routes.cc and reads.cc.

#include "api/api_server.h"

#include <utility>

#include <spdlog/spdlog.h>

#include "api/routes.h"
#include "api/submit_request.h"

namespace imledger::api {

struct ApiServer::Shared {
  ApiMetrics metrics;
  std::mutex mutex;
  std::unique_ptr<CommitWaiters> waiters;  // Guarded by mutex; reset by Stop.
};

namespace {

// Counts the response status of a synchronous route.
network::HttpHandler Counted(ApiMetrics& metrics, network::HttpHandler handler) {
  return [&metrics, handler = std::move(handler)](const network::HttpRequest& request) {
    network::HttpResponse response = handler(request);
    metrics.CountResponse(response.status);
    return response;
  };
}

// Counts the response status of an asynchronous route when its responder is called.
network::AsyncHttpHandler Counted(ApiMetrics& metrics, network::AsyncHttpHandler handler) {
  return [&metrics, handler = std::move(handler)](network::HttpRequest request,
                                                  network::HttpResponder responder) {
    auto inner = std::make_shared<network::HttpResponder>(std::move(responder));
    network::HttpResponder counting([&metrics, inner](network::HttpResponse response) {
      metrics.CountResponse(response.status);
      (*inner)(std::move(response));
    });
    handler(std::move(request), std::move(counting));
  };
}

}  // namespace

ApiServer::ApiServer(node::Node& node, ApiServerOptions options)
    : node_(node), shared_(std::make_shared<Shared>()) {
  shared_->waiters = std::make_unique<CommitWaiters>(
      [](const node::CommittedBlock& block, const node::CommittedTransaction& transaction) {
        return CommittedResponse(transaction.id, block.height, transaction.index,
                                 transaction.log_index, transaction.result_code);
      },
      [](const crypto::Digest& id) { return PendingResponse(id, 202); }, shared_->metrics,
      CommitWaiters::PendingLimits{options.pending_max_age, CommitWaiters::kMaxTracked});
  node_.AddCommitObserver([shared = shared_](const node::CommittedBlock& block) {
    std::lock_guard lock(shared->mutex);
    if (shared->waiters != nullptr) {
      shared->waiters->OnCommit(block);
    }
  });

  network::HttpServerConfig config;
  config.listen_host = options.listen_host;
  config.listen_port = options.listen_port;
  config.max_body_bytes = options.max_body_bytes;
  config.read_timeout_ms = options.read_timeout_ms;
  config.write_timeout_ms = options.write_timeout_ms;
  // CommitWaiters responds to a waiting POST within kMaxWaitMs; the margin covers a slow commit.
  config.handler_timeout_ms = kMaxWaitMs + 5000;
  http_ = std::make_unique<network::HttpServer>(config, BuildRouter());
}

ApiServer::~ApiServer() {
  Stop();
}

network::HttpRouter ApiServer::BuildRouter() {
  RouteContext context{&node_, shared_->waiters.get(), &shared_->metrics};
  ApiMetrics& metrics = shared_->metrics;
  network::HttpRouter router;

  router.AddAsync(
      "POST", "/v1/transactions",
      Counted(metrics, [context](network::HttpRequest request, network::HttpResponder responder) {
        SubmitTransaction(context, std::move(request), std::move(responder));
      }));

  router.Add("GET", "/v1/transactions/{id}",
             Counted(metrics, [context](const network::HttpRequest& request) {
               return GetTransaction(context, request);
             }));

  router.Add("GET", "/v1/status", Counted(metrics, [context](const network::HttpRequest&) {
               return GetStatus(context);
             }));

  router.Add("GET", "/v1/checkpoints/latest",
             Counted(metrics, [context](const network::HttpRequest&) {
               return GetLatestCheckpoint(context);
             }));

  router.Add("GET", "/v1/proofs/inclusion/{id}",
             Counted(metrics, [context](const network::HttpRequest& request) {
               return GetInclusionProof(context, request);
             }));

  router.Add("GET", "/v1/proofs/consistency",
             Counted(metrics, [context](const network::HttpRequest& request) {
               return GetConsistencyProof(context, request);
             }));

  router.Add("GET", "/v1/studies/{study_key}",
             Counted(metrics, [context](const network::HttpRequest& request) {
               return GetStudy(context, request);
             }));

  router.Add("GET", "/metrics",
             [context](const network::HttpRequest&) { return GetMetrics(context); });

  return router;
}

Status ApiServer::Start() {
  Status started = http_->Start();
  if (started.ok()) {
    spdlog::info("event=api_started port={} validator={}", http_->listen_port(),
                 node_.validator_index());
  }
  return started;
}

void ApiServer::Stop() {
  http_->Stop();
  std::unique_ptr<CommitWaiters> waiters;
  {
    std::lock_guard lock(shared_->mutex);
    waiters = std::move(shared_->waiters);
  }
  // Destroyed outside the lock, because it joins its timer thread.
  waiters.reset();
}

uint16_t ApiServer::listen_port() const {
  return http_->listen_port();
}

}  // namespace imledger::api

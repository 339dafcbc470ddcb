// The handlers of the node API, one function per route, over one node and its waiters.
//
// Each handler builds its JSON with nlohmann_json and returns an HttpResponse; errors carry the
// stable codes of docs/api.md. Handlers read committed data only, from one LevelDB snapshot
// each. Thread-safe: they share nothing but the node (thread-safe reads) and the waiters.

#pragma once

#include "api/commit_waiters.h"
#include "api/metrics.h"
#include "network/http_message.h"
#include "network/http_router.h"
#include "node/node.h"

namespace imledger::api {

struct RouteContext {
  node::Node* node;
  CommitWaiters* waiters;
  ApiMetrics* metrics;
};

void SubmitTransaction(const RouteContext& context, network::HttpRequest request,
                       network::HttpResponder responder);

network::HttpResponse GetTransaction(const RouteContext& context,
                                     const network::HttpRequest& request);
network::HttpResponse GetStatus(const RouteContext& context);
network::HttpResponse GetLatestCheckpoint(const RouteContext& context);
network::HttpResponse GetInclusionProof(const RouteContext& context,
                                        const network::HttpRequest& request);
network::HttpResponse GetConsistencyProof(const RouteContext& context,
                                          const network::HttpRequest& request);
network::HttpResponse GetStudy(const RouteContext& context, const network::HttpRequest& request);
network::HttpResponse GetMetrics(const RouteContext& context);

// The committed-status JSON of POST and GET /v1/transactions.
network::HttpResponse CommittedResponse(const crypto::Digest& id, uint64_t height, uint64_t index,
                                        uint64_t log_index, uint32_t result_code);
network::HttpResponse PendingResponse(const crypto::Digest& id, int status);

}  // namespace imledger::api

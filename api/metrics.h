// ApiMetrics: the API's own counters and the Prometheus text (format 0.0.4) of GET /metrics.
//
// The API counts responses by HTTP status and observes the commit latency of the transactions
// it queued (from their arrival at this API to their commit) in a fixed-bucket histogram. The
// node's counters come from node::Node::Metrics and Snapshot when the text is rendered.
// Thread-safe: one mutex guards the counters.

#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "node/node.h"

namespace imledger::api {

class ApiMetrics {
 public:
  // Upper bounds of the latency buckets in seconds; +Inf follows.
  static constexpr std::array<double, 11> kLatencyBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                             0.5,   1,    2.5,   5,    10};

  void CountResponse(int status);

  void ObserveCommitLatency(double seconds);

  // The whole exposition for `node`.
  std::string Render(const node::Node& node) const;

 private:
  mutable std::mutex mutex_;
  std::map<int, uint64_t> responses_;                                  // Guarded by mutex_.
  std::array<uint64_t, kLatencyBuckets.size() + 1> latency_counts_{};  // Guarded by mutex_.
  double latency_sum_ = 0;                                             // Guarded by mutex_.
};

}  // namespace imledger::api

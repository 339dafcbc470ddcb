// Prometheus text rendering; see metrics.h.

#include "api/metrics.h"

#include <fmt/format.h>

#include "network/transport_config.h"
#include "node/log_fields.h"

namespace imledger::api {
namespace {

void AppendHeader(std::string& out, std::string_view name, std::string_view type,
                  std::string_view help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

void AppendCounter(std::string& out, std::string_view name, std::string_view help, uint64_t value) {
  AppendHeader(out, name, "counter", help);
  out += fmt::format("{} {}\n", name, value);
}

void AppendGauge(std::string& out, std::string_view name, std::string_view help, uint64_t value) {
  AppendHeader(out, name, "gauge", help);
  out += fmt::format("{} {}\n", name, value);
}

void AppendRejects(std::string& out, const node::NodeMetrics& metrics) {
  AppendHeader(out, "imledger_rejected_messages_total", "counter",
               "Messages and connections rejected, by reason.");
  for (const auto& [reason, count] : node::DropsByReason(metrics.replica_drops)) {
    out += fmt::format("imledger_rejected_messages_total{{reason=\"replica_{}\"}} {}\n", reason,
                       count);
  }
  out += fmt::format("imledger_rejected_messages_total{{reason=\"api_submit\"}} {}\n",
                     metrics.submit_rejected);
  for (size_t i = 0; i < static_cast<size_t>(network::RejectReason::kCount); ++i) {
    auto reason = static_cast<network::RejectReason>(i);
    out += fmt::format("imledger_rejected_messages_total{{reason=\"transport_{}\"}} {}\n",
                       network::RejectReasonName(reason), metrics.transport.rejected(reason));
  }
}

}  // namespace

void ApiMetrics::CountResponse(int status) {
  std::lock_guard lock(mutex_);
  responses_[status] += 1;
}

void ApiMetrics::ObserveCommitLatency(double seconds) {
  std::lock_guard lock(mutex_);
  size_t bucket = 0;
  while (bucket < kLatencyBuckets.size() && seconds > kLatencyBuckets[bucket]) {
    ++bucket;
  }
  latency_counts_[bucket] += 1;
  latency_sum_ += seconds;
}

std::string ApiMetrics::Render(const node::Node& node) const {
  node::NodeSnapshot snapshot = node.Snapshot();
  node::NodeMetrics metrics = node.Metrics();
  std::string out;
  AppendGauge(out, "imledger_height", "Height of the last committed block.", snapshot.height);
  AppendGauge(out, "imledger_view", "Current PBFT view.", snapshot.view);
  AppendCounter(out, "imledger_committed_transactions_total",
                "Transactions committed since this process started.",
                metrics.committed_transactions);
  AppendGauge(out, "imledger_peers_connected", "Validators connected to this node.",
              metrics.peers_connected);
  AppendRejects(out, metrics);

  std::lock_guard lock(mutex_);
  AppendHeader(out, "imledger_commit_latency_seconds", "histogram",
               "Time from a transaction's arrival at this API to its commit.");
  uint64_t cumulative = 0;
  for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    cumulative += latency_counts_[i];
    out += fmt::format("imledger_commit_latency_seconds_bucket{{le=\"{}\"}} {}\n",
                       kLatencyBuckets[i], cumulative);
  }
  cumulative += latency_counts_.back();
  out += fmt::format("imledger_commit_latency_seconds_bucket{{le=\"+Inf\"}} {}\n", cumulative);
  out += fmt::format("imledger_commit_latency_seconds_sum {}\n", latency_sum_);
  out += fmt::format("imledger_commit_latency_seconds_count {}\n", cumulative);

  AppendHeader(out, "imledger_api_requests_total", "counter", "API responses by HTTP status.");
  for (const auto& [status, count] : responses_) {
    out += fmt::format("imledger_api_requests_total{{code=\"{}\"}} {}\n", status, count);
  }
  return out;
}

}  // namespace imledger::api

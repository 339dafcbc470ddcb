// The CLI's client of the node HTTP API (docs/cli.md lists the calls): node URLs, submitting a
// signed transaction and waiting for its commit, and the status, transaction and study queries.
//
// Every call returns a Result. A failed connection is an IoError status whose message names the
// URL. An error response of the node is a FailedPrecondition status, and last_node_error() then
// contains the node's stable code and message. A response that is not the contract's JSON is a
// Corruption status. A NodeClient wraps one network::HttpClient, so it is not thread-safe.

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "contracts/transaction.h"
#include "network/http_client.h"

namespace imledger::cli {

struct NodeUrl {
  std::string host;
  uint16_t port = 0;

  std::string ToString() const;  // "http://host:port".
};

// Parses "http://HOST:PORT" with an optional trailing "/". Other schemes, a missing port or a
// path are InvalidArgument statuses that name the value and the expected form.
Result<NodeUrl> ParseNodeUrl(std::string_view text);

// A transaction's state as the node reports it.
struct TransactionStatus {
  std::string id;
  bool committed = false;  // False: "pending", queued but not committed yet.
  uint64_t height = 0;
  uint64_t index = 0;
  uint64_t log_index = 0;
  bool accepted = false;
  std::string code;            // Rejection code name, "ok" when accepted.
  std::string type;            // Only from GetTransaction.
  std::string signer;          // Only from GetTransaction.
  uint64_t block_time_ms = 0;  // Only from GetTransaction.
};

// The error body {"code", "message"} of a node response, with its HTTP status.
struct NodeError {
  int http_status = 0;
  std::string code;
  std::string message;
};

class NodeClient {
 public:
  explicit NodeClient(NodeUrl url, uint32_t timeout_ms = 10000);

  // POST /v1/transactions?wait=commit&timeout_ms=N. A 202 response (the wait timed out) is a
  // TransactionStatus with committed == false.
  Result<TransactionStatus> SubmitAndWait(const contracts::Transaction& transaction,
                                          uint32_t wait_timeout_ms);

  // GET /v1/status, as the node sent it.
  Result<nlohmann::json> GetStatus();

  // GET /v1/transactions/{id}.
  Result<TransactionStatus> GetTransaction(std::string_view id_hex);

  // GET /v1/studies/{key}; nullopt when the study is not anchored (404 not_found).
  Result<std::optional<nlohmann::json>> GetStudy(std::string_view study_key_hex);

  // GET `target` (a path under /v1), for reads without a typed call of their own.
  Result<nlohmann::json> GetJson(const std::string& target);

  const NodeUrl& url() const { return url_; }

  // The node's error response to the last call, or nullopt when that call got no error response.
  const std::optional<NodeError>& last_node_error() const { return last_node_error_; }

 private:
  Result<nlohmann::json> Call(const std::string& method, const std::string& target,
                              const std::string& body, int* http_status);

  NodeUrl url_;
  network::HttpClient http_;
  std::optional<NodeError> last_node_error_;
};

// Parses a committed or pending transaction object of the API.
Result<TransactionStatus> ParseTransactionStatus(const nlohmann::json& object);

}  // namespace imledger::cli

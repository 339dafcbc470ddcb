// CommitWaiters: requests of POST /v1/transactions?wait=commit that wait for their commit, and
// the transactions this node's API queued that are not committed yet.
//
// A waiter keeps the request's HttpResponder until the transaction commits (the node's commit
// observer calls OnCommit) or its deadline passes (a timer thread sends 202 pending). Either
// path removes the waiter under the mutex first, so each waiter gets exactly one response. The
// pending set remembers each queued transaction's arrival time for GET /v1/transactions/{id} and
// the commit latency histogram; it holds at most kMaxTracked entries. Thread-safe: one mutex guards
// all state.

#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "api/metrics.h"
#include "crypto/sha256.h"
#include "network/http_router.h"
#include "node/node.h"

namespace imledger::api {

class CommitWaiters {
 public:
  using Clock = std::chrono::steady_clock;

  // The response for a committed transaction, built by the API from the observer's data.
  using CommittedResponse = std::function<network::HttpResponse(
      const node::CommittedBlock& block, const node::CommittedTransaction& transaction)>;
  // The response when the deadline passes first.
  using PendingResponse = std::function<network::HttpResponse(const crypto::Digest& id)>;

  static constexpr size_t kMaxTracked = 100000;

  // `metrics` must outlive this object.
  CommitWaiters(CommittedResponse committed, PendingResponse pending, ApiMetrics& metrics);

  // Sends the pending response to every remaining waiter and joins the timer thread.
  ~CommitWaiters();

  CommitWaiters(const CommitWaiters&) = delete;
  CommitWaiters& operator=(const CommitWaiters&) = delete;

  // Registers a waiter and returns its token.
  uint64_t Wait(const crypto::Digest& id, network::HttpResponder responder,
                Clock::time_point deadline);

  // Removes the waiter `token` and returns its responder, or nullopt when it already got its
  // response.
  std::optional<network::HttpResponder> Cancel(uint64_t token);

  // Records that this node queued `id` now; a later commit observes its latency.
  void Track(const crypto::Digest& id);

  // Forgets `id`, for a transaction that Submit rejected.
  void Untrack(const crypto::Digest& id);

  bool IsTracked(const crypto::Digest& id) const;

  // Sends the committed response to the waiters of every transaction in `block` and stops
  // tracking those transactions.
  void OnCommit(const node::CommittedBlock& block);

 private:
  struct Waiter {
    crypto::Digest id;
    network::HttpResponder responder;
    Clock::time_point deadline;
  };

  void RunTimer();

  const CommittedResponse committed_;
  const PendingResponse pending_;
  ApiMetrics& metrics_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;                                 // Guarded by mutex_.
  uint64_t next_token_ = 1;                               // Guarded by mutex_.
  std::map<uint64_t, Waiter> waiters_;                    // Guarded by mutex_.
  std::multimap<crypto::Digest, uint64_t> tokens_by_id_;  // Guarded by mutex_.
  std::map<crypto::Digest, Clock::time_point> tracked_;   // Guarded by mutex_.
  std::thread timer_;
};

}  // namespace imledger::api

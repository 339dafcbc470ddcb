// CommitWaiters: requests of POST /v1/transactions?wait=commit that wait for their commit, and
// the transactions this node's API queued that are not committed yet.
//
// A waiter keeps the request's HttpResponder until the transaction commits (the node's commit
// observer calls OnCommit) or its deadline passes (a timer thread sends 202 pending). Either
// path removes the waiter under the mutex first, so each waiter gets exactly one response. The
// pending set remembers each queued transaction's arrival time for GET /v1/transactions/{id} and
// the commit latency histogram. A transaction that the replica drops never commits, so the set
// is bounded. An entry older than PendingLimits::max_age, or the oldest one when max_entries are
// tracked, moves to the expired set. That set keeps up to max_entries ids, so GET can report
// that the transaction may have been dropped. Thread-safe: one mutex guards all state.

#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <utility>

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

  struct PendingLimits {
    // Age after which a queued, uncommitted transaction is no longer reported as pending.
    std::chrono::milliseconds max_age{600'000};
    // Entries of the pending set, and separately of the expired set.
    size_t max_entries = kMaxTracked;
  };

  // The state this API records for a transaction that is not in the block store.
  enum class PendingState {
    kUnknown,  // Never queued here, or expired so long ago that the id was forgotten.
    kPending,  // Queued here less than max_age ago.
    kExpired,  // Queued here but not committed within max_age, or evicted by max_entries.
  };

  // `metrics` must outlive this object.
  CommitWaiters(CommittedResponse committed, PendingResponse pending, ApiMetrics& metrics,
                PendingLimits limits);

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

  // Records that this node queued `id` at `now`; a later commit observes its latency. Tracking
  // an id again (a resubmission) restarts its age.
  void Track(const crypto::Digest& id, Clock::time_point now);

  // Forgets `id`, for a transaction that Submit rejected.
  void Untrack(const crypto::Digest& id);

  // Expires what is older than max_age at `now`, then returns the state of `id`.
  PendingState Lookup(const crypto::Digest& id, Clock::time_point now);

  const PendingLimits& limits() const { return limits_; }

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

  // Moves entries older than max_age at `now` to the expired set. Needs mutex_.
  void ExpireOlderThanMaxAge(Clock::time_point now);
  // Moves `id`, tracked since `arrival`, from the pending set to the expired set. Needs mutex_.
  void Expire(const crypto::Digest& id, Clock::time_point arrival);

  const CommittedResponse committed_;
  const PendingResponse pending_;
  ApiMetrics& metrics_;
  const PendingLimits limits_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;                                 // Guarded by mutex_.
  uint64_t next_token_ = 1;                               // Guarded by mutex_.
  std::map<uint64_t, Waiter> waiters_;                    // Guarded by mutex_.
  std::multimap<crypto::Digest, uint64_t> tokens_by_id_;  // Guarded by mutex_.
  // The pending set, by id and by arrival.
  std::map<crypto::Digest, Clock::time_point> tracked_;              // Guarded by mutex_.
  std::set<std::pair<Clock::time_point, crypto::Digest>> arrivals_;  // Guarded by mutex_.
  // The expired set, by id and in expiry order.
  std::map<crypto::Digest, uint64_t> expired_;        // Guarded by mutex_.
  std::map<uint64_t, crypto::Digest> expired_order_;  // Guarded by mutex_.
  uint64_t next_expiry_ = 0;                          // Guarded by mutex_.
  std::thread timer_;
};

}  // namespace imledger::api

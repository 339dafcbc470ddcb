// Batches the gateway's access events into access.record transactions signed by its member key.
//
// Record queues one event. A background thread signs and submits a batch when
// batch_max_events are waiting or batch_interval_ms have passed, whichever comes first, and
// Stop submits what is left. Events keep their recording order within and across
// batches. Nonces are the Unix time in microseconds, raised to the previous nonce + 1, so they
// keep increasing across restarts as long as the clock does not step back by more than the
// time since the last batch. A submitted batch that the replica rejects is lost; the submit
// function has no result to report it. Thread-safe.

#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/bytes.h"
#include "contracts/payload.h"
#include "crypto/ed25519.h"

namespace imledger::gateway {

using SubmitFunction = std::function<void(Bytes encoded_transaction)>;

class AccessRecorder {
 public:
  // `submit` is called from the recorder's thread and from Flush and Stop.
  AccessRecorder(crypto::SecretKey key, std::string network_id, SubmitFunction submit,
                 uint32_t batch_max_events, uint32_t batch_interval_ms);

  ~AccessRecorder();  // Stops the recorder, submitting queued events.

  AccessRecorder(const AccessRecorder&) = delete;
  AccessRecorder& operator=(const AccessRecorder&) = delete;

  void Start();

  // Submits queued events and joins the thread. Idempotent.
  void Stop();

  void Record(const contracts::AccessEvent& event);

  // Submits queued events now, on the caller's thread.
  void Flush();

  uint64_t transactions_submitted() const;

  uint64_t events_submitted() const;

 private:
  void Run();
  // Signs and submits `events`; the caller holds submit_mutex_ and not mutex_.
  void SubmitBatch(std::vector<contracts::AccessEvent> events);
  uint64_t NextNonce();

  const crypto::SecretKey key_;
  const std::string network_id_;
  const SubmitFunction submit_;
  const uint32_t batch_max_events_;
  const uint32_t batch_interval_ms_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<contracts::AccessEvent> queue_;  // Guarded by mutex_.
  bool running_ = false;                       // Guarded by mutex_.
  bool stopping_ = false;                      // Guarded by mutex_.
  uint64_t last_nonce_ = 0;                    // Guarded by mutex_.
  uint64_t transactions_submitted_ = 0;        // Guarded by mutex_.
  uint64_t events_submitted_ = 0;              // Guarded by mutex_.
  std::thread thread_;

  // Serializes flushes, so batches are submitted in recording and nonce order.
  std::mutex submit_mutex_;
};

}  // namespace imledger::gateway

// Reconnect delays: exponential growth from an initial delay up to a cap, with jitter.
//
// Attempt k (from 0) waits a delay drawn uniformly from [d / 2, d] where
// d = min(max_ms, initial_ms * 2^k), so the delay never exceeds max_ms and peers that lost one
// another at the same moment do not redial in lockstep. Not thread-safe.

#pragma once

#include <cstdint>
#include <random>

namespace imledger::network {

class Backoff {
 public:
  Backoff(uint32_t initial_ms, uint32_t max_ms, uint64_t seed);

  // The delay before the next attempt; each call counts one more attempt.
  uint32_t NextDelayMs();

  // Starts over from the initial delay, after a connection succeeded.
  void Reset() { attempt_ = 0; }

  uint32_t attempt() const { return attempt_; }

 private:
  uint32_t initial_ms_;
  uint32_t max_ms_;
  uint32_t attempt_ = 0;
  std::mt19937_64 random_;
};

}  // namespace imledger::network

// Reconnect backoff; see backoff.h.

#include "network/backoff.h"

#include <algorithm>

namespace imledger::network {

Backoff::Backoff(uint32_t initial_ms, uint32_t max_ms, uint64_t seed)
    : initial_ms_(std::max<uint32_t>(initial_ms, 1)),
      max_ms_(std::max(max_ms, initial_ms_)),
      random_(seed) {}

uint32_t Backoff::NextDelayMs() {
  uint64_t delay_ms = initial_ms_;
  for (uint32_t i = 0; i < attempt_ && delay_ms < max_ms_; ++i) {
    delay_ms *= 2;
  }
  delay_ms = std::min<uint64_t>(delay_ms, max_ms_);
  ++attempt_;
  std::uniform_int_distribution<uint64_t> jitter(delay_ms / 2, delay_ms);
  return static_cast<uint32_t>(jitter(random_));
}

}  // namespace imledger::network

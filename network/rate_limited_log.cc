// Log rate limiting; see rate_limited_log.h.

#include "network/rate_limited_log.h"

namespace imledger::network {

bool RateLimitedLog::Allow(const std::string& key, std::chrono::steady_clock::time_point now,
                           uint64_t& suppressed) {
  auto [it, inserted] = entries_.try_emplace(key);
  Entry& entry = it->second;
  if (!inserted && now - entry.last < interval_) {
    ++entry.suppressed;
    return false;
  }
  suppressed = entry.suppressed;
  entry.suppressed = 0;
  entry.last = now;
  return true;
}

}  // namespace imledger::network

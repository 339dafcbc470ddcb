// Rate limiting for repeated log lines, so a peer that keeps failing cannot flood the log.
//
// Each key may log once per interval; lines suppressed in between are counted and reported in
// the next line that passes. Not thread-safe.

#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

namespace imledger::network {

class RateLimitedLog {
 public:
  explicit RateLimitedLog(std::chrono::milliseconds interval) : interval_(interval) {}

  // Returns true when a line for `key` may be written now, and stores in `suppressed` how many
  // lines for that key were held back since the last one.
  bool Allow(const std::string& key, std::chrono::steady_clock::time_point now,
             uint64_t& suppressed);

 private:
  struct Entry {
    std::chrono::steady_clock::time_point last;
    uint64_t suppressed = 0;
  };

  std::chrono::milliseconds interval_;
  std::map<std::string, Entry> entries_;
};

}  // namespace imledger::network

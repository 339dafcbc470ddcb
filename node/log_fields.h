// Log fields of the node: the PBFT message type and sequence of an encoded message, and the
// per-peer accounting of messages that the replica rejected.
//
// The node logs key=value lines (docs/operations.md lists them). A line about a message names
// its type and, where the message type has one, its sequence. RejectionLog turns the replica's
// drop counters into at most one `messages_rejected` line per reason and peer every interval,
// and each line counts every rejection since the previous line for that reason and peer, so
// rate limiting loses no count. Not thread-safe: the replica thread owns one RejectionLog.

#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "consensus/types.h"

namespace imledger::node {

// "type=<name>" and, for the message types that carry one, " seq=<sequence>"
// (consensus::SummarizeMessage; FetchBlocks gives its first height, which is the same number as
// a sequence here). Bytes whose leading fields do not decode give "type=undecodable".
std::string MessageLogFields(ByteView encoded_message);

// The replica's drop counters as (reason, count) pairs, with the reason names of the
// `imledger_rejected_messages_total` metric without the "replica_" prefix.
std::vector<std::pair<std::string, uint64_t>> DropsByReason(const consensus::DropCounters& drops);

class RejectionLog {
 public:
  using Clock = std::chrono::steady_clock;

  struct Line {
    std::string reason;
    std::string peer;  // A validator index, or "client" for requests submitted to this node.
    uint64_t count = 0;

    bool operator==(const Line&) const = default;
  };

  explicit RejectionLog(std::chrono::milliseconds interval) : interval_(interval) {}

  // Adds the drops that happened between `before` and `after` to `peer`'s counts.
  void Add(const consensus::DropCounters& before, const consensus::DropCounters& after,
           const std::string& peer);

  // Returns one line for each (reason, peer) with unreported drops whose previous line is at
  // least the interval older than `now`, in reason and peer order, and resets their counts.
  std::vector<Line> Flush(Clock::time_point now);

 private:
  struct Entry {
    uint64_t unreported = 0;
    bool reported_before = false;
    Clock::time_point last_line;
  };

  const std::chrono::milliseconds interval_;
  std::map<std::pair<std::string, std::string>, Entry> entries_;  // By (reason, peer).
};

}  // namespace imledger::node

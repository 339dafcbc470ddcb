// A per-peer queue of outgoing messages, bounded by count and by bytes.
//
// Invariant: size() <= max_messages and queued_bytes() <= max_bytes after every Push, except
// that one message larger than max_bytes on its own is still kept (it is bounded by the frame
// limit instead). When a Push would exceed a bound, the oldest messages are dropped and counted:
// PBFT retransmits what it still needs, and a fresh message is worth more than a stale one.
// Messages are shared so that a broadcast stores one copy. Not thread-safe.

#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>

#include "base/bytes.h"

namespace imledger::network {

using SharedBytes = std::shared_ptr<const Bytes>;

class SendQueue {
 public:
  SendQueue(size_t max_messages, size_t max_bytes);

  // Appends `message`; returns how many older messages were dropped to make room.
  size_t Push(SharedBytes message);

  // Removes and returns the oldest message. Precondition: !empty().
  SharedBytes Pop();

  // Drops everything; returns how many messages were dropped.
  size_t Clear();

  bool empty() const { return messages_.empty(); }

  size_t size() const { return messages_.size(); }

  size_t queued_bytes() const { return queued_bytes_; }

 private:
  size_t max_messages_;
  size_t max_bytes_;
  std::deque<SharedBytes> messages_;
  size_t queued_bytes_ = 0;
};

}  // namespace imledger::network

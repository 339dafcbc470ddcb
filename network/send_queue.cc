// Bounded send queue; see send_queue.h.

#include "network/send_queue.h"

#include "base/check.h"

namespace imledger::network {

SendQueue::SendQueue(size_t max_messages, size_t max_bytes)
    : max_messages_(max_messages), max_bytes_(max_bytes) {
  Check(max_messages_ > 0, "send queue max_messages must be positive");
}

size_t SendQueue::Push(SharedBytes message) {
  size_t dropped = 0;
  while (!messages_.empty() &&
         (messages_.size() + 1 > max_messages_ || queued_bytes_ + message->size() > max_bytes_)) {
    Pop();
    ++dropped;
  }
  queued_bytes_ += message->size();
  messages_.push_back(std::move(message));
  return dropped;
}

SharedBytes SendQueue::Pop() {
  Check(!messages_.empty(), "Pop on an empty send queue");
  SharedBytes message = std::move(messages_.front());
  messages_.pop_front();
  queued_bytes_ -= message->size();
  return message;
}

size_t SendQueue::Clear() {
  size_t dropped = messages_.size();
  messages_.clear();
  queued_bytes_ = 0;
  return dropped;
}

}  // namespace imledger::network

// A thread-safe queue of transport events, for an owner that keeps its state on its own thread.
//
// The transport's handlers push from the network thread; the owner pops on its thread, so it
// never shares state with the network thread. Unbounded: the transport's send queues and frame
// limit bound what peers can make us hold, and the owner is expected to drain promptly.

#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>

#include "base/bytes.h"
#include "crypto/ed25519.h"
#include "network/peer_transport.h"

namespace imledger::network {

struct TransportEvent {
  enum class Kind { kMessage, kPeerConnected, kPeerDisconnected };

  Kind kind;
  crypto::PublicKey peer;
  Bytes message;  // Empty unless kind == kMessage.
};

class EventQueue {
 public:
  void Push(TransportEvent event) {
    {
      std::lock_guard lock(mutex_);
      events_.push_back(std::move(event));
    }
    ready_.notify_one();
  }

  // Waits up to `timeout` for an event.
  std::optional<TransportEvent> PopFor(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    if (!ready_.wait_for(lock, timeout, [this] { return !events_.empty(); })) {
      return std::nullopt;
    }
    TransportEvent event = std::move(events_.front());
    events_.pop_front();
    return event;
  }

  // Handlers that push every transport event here. The queue must outlive the transport.
  TransportHandlers Handlers() {
    TransportHandlers handlers;
    handlers.on_message = [this](const crypto::PublicKey& peer, Bytes message) {
      Push({TransportEvent::Kind::kMessage, peer, std::move(message)});
    };
    handlers.on_peer_connected = [this](const crypto::PublicKey& peer) {
      Push({TransportEvent::Kind::kPeerConnected, peer, {}});
    };
    handlers.on_peer_disconnected = [this](const crypto::PublicKey& peer) {
      Push({TransportEvent::Kind::kPeerDisconnected, peer, {}});
    };
    return handlers;
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<TransportEvent> events_;
};

}  // namespace imledger::network

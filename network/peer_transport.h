// PeerTransport: authenticated, length-bounded binary messages between replicas.
//
// One PeerTransport per node listens on its configured address, dials every peer whose address
// it has, and keeps at most one authenticated WebSocket connection per peer. handshake.h
// defines how a peer proves its key, and docs/network.md describes the whole protocol. Messages are
// opaque bytes of at most max_frame_bytes; they queue per peer, bounded, while the connection
// is down or busy, and the oldest is dropped when the queue is full. A lost connection is
// redialed with capped exponential backoff and jitter.
//
// Threading: the transport runs its own network thread. Send, Broadcast, SetPeerAddress,
// counters and connected_peers are thread-safe. The handlers run on the network thread, one at
// a time, and must neither block nor call Stop; an owner that keeps its state on another thread
// passes them an EventQueue (event_queue.h) and drains it there.

#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/ed25519.h"
#include "network/transport_config.h"

namespace imledger::network {

// Callbacks from the network thread. Any of them may be empty.
struct TransportHandlers {
  std::function<void(const crypto::PublicKey& peer, Bytes message)> on_message;
  std::function<void(const crypto::PublicKey& peer)> on_peer_connected;
  std::function<void(const crypto::PublicKey& peer)> on_peer_disconnected;
};

class PeerTransport {
 public:
  PeerTransport(TransportConfig config, crypto::SecretKey key, TransportHandlers handlers);

  // Stops the transport if it is running.
  ~PeerTransport();

  PeerTransport(const PeerTransport&) = delete;
  PeerTransport& operator=(const PeerTransport&) = delete;

  // Binds the listening socket, starts the network thread and dials the peers with known
  // addresses. Fails when the address cannot be bound, the configuration is invalid, or the
  // transport was started before.
  Status Start();

  // Closes every connection and joins the network thread; queued messages are discarded and
  // no handler runs after Stop returns. Idempotent.
  void Stop();

  // The bound port, once Start succeeded.
  uint16_t listen_port() const;

  const crypto::PublicKey& public_key() const;

  // Sets where to dial `address.public_key`, which must be a validator; dials it soon if it is
  // not connected. For peers whose ports are only known after they started.
  Status SetPeerAddress(const PeerAddress& address);

  // Queues `message` for `peer`. Fails when the peer is not a validator or the message is
  // larger than max_frame_bytes; delivery itself is best effort.
  Status Send(const crypto::PublicKey& peer, Bytes message);

  // Queues `message` for every validator except ourselves; one copy is shared by all queues.
  Status Broadcast(Bytes message);

  TransportCounters counters() const;

  // Peers with an authenticated connection now.
  size_t connected_peers() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace imledger::network

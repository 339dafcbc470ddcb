// Settings, counters and reject reasons of a PeerTransport.
//
// TransportConfig is a plain value read once when the transport starts. TransportCounters is a
// snapshot copied out of the transport's atomics. Its fields are not read at one instant, so a
// sum across fields may be off by the frames in flight.

#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/ed25519.h"

namespace imledger::network {

// A validator the transport dials; port 0 means "not known yet, wait for it to dial us".
struct PeerAddress {
  crypto::PublicKey public_key;
  std::string host = "127.0.0.1";
  uint16_t port = 0;
};

struct TransportConfig {
  std::string network_id;

  // Address to listen on; port 0 picks an ephemeral port (see PeerTransport::listen_port).
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 0;

  // Every key allowed to connect, ours included or not. Peers to dial come from `peers`.
  std::vector<crypto::PublicKey> validators;
  std::vector<PeerAddress> peers;

  // Largest message accepted or sent after the handshake; a larger one closes the connection.
  size_t max_frame_bytes = 4u << 20;

  // Per-peer queue of messages not yet written; on overflow the oldest message is dropped.
  size_t send_queue_max_messages = 4096;
  size_t send_queue_max_bytes = 64u << 20;

  // Reconnect delay: starts at the initial value, doubles per failed attempt up to the maximum,
  // and each delay is drawn uniformly from [delay / 2, delay] so peers do not retry in lockstep.
  uint32_t reconnect_initial_ms = 100;
  uint32_t reconnect_max_ms = 5000;

  // Time allowed from TCP connect to a verified proof.
  uint32_t handshake_timeout_ms = 5000;

  // A connection that receives nothing (not even a pong) for this long is closed. A ping goes
  // out after half of it, so a live but quiet peer is never closed.
  uint32_t idle_timeout_ms = 10000;
};

enum class RejectReason : uint8_t {
  kMalformedHandshake = 0,
  kWrongNetwork,
  kUnknownKey,
  kSelfConnection,
  kBadSignature,
  kHandshakeTimeout,
  kFrameTooLarge,
  kDuplicateConnection,
  kCount,
};

std::string_view RejectReasonName(RejectReason reason);

struct TransportCounters {
  uint64_t frames_sent = 0;
  uint64_t frames_received = 0;
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;
  uint64_t frames_dropped = 0;  // Dropped from a full send queue.
  uint64_t connects = 0;        // Connections that passed the handshake.
  uint64_t disconnects = 0;     // Authenticated connections that closed.
  uint64_t dial_attempts = 0;
  std::array<uint64_t, static_cast<size_t>(RejectReason::kCount)> rejects{};

  uint64_t rejected(RejectReason reason) const { return rejects[static_cast<size_t>(reason)]; }
};

}  // namespace imledger::network

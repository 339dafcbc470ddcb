// A hand-driven WebSocket client that speaks the handshake with chosen keys, so tests can send
// a proof signed by a key other than the one the hello claims.

#pragma once

#include <cstdint>
#include <string>

#include "crypto/ed25519.h"

namespace imledger::network {

struct RawPeerResult {
  bool hello_received = false;    // The server sent its hello.
  bool closed_by_server = false;  // The server closed the connection after our proof.
};

// Connects to 127.0.0.1:`port`, sends a hello naming `claimed_key`'s public key and a proof
// signed by `signer`, then reads until the server closes the connection (at most 5 s).
RawPeerResult RunRawHandshake(uint16_t port, const std::string& network_id,
                              const crypto::SecretKey& claimed_key,
                              const crypto::SecretKey& signer);

}  // namespace imledger::network

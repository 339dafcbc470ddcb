// The signed mutual handshake that opens every replica connection.
//
// Each side sends a HandshakeHello (network id, its node public key, a fresh 32-byte nonce) and
// reads the peer's hello. Then it sends a HandshakeProof, an Ed25519 signature over the domain
// tag "imledger/handshake/v1", the network id, the peer's nonce, its own nonce and its own
// public key. A peer is trusted only when its hello names our network id and a key in the validator
// set, and its proof verifies over our nonce, so a proof can be replayed neither on another
// connection nor on another network. Both messages use the canonical codec; docs/network.md
// lists their bytes. Functions here are pure and thread-safe.

#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/ed25519.h"

namespace imledger::network {

inline constexpr std::string_view kHandshakeDomain = "imledger/handshake/v1";
inline constexpr size_t kNonceSize = 32;

// Maximum network id length in a hello; a longer one is rejected before any allocation.
inline constexpr size_t kMaxNetworkIdSize = 256;

using Nonce = std::array<uint8_t, kNonceSize>;

// First message each side sends.
struct HandshakeHello {
  std::string network_id;
  crypto::PublicKey public_key;
  Nonce nonce{};

  bool operator==(const HandshakeHello&) const = default;
};

// Second message each side sends, once it has read the peer's hello.
struct HandshakeProof {
  crypto::Signature signature;

  bool operator==(const HandshakeProof&) const = default;
};

// Handshake failure reason; each has its own reject counter and log reason.
enum class HandshakeError : uint8_t {
  kNone = 0,
  kMalformed,       // The message does not decode.
  kWrongNetwork,    // The hello names another network id.
  kUnknownKey,      // The hello's key is not in the validator set.
  kSelfConnection,  // The hello carries our own key.
  kBadSignature,    // The proof does not verify.
};

std::string_view HandshakeErrorName(HandshakeError error);

Bytes EncodeHandshakeHello(const HandshakeHello& hello);

Result<HandshakeHello> DecodeHandshakeHello(ByteView bytes);

Bytes EncodeHandshakeProof(const HandshakeProof& proof);

Result<HandshakeProof> DecodeHandshakeProof(ByteView bytes);

// The bytes `signer_key` signs in reply to the challenge `peer_nonce`.
Bytes HandshakeSigningBytes(std::string_view network_id, const Nonce& peer_nonce,
                            const Nonce& own_nonce, const crypto::PublicKey& signer_key);

// A fresh nonce from libsodium's random source.
Nonce RandomNonce();

// One side of the handshake, which stores our hello and checks the peer's messages.
// Not thread-safe.
class Handshake {
 public:
  // `validators` is the set of keys allowed to connect. `key` must outlive this object.
  Handshake(std::string network_id, const crypto::SecretKey& key,
            std::vector<crypto::PublicKey> validators);

  const HandshakeHello& hello() const { return hello_; }

  // Checks the peer's encoded hello; on success remembers it and returns its key.
  HandshakeError AcceptHello(ByteView bytes);

  // Our proof for the hello accepted last. Precondition: AcceptHello returned kNone.
  HandshakeProof MakeProof() const;

  // Checks the peer's encoded proof against its hello and our nonce.
  HandshakeError AcceptProof(ByteView bytes) const;

  const crypto::PublicKey& peer_key() const { return peer_hello_.public_key; }

 private:
  const crypto::SecretKey& key_;
  std::vector<crypto::PublicKey> validators_;
  HandshakeHello hello_;
  HandshakeHello peer_hello_;
  bool peer_accepted_ = false;
};

}  // namespace imledger::network

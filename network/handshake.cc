// Handshake message codec and checks; see handshake.h.

#include "network/handshake.h"

#include <algorithm>

#include <sodium.h>

#include "ledger/codec.h"

namespace imledger::network {

std::string_view HandshakeErrorName(HandshakeError error) {
  switch (error) {
    case HandshakeError::kNone:
      return "none";
    case HandshakeError::kMalformed:
      return "malformed_handshake";
    case HandshakeError::kWrongNetwork:
      return "wrong_network";
    case HandshakeError::kUnknownKey:
      return "unknown_key";
    case HandshakeError::kSelfConnection:
      return "self_connection";
    case HandshakeError::kBadSignature:
      return "bad_signature";
  }
  return "unknown";
}

Bytes EncodeHandshakeHello(const HandshakeHello& hello) {
  ledger::Encoder encoder;
  encoder.PutString(hello.network_id);
  encoder.PutPublicKey(hello.public_key);
  encoder.PutFixed(hello.nonce);
  return encoder.Take();
}

Result<HandshakeHello> DecodeHandshakeHello(ByteView bytes) {
  ledger::DecodeLimits limits;
  limits.max_bytes_length = kMaxNetworkIdSize;
  ledger::Decoder decoder(bytes, limits);
  HandshakeHello hello;
  hello.network_id = decoder.ReadString("network_id");
  hello.public_key = decoder.ReadPublicKey("public_key");
  crypto::Digest nonce = decoder.ReadDigest("nonce");
  std::copy(nonce.bytes.begin(), nonce.bytes.end(), hello.nonce.begin());
  Status status = decoder.Finish();
  if (!status.ok()) {
    return Status::Corruption("handshake hello: " + status.message());
  }
  return hello;
}

Bytes EncodeHandshakeProof(const HandshakeProof& proof) {
  ledger::Encoder encoder;
  encoder.PutSignature(proof.signature);
  return encoder.Take();
}

Result<HandshakeProof> DecodeHandshakeProof(ByteView bytes) {
  ledger::Decoder decoder(bytes);
  HandshakeProof proof;
  proof.signature = decoder.ReadSignature("signature");
  Status status = decoder.Finish();
  if (!status.ok()) {
    return Status::Corruption("handshake proof: " + status.message());
  }
  return proof;
}

Bytes HandshakeSigningBytes(std::string_view network_id, const Nonce& peer_nonce,
                            const Nonce& own_nonce, const crypto::PublicKey& signer_key) {
  ledger::Encoder encoder;
  encoder.PutString(kHandshakeDomain);
  encoder.PutString(network_id);
  encoder.PutFixed(peer_nonce);
  encoder.PutFixed(own_nonce);
  encoder.PutPublicKey(signer_key);
  return encoder.Take();
}

Nonce RandomNonce() {
  crypto::EnsureSodium();
  Nonce nonce;
  randombytes_buf(nonce.data(), nonce.size());
  return nonce;
}

Handshake::Handshake(std::string network_id, const crypto::SecretKey& key,
                     std::vector<crypto::PublicKey> validators)
    : key_(key), validators_(std::move(validators)) {
  hello_.network_id = std::move(network_id);
  hello_.public_key = key.public_key();
  hello_.nonce = RandomNonce();
}

HandshakeError Handshake::AcceptHello(ByteView bytes) {
  Result<HandshakeHello> hello = DecodeHandshakeHello(bytes);
  if (!hello.ok()) {
    return HandshakeError::kMalformed;
  }
  if (hello->network_id != hello_.network_id) {
    return HandshakeError::kWrongNetwork;
  }
  if (hello->public_key == hello_.public_key) {
    return HandshakeError::kSelfConnection;
  }
  if (std::find(validators_.begin(), validators_.end(), hello->public_key) == validators_.end()) {
    return HandshakeError::kUnknownKey;
  }
  peer_hello_ = std::move(hello).value();
  peer_accepted_ = true;
  return HandshakeError::kNone;
}

HandshakeProof Handshake::MakeProof() const {
  Check(peer_accepted_, "MakeProof called before a peer hello was accepted");
  Bytes message =
      HandshakeSigningBytes(hello_.network_id, peer_hello_.nonce, hello_.nonce, hello_.public_key);
  return HandshakeProof{key_.Sign(message)};
}

HandshakeError Handshake::AcceptProof(ByteView bytes) const {
  Check(peer_accepted_, "AcceptProof called before a peer hello was accepted");
  Result<HandshakeProof> proof = DecodeHandshakeProof(bytes);
  if (!proof.ok()) {
    return HandshakeError::kMalformed;
  }
  Bytes message = HandshakeSigningBytes(hello_.network_id, hello_.nonce, peer_hello_.nonce,
                                        peer_hello_.public_key);
  if (!crypto::Verify(peer_hello_.public_key, message, proof->signature)) {
    return HandshakeError::kBadSignature;
  }
  return HandshakeError::kNone;
}

}  // namespace imledger::network

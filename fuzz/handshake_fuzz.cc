// Arbitrary bytes through both handshake decoders and the acceptor side of a handshake, as an
// unauthenticated peer can send them.

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "network/handshake.h"

namespace {

const imledger::crypto::SecretKey& FuzzKey() {
  static const imledger::crypto::SecretKey key =
      imledger::crypto::SecretKey::FromSeed(imledger::Bytes(32, 1)).value();
  return key;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  imledger::ByteView input(data, size);
  imledger::Result<imledger::network::HandshakeHello> hello =
      imledger::network::DecodeHandshakeHello(input);
  if (hello.ok()) {
    imledger::Bytes again = imledger::network::EncodeHandshakeHello(*hello);
    imledger::Check(again.size() == size && std::equal(again.begin(), again.end(), data),
                    "a decoded hello must re-encode to the same bytes");
  }
  (void)imledger::network::DecodeHandshakeProof(input);

  imledger::network::Handshake handshake("fuzz", FuzzKey(),
                                         {hello.ok() ? hello->public_key : FuzzKey().public_key()});
  if (handshake.AcceptHello(input) == imledger::network::HandshakeError::kNone) {
    (void)handshake.AcceptProof(input);
  }
  return 0;
}

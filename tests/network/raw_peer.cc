// Raw handshake client for tests; see raw_peer.h.

#include "tests/network/raw_peer.h"

#include <chrono>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "network/handshake.h"

namespace imledger::network {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;

RawPeerResult RunRawHandshake(uint16_t port, const std::string& network_id,
                              const crypto::SecretKey& claimed_key,
                              const crypto::SecretKey& signer) {
  RawPeerResult result;
  asio::io_context io_context;
  websocket::stream<asio::ip::tcp::socket> ws(io_context);
  beast::error_code error;
  ws.next_layer().connect({asio::ip::make_address("127.0.0.1"), port}, error);
  if (error) {
    return result;
  }

  // A receive timeout keeps a test from hanging if the server never closes.
  struct timeval timeout {
    5, 0
  };

  setsockopt(ws.next_layer().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  ws.handshake("127.0.0.1", "/imledger/peer/v1", error);
  if (error) {
    return result;
  }
  ws.binary(true);

  HandshakeHello hello{network_id, claimed_key.public_key(), RandomNonce()};
  ws.write(asio::buffer(EncodeHandshakeHello(hello)), error);
  beast::flat_buffer buffer;
  ws.read(buffer, error);
  if (error) {
    return result;
  }
  auto data = buffer.cdata();
  Result<HandshakeHello> server_hello =
      DecodeHandshakeHello(ByteView(static_cast<const uint8_t*>(data.data()), data.size()));
  result.hello_received = server_hello.ok();
  if (!server_hello.ok()) {
    return result;
  }
  buffer.consume(buffer.size());

  Bytes message =
      HandshakeSigningBytes(network_id, server_hello->nonce, hello.nonce, claimed_key.public_key());
  ws.write(asio::buffer(EncodeHandshakeProof({signer.Sign(message)})), error);
  for (int i = 0; i < 4 && !error; ++i) {
    ws.read(buffer, error);  // The server's proof may arrive before it reads ours.
    buffer.consume(buffer.size());
  }
  result.closed_by_server = error == websocket::error::closed || error == asio::error::eof ||
                            error == asio::error::connection_reset;
  return result;
}

}  // namespace imledger::network

// Peer connection state machine; see peer_session.h.
//
// Dialed:   connect -> WebSocket handshake (client) -> hello -> proof -> read loop
// Accepted:              WebSocket handshake (server) -> hello -> proof -> read loop
// Each side writes its hello before reading the peer's, and its proof before reading the
// peer's, so neither waits on the other and every message after a proof is application data.

#include "network/peer_session.h"

#include <chrono>

#include <boost/asio/ip/address.hpp>
#include <boost/beast/websocket/error.hpp>

namespace imledger::network {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;

namespace {

std::string DescribeEndpoint(const asio::ip::tcp::socket& socket) {
  beast::error_code error;
  asio::ip::tcp::endpoint endpoint = socket.remote_endpoint(error);
  if (error) {
    return "unknown";
  }
  return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

std::vector<crypto::PublicKey> Validators(const SessionSettings& settings) {
  return settings.config->validators;
}

RejectReason ToRejectReason(HandshakeError error) {
  switch (error) {
    case HandshakeError::kWrongNetwork:
      return RejectReason::kWrongNetwork;
    case HandshakeError::kUnknownKey:
      return RejectReason::kUnknownKey;
    case HandshakeError::kSelfConnection:
      return RejectReason::kSelfConnection;
    case HandshakeError::kBadSignature:
      return RejectReason::kBadSignature;
    case HandshakeError::kNone:
    case HandshakeError::kMalformed:
      break;
  }
  return RejectReason::kMalformedHandshake;
}

}  // namespace

PeerSession::PeerSession(asio::ip::tcp::socket socket, const SessionSettings& settings,
                         SessionOwner& owner)
    : settings_(settings),
      owner_(owner),
      ws_(std::move(socket)),
      handshake_deadline_(ws_.get_executor()),
      handshake_(settings.config->network_id, *settings.key, Validators(settings)) {
  remote_ = DescribeEndpoint(beast::get_lowest_layer(ws_).socket());
}

PeerSession::PeerSession(asio::io_context& io_context, const PeerAddress& address,
                         const SessionSettings& settings, SessionOwner& owner)
    : settings_(settings),
      owner_(owner),
      dial_address_(address),
      ws_(io_context),
      handshake_deadline_(io_context),
      handshake_(settings.config->network_id, *settings.key, Validators(settings)) {
  remote_ = address.host + ":" + std::to_string(address.port);
}

void PeerSession::Start() {
  handshake_deadline_.expires_after(
      std::chrono::milliseconds(settings_.config->handshake_timeout_ms));
  handshake_deadline_.async_wait(
      [self = shared_from_this()](beast::error_code error) { self->OnHandshakeDeadline(error); });

  if (!dialed()) {
    ConfigureStream();
    ws_.async_accept(
        [self = shared_from_this()](beast::error_code error) { self->OnUpgrade(error); });
    return;
  }
  beast::error_code error;
  asio::ip::address address = asio::ip::make_address(dial_address_->host, error);
  if (error) {
    Close("invalid peer host " + dial_address_->host + ": " + error.message());
    return;
  }
  beast::get_lowest_layer(ws_).expires_after(
      std::chrono::milliseconds(settings_.config->handshake_timeout_ms));
  beast::get_lowest_layer(ws_).async_connect(
      asio::ip::tcp::endpoint(address, dial_address_->port),
      [self = shared_from_this()](beast::error_code error) { self->OnConnect(error); });
}

// Hands timeouts to the WebSocket layer, because Beast requires the TCP stream's own expiry to
// be off while the WebSocket timeout option is in force.
void PeerSession::ConfigureStream() {
  // Consensus messages are small and latency-bound: Nagle's delay, combined with the peer's
  // delayed acknowledgement, would hold a message back for tens of milliseconds.
  beast::error_code ignored;  // Failing to set it costs latency, not correctness.
  beast::get_lowest_layer(ws_).socket().set_option(asio::ip::tcp::no_delay(true), ignored);
  beast::get_lowest_layer(ws_).expires_never();
  websocket::stream_base::timeout timeout;
  timeout.handshake_timeout = std::chrono::milliseconds(settings_.config->handshake_timeout_ms);
  timeout.idle_timeout = std::chrono::milliseconds(settings_.config->idle_timeout_ms);
  timeout.keep_alive_pings = true;
  ws_.set_option(timeout);
  ws_.read_message_max(kHandshakeFrameBytes);
  ws_.binary(true);
  ws_.auto_fragment(false);
}

void PeerSession::OnConnect(beast::error_code error) {
  if (error) {
    Close("connect failed: " + error.message());
    return;
  }
  ConfigureStream();
  ws_.async_handshake(
      dial_address_->host, "/imledger/peer/v1",
      [self = shared_from_this()](beast::error_code error) { self->OnUpgrade(error); });
}

void PeerSession::OnUpgrade(beast::error_code error) {
  if (error) {
    Close("websocket upgrade failed: " + error.message());
    return;
  }
  SendHandshakeMessage(EncodeHandshakeHello(handshake_.hello()), /*is_proof=*/false);
}

void PeerSession::SendHandshakeMessage(Bytes bytes, bool is_proof) {
  handshake_out_ = std::move(bytes);
  ws_.async_write(asio::buffer(handshake_out_),
                  [self = shared_from_this(), is_proof](beast::error_code error, size_t) {
                    self->OnHandshakeWrite(error, is_proof);
                  });
}

void PeerSession::OnHandshakeWrite(beast::error_code error, bool is_proof) {
  if (error) {
    Close("handshake write failed: " + error.message());
    return;
  }
  ws_.async_read(buffer_, [self = shared_from_this(), is_proof](beast::error_code error, size_t) {
    if (is_proof) {
      self->OnProofRead(error);
    } else {
      self->OnHelloRead(error);
    }
  });
}

void PeerSession::OnHelloRead(beast::error_code error) {
  if (error) {
    Close("handshake read failed: " + error.message());
    return;
  }
  Bytes hello = TakeBuffer();
  HandshakeError result = handshake_.AcceptHello(hello);
  if (result != HandshakeError::kNone) {
    Reject(ToRejectReason(result), HandshakeErrorName(result));
    return;
  }
  if (dialed() && handshake_.peer_key() != dial_address_->public_key) {
    Reject(RejectReason::kUnknownKey, "the dialed address answered with another key");
    return;
  }
  SendHandshakeMessage(EncodeHandshakeProof(handshake_.MakeProof()), /*is_proof=*/true);
}

void PeerSession::OnProofRead(beast::error_code error) {
  if (error) {
    Close("handshake read failed: " + error.message());
    return;
  }
  Bytes proof = TakeBuffer();
  HandshakeError result = handshake_.AcceptProof(proof);
  if (result != HandshakeError::kNone) {
    Reject(ToRejectReason(result), HandshakeErrorName(result));
    return;
  }
  authenticated_ = true;
  handshake_deadline_.cancel();
  ws_.read_message_max(settings_.config->max_frame_bytes);
  owner_.OnSessionAuthenticated(shared_from_this());
  if (!closed_) {
    DoRead();
  }
}

void PeerSession::OnHandshakeDeadline(beast::error_code error) {
  if (error == asio::error::operation_aborted || authenticated_ || closed_) {
    return;
  }
  Reject(RejectReason::kHandshakeTimeout, "no verified proof in time");
}

void PeerSession::DoRead() {
  ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code error, size_t bytes) {
    self->OnRead(error, bytes);
  });
}

void PeerSession::OnRead(beast::error_code error, size_t) {
  if (error == websocket::error::message_too_big) {
    Reject(RejectReason::kFrameTooLarge,
           "message above max_frame_bytes=" + std::to_string(settings_.config->max_frame_bytes));
    return;
  }
  if (error) {
    Close("read failed: " + error.message());
    return;
  }
  owner_.OnSessionMessage(shared_from_this(), TakeBuffer());
  if (!closed_) {
    DoRead();
  }
}

void PeerSession::Write(SharedBytes message) {
  Check(authenticated_, "Write before the handshake finished");
  Check(in_flight_ == nullptr, "Write while another write is in flight");
  in_flight_ = std::move(message);
  ws_.async_write(asio::buffer(*in_flight_),
                  [self = shared_from_this()](beast::error_code error, size_t bytes) {
                    self->OnWrite(error, bytes);
                  });
}

void PeerSession::OnWrite(beast::error_code error, size_t bytes) {
  in_flight_.reset();
  if (error) {
    Close("write failed: " + error.message());
    return;
  }
  if (!closed_) {
    owner_.OnSessionWriteDone(shared_from_this(), bytes);
  }
}

void PeerSession::Reject(RejectReason reason, std::string_view detail) {
  if (closed_) {
    return;
  }
  owner_.OnSessionRejected(shared_from_this(), reason, detail);
  Close(std::string("rejected: ") + std::string(RejectReasonName(reason)));
}

void PeerSession::Close(std::string_view reason) {
  if (closed_) {
    return;
  }
  closed_ = true;
  handshake_deadline_.cancel();
  beast::error_code ignored;  // The socket may already be closed by the peer.
  beast::get_lowest_layer(ws_).socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  beast::get_lowest_layer(ws_).socket().close(ignored);
  owner_.OnSessionClosed(shared_from_this(), reason);
}

Bytes PeerSession::TakeBuffer() {
  auto data = buffer_.cdata();
  const auto* begin = static_cast<const uint8_t*>(data.data());
  Bytes bytes(begin, begin + data.size());
  buffer_.consume(buffer_.size());
  return bytes;
}

}  // namespace imledger::network

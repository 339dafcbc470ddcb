// One WebSocket connection to another replica: the handshake, then a read loop and one write at
// a time.
//
// A session is either dialed (we connected) or accepted. It runs the WebSocket upgrade, then
// the signed handshake (handshake.h) under a deadline, and only then reports itself
// authenticated to its owner. Until then it accepts messages of at most kHandshakeFrameBytes.
// Every outcome reaches the owner exactly once as OnSessionClosed. All methods and callbacks
// run on the transport's network thread; the session is owned through shared_ptr by its pending
// operations and by the owner.

#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "network/handshake.h"
#include "network/send_queue.h"
#include "network/transport_config.h"

namespace imledger::network {

// Largest message read before the peer has authenticated; a hello or proof is far smaller.
inline constexpr size_t kHandshakeFrameBytes = 4096;

class PeerSession;

// Receives a session's events on the network thread.
class SessionOwner {
 public:
  virtual ~SessionOwner() = default;

  virtual void OnSessionAuthenticated(const std::shared_ptr<PeerSession>& session) = 0;

  virtual void OnSessionMessage(const std::shared_ptr<PeerSession>& session, Bytes message) = 0;

  virtual void OnSessionWriteDone(const std::shared_ptr<PeerSession>& session, size_t bytes) = 0;

  virtual void OnSessionRejected(const std::shared_ptr<PeerSession>& session, RejectReason reason,
                                 std::string_view detail) = 0;

  virtual void OnSessionClosed(const std::shared_ptr<PeerSession>& session,
                               std::string_view reason) = 0;
};

// Handshake inputs shared by every session of one transport; must outlive the sessions.
struct SessionSettings {
  const TransportConfig* config;
  const crypto::SecretKey* key;
};

class PeerSession : public std::enable_shared_from_this<PeerSession> {
 public:
  // An accepted connection.
  PeerSession(boost::asio::ip::tcp::socket socket, const SessionSettings& settings,
              SessionOwner& owner);

  // A connection we will dial to `address`, whose key we expect to be `address.public_key`.
  PeerSession(boost::asio::io_context& io_context, const PeerAddress& address,
              const SessionSettings& settings, SessionOwner& owner);

  PeerSession(const PeerSession&) = delete;
  PeerSession& operator=(const PeerSession&) = delete;

  void Start();

  // Writes one message. Preconditions: authenticated() and !writing().
  void Write(SharedBytes message);

  // Closes the socket; the owner gets OnSessionClosed(reason) once, now or earlier.
  void Close(std::string_view reason);

  bool dialed() const { return dial_address_.has_value(); }

  bool authenticated() const { return authenticated_; }

  bool writing() const { return in_flight_ != nullptr; }

  // The dialed key for a dialed session (its hello must match it), else the key from the
  // accepted hello, or all zeros before the hello.
  const crypto::PublicKey& peer_key() const {
    return dialed() ? dial_address_->public_key : handshake_.peer_key();
  }

  const std::optional<PeerAddress>& dial_address() const { return dial_address_; }

  const std::string& remote() const { return remote_; }

 private:
  using WebSocket = boost::beast::websocket::stream<boost::beast::tcp_stream>;

  void OnConnect(boost::beast::error_code error);
  void OnUpgrade(boost::beast::error_code error);
  void SendHandshakeMessage(Bytes bytes, bool is_proof);
  void OnHandshakeWrite(boost::beast::error_code error, bool is_proof);
  void OnHelloRead(boost::beast::error_code error);
  void OnProofRead(boost::beast::error_code error);
  void OnHandshakeDeadline(boost::beast::error_code error);
  void DoRead();
  void OnRead(boost::beast::error_code error, size_t bytes);
  void OnWrite(boost::beast::error_code error, size_t bytes);
  void Reject(RejectReason reason, std::string_view detail);
  void ConfigureStream();
  Bytes TakeBuffer();

  SessionSettings settings_;
  SessionOwner& owner_;
  std::optional<PeerAddress> dial_address_;
  WebSocket ws_;
  boost::asio::steady_timer handshake_deadline_;
  boost::beast::flat_buffer buffer_;
  Handshake handshake_;
  Bytes handshake_out_;  // The hello or proof being written.
  SharedBytes in_flight_;
  std::string remote_;
  bool authenticated_ = false;
  bool closed_ = false;
};

}  // namespace imledger::network

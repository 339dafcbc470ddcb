// PeerTransport implementation: per-peer state, dialing, duplicate resolution and counters.
//
// Every member below the atomics is touched only on the network thread. A peer has at most one
// active session. When two authenticated sessions exist for one pair because both sides dialed
// at once, both sides keep the one dialed by the smaller public key, so they agree without
// exchanging a message. Two sessions dialed by the same side mean the older one is stale, and the
// newer wins.

#include "network/peer_transport.h"

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include "network/backoff.h"
#include "network/handshake.h"
#include "network/listener.h"
#include "network/peer_session.h"
#include "network/rate_limited_log.h"
#include "network/send_queue.h"

namespace imledger::network {

namespace asio = boost::asio;

namespace {

// The `peer` field of log lines: the first 8 hex digits of a key.
std::string ShortKey(const crypto::PublicKey& key) {
  return key.ToHex().substr(0, 8);
}

}  // namespace

class PeerTransport::Impl : public SessionOwner {
 public:
  Impl(TransportConfig config, crypto::SecretKey key, TransportHandlers handlers);

  Status Start();
  void Stop();
  Status SetPeerAddress(const PeerAddress& address);
  Status Enqueue(const crypto::PublicKey& peer, SharedBytes message);
  Status EnqueueAll(SharedBytes message);
  TransportCounters Snapshot() const;

  uint16_t listen_port() const { return listen_port_.load(); }

  const crypto::PublicKey& public_key() const { return key_.public_key(); }

  size_t connected_peers() const { return connected_.load(); }

  void OnSessionAuthenticated(const std::shared_ptr<PeerSession>& session) override;
  void OnSessionMessage(const std::shared_ptr<PeerSession>& session, Bytes message) override;
  void OnSessionWriteDone(const std::shared_ptr<PeerSession>& session, size_t bytes) override;
  void OnSessionRejected(const std::shared_ptr<PeerSession>& session, RejectReason reason,
                         std::string_view detail) override;
  void OnSessionClosed(const std::shared_ptr<PeerSession>& session,
                       std::string_view reason) override;

 private:
  struct Peer {
    Peer(const TransportConfig& config, asio::io_context& io_context, uint64_t seed)
        : queue(config.send_queue_max_messages, config.send_queue_max_bytes),
          backoff(config.reconnect_initial_ms, config.reconnect_max_ms, seed),
          redial_timer(io_context) {}

    std::optional<PeerAddress> address;
    std::shared_ptr<PeerSession> active;
    bool dialing = false;
    SendQueue queue;
    Backoff backoff;
    asio::steady_timer redial_timer;
  };

  Status Listen();
  void DoAccept();
  void Dial(Peer& peer);
  void ScheduleRedial(const crypto::PublicKey& key, Peer& peer);
  void DrainOutbox();
  void Pump(Peer& peer);
  bool KeepNewSession(const PeerSession& current, const PeerSession& candidate) const;
  void CloseEverything();
  void CountReject(RejectReason reason);

  // Immutable after construction.
  const TransportConfig config_;
  const crypto::SecretKey key_;
  const TransportHandlers handlers_;
  const std::string node_;                 // ShortKey of our key, for log lines.
  std::set<crypto::PublicKey> peer_keys_;  // Validators other than us; fixed in the constructor.

  // Network thread only. The io_context is declared first so that it is destroyed last.
  asio::io_context io_context_;
  asio::ip::tcp::acceptor acceptor_;
  std::map<crypto::PublicKey, Peer> peers_;
  std::set<std::shared_ptr<PeerSession>> sessions_;
  RateLimitedLog reject_log_{std::chrono::seconds(1)};
  bool stopping_ = false;

  // Messages from Send and Broadcast not yet moved to their peers' queues.
  std::mutex outbox_mutex_;
  std::vector<std::pair<crypto::PublicKey, SharedBytes>> outbox_;  // Guarded by outbox_mutex_.

  // Any thread.
  bool started_ = false;  // Owner thread only.
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::thread thread_;
  std::atomic<uint16_t> listen_port_{0};
  std::atomic<size_t> connected_{0};
  std::atomic<uint64_t> frames_sent_{0}, frames_received_{0}, bytes_sent_{0}, bytes_received_{0};
  std::atomic<uint64_t> frames_dropped_{0}, connects_{0}, disconnects_{0}, dial_attempts_{0};
  std::array<std::atomic<uint64_t>, static_cast<size_t>(RejectReason::kCount)> rejects_{};
};

PeerTransport::Impl::Impl(TransportConfig config, crypto::SecretKey key, TransportHandlers handlers)
    : config_(std::move(config)),
      key_(std::move(key)),
      handlers_(std::move(handlers)),
      node_(ShortKey(key_.public_key())),
      acceptor_(io_context_) {
  std::random_device seed_source;
  for (const crypto::PublicKey& validator : config_.validators) {
    if (validator != key_.public_key()) {
      peer_keys_.insert(validator);
      peers_.try_emplace(validator, config_, io_context_, seed_source());
    }
  }
  for (const PeerAddress& address : config_.peers) {
    auto it = peers_.find(address.public_key);
    if (it != peers_.end() && address.port != 0) {
      it->second.address = address;
    }
  }
}

Status PeerTransport::Impl::Start() {
  if (started_) {
    return Status::FailedPrecondition("the transport was started before; create a new one");
  }
  started_ = true;
  if (config_.network_id.empty() || config_.network_id.size() > kMaxNetworkIdSize) {
    return Status::InvalidArgument("network_id must be 1 to " + std::to_string(kMaxNetworkIdSize) +
                                   " bytes; set it to the network id of the genesis file");
  }
  if (config_.max_frame_bytes == 0 || config_.send_queue_max_messages == 0) {
    return Status::InvalidArgument(
        "max_frame_bytes and send_queue_max_messages must be positive; set them above 0");
  }
  Status listening = Listen();
  if (!listening.ok()) {
    return listening;
  }
  work_.emplace(io_context_.get_executor());
  asio::post(io_context_, [this] {
    DoAccept();
    for (auto& [key, peer] : peers_) {
      Dial(peer);
    }
  });
  thread_ = std::thread([this] { io_context_.run(); });
  spdlog::info("event=transport_started node={} listen={}:{} peers={}", node_, config_.listen_host,
               listen_port_.load(), peers_.size());
  return Status::Ok();
}

Status PeerTransport::Impl::Listen() {
  Result<uint16_t> port = OpenListener(acceptor_, config_.listen_host, config_.listen_port);
  if (!port.ok()) {
    return port.status();
  }
  listen_port_ = *port;
  return Status::Ok();
}

void PeerTransport::Impl::DoAccept() {
  acceptor_.async_accept([this](boost::system::error_code error, asio::ip::tcp::socket socket) {
    if (stopping_ || error == asio::error::operation_aborted) {
      return;
    }
    if (error) {
      spdlog::warn("event=accept_failed node={} error=\"{}\"", node_, error.message());
    } else {
      auto session =
          std::make_shared<PeerSession>(std::move(socket), SessionSettings{&config_, &key_}, *this);
      sessions_.insert(session);
      session->Start();
    }
    DoAccept();
  });
}

void PeerTransport::Impl::Dial(Peer& peer) {
  if (stopping_ || peer.active != nullptr || peer.dialing || !peer.address.has_value()) {
    return;
  }
  peer.dialing = true;
  ++dial_attempts_;
  if (peer.backoff.attempt() > 0) {
    spdlog::info("event=reconnect_attempt node={} peer={} attempt={} remote={}:{}", node_,
                 ShortKey(peer.address->public_key), peer.backoff.attempt(), peer.address->host,
                 peer.address->port);
  }
  auto session = std::make_shared<PeerSession>(io_context_, *peer.address,
                                               SessionSettings{&config_, &key_}, *this);
  sessions_.insert(session);
  session->Start();
}

void PeerTransport::Impl::ScheduleRedial(const crypto::PublicKey& key, Peer& peer) {
  if (stopping_ || peer.active != nullptr || peer.dialing || !peer.address.has_value()) {
    return;
  }
  peer.redial_timer.expires_after(std::chrono::milliseconds(peer.backoff.NextDelayMs()));
  peer.redial_timer.async_wait([this, key](boost::system::error_code error) {
    if (error == asio::error::operation_aborted || stopping_) {
      return;
    }
    Dial(peers_.at(key));
  });
}

Status PeerTransport::Impl::SetPeerAddress(const PeerAddress& address) {
  if (!peer_keys_.contains(address.public_key)) {
    return Status::NotFound("peer " + address.public_key.ToHex() +
                            " is not a validator of this transport; add it to validators");
  }
  asio::post(io_context_, [this, address] {
    Peer& peer = peers_.at(address.public_key);
    peer.address = address;
    peer.redial_timer.cancel();
    peer.backoff.Reset();
    Dial(peer);
  });
  return Status::Ok();
}

Status PeerTransport::Impl::Enqueue(const crypto::PublicKey& key, SharedBytes message) {
  if (!peer_keys_.contains(key)) {
    return Status::NotFound("peer " + key.ToHex() + " is not a validator of this transport");
  }
  if (message->size() > config_.max_frame_bytes) {
    return Status::InvalidArgument(
        "message of " + std::to_string(message->size()) +
        " bytes is above max_frame_bytes=" + std::to_string(config_.max_frame_bytes));
  }
  bool was_empty = false;
  {
    std::lock_guard lock(outbox_mutex_);
    was_empty = outbox_.empty();
    outbox_.emplace_back(key, std::move(message));
  }
  // One drain handler per burst: later Sends find it pending and only append.
  if (was_empty) {
    asio::post(io_context_, [this] { DrainOutbox(); });
  }
  return Status::Ok();
}

void PeerTransport::Impl::DrainOutbox() {
  std::vector<std::pair<crypto::PublicKey, SharedBytes>> batch;
  {
    std::lock_guard lock(outbox_mutex_);
    batch.swap(outbox_);
  }
  for (auto& [key, message] : batch) {
    frames_dropped_ += peers_.at(key).queue.Push(std::move(message));
  }
  for (auto& [key, peer] : peers_) {
    Pump(peer);
  }
}

Status PeerTransport::Impl::EnqueueAll(SharedBytes message) {
  for (const crypto::PublicKey& key : peer_keys_) {
    Status status = Enqueue(key, message);
    if (!status.ok()) {
      return status;
    }
  }
  return Status::Ok();
}

void PeerTransport::Impl::Pump(Peer& peer) {
  PeerSession* session = peer.active.get();
  if (session == nullptr || session->writing() || peer.queue.empty()) {
    return;
  }
  session->Write(peer.queue.Pop());
}

// Both ends of a pair apply this to the same two sessions and so keep the same one.
bool PeerTransport::Impl::KeepNewSession(const PeerSession& current,
                                         const PeerSession& candidate) const {
  if (current.dialed() == candidate.dialed()) {
    return true;
  }
  const crypto::PublicKey& peer = candidate.peer_key();
  bool we_are_smaller = key_.public_key() < peer;
  return candidate.dialed() == we_are_smaller;
}

void PeerTransport::Impl::OnSessionAuthenticated(const std::shared_ptr<PeerSession>& session) {
  Peer& peer = peers_.at(session->peer_key());
  if (session->dialed()) {
    peer.dialing = false;
  }
  if (peer.active != nullptr) {
    if (!KeepNewSession(*peer.active, *session)) {
      OnSessionRejected(session, RejectReason::kDuplicateConnection, "kept the existing one");
      session->Close("duplicate connection");
      return;
    }
    std::shared_ptr<PeerSession> replaced = std::move(peer.active);
    peer.active = session;
    OnSessionRejected(replaced, RejectReason::kDuplicateConnection, "replaced by a newer one");
    replaced->Close("duplicate connection");
    Pump(peer);
    return;
  }
  peer.active = session;
  peer.backoff.Reset();
  peer.redial_timer.cancel();
  ++connects_;
  ++connected_;
  spdlog::info("event=peer_connected node={} peer={} direction={} remote={}", node_,
               ShortKey(session->peer_key()), session->dialed() ? "out" : "in", session->remote());
  if (handlers_.on_peer_connected) {
    handlers_.on_peer_connected(session->peer_key());
  }
  Pump(peer);
}

void PeerTransport::Impl::OnSessionMessage(const std::shared_ptr<PeerSession>& session,
                                           Bytes message) {
  ++frames_received_;
  bytes_received_ += message.size();
  if (handlers_.on_message) {
    handlers_.on_message(session->peer_key(), std::move(message));
  }
}

void PeerTransport::Impl::OnSessionWriteDone(const std::shared_ptr<PeerSession>& session,
                                             size_t bytes) {
  ++frames_sent_;
  bytes_sent_ += bytes;
  Peer& peer = peers_.at(session->peer_key());
  if (peer.active == session) {
    Pump(peer);
  }
}

void PeerTransport::Impl::OnSessionRejected(const std::shared_ptr<PeerSession>& session,
                                            RejectReason reason, std::string_view detail) {
  ++rejects_[static_cast<size_t>(reason)];
  std::string key(RejectReasonName(reason));
  uint64_t suppressed = 0;
  if (!reject_log_.Allow(key, std::chrono::steady_clock::now(), suppressed)) {
    return;
  }
  std::string peer = session->authenticated() || session->dialed() ? ShortKey(session->peer_key())
                                                                   : std::string("unauthenticated");
  spdlog::warn(
      "event=peer_rejected node={} peer={} reason={} remote={} detail=\"{}\" suppressed={}", node_,
      peer, key, session->remote(), detail, suppressed);
}

void PeerTransport::Impl::OnSessionClosed(const std::shared_ptr<PeerSession>& session,
                                          std::string_view reason) {
  sessions_.erase(session);
  if (stopping_) {
    return;
  }
  auto it = peers_.find(session->peer_key());
  if (it == peers_.end()) {
    return;  // An accepted session that closed before naming a validator key.
  }
  Peer& peer = it->second;
  if (session->dialed() && !session->authenticated()) {
    peer.dialing = false;
    spdlog::debug("event=dial_failed node={} peer={} reason=\"{}\"", node_,
                  ShortKey(session->peer_key()), reason);
  }
  if (peer.active == session) {
    peer.active.reset();
    ++disconnects_;
    --connected_;
    spdlog::info("event=peer_disconnected node={} peer={} reason=\"{}\"", node_,
                 ShortKey(session->peer_key()), reason);
    if (handlers_.on_peer_disconnected) {
      handlers_.on_peer_disconnected(session->peer_key());
    }
  }
  ScheduleRedial(it->first, peer);
}

void PeerTransport::Impl::CloseEverything() {
  stopping_ = true;
  boost::system::error_code ignored;  // Closing an acceptor that failed to open is harmless.
  acceptor_.close(ignored);
  for (auto& [key, peer] : peers_) {
    peer.redial_timer.cancel();
    peer.active.reset();
  }
  std::set<std::shared_ptr<PeerSession>> sessions = std::move(sessions_);
  for (const std::shared_ptr<PeerSession>& session : sessions) {
    session->Close("transport stopping");
  }
  connected_ = 0;
}

void PeerTransport::Impl::Stop() {
  if (!thread_.joinable()) {
    return;
  }
  // Handlers still queued after CloseEverything are destroyed unrun with the io_context, so
  // Stop does not wait for the WebSocket layer's own timers.
  asio::post(io_context_, [this] {
    CloseEverything();
    io_context_.stop();
  });
  thread_.join();
  work_.reset();
  spdlog::info("event=transport_stopped node={}", node_);
}

TransportCounters PeerTransport::Impl::Snapshot() const {
  TransportCounters counters;
  counters.frames_sent = frames_sent_.load();
  counters.frames_received = frames_received_.load();
  counters.bytes_sent = bytes_sent_.load();
  counters.bytes_received = bytes_received_.load();
  counters.frames_dropped = frames_dropped_.load();
  counters.connects = connects_.load();
  counters.disconnects = disconnects_.load();
  counters.dial_attempts = dial_attempts_.load();
  for (size_t i = 0; i < counters.rejects.size(); ++i) {
    counters.rejects[i] = rejects_[i].load();
  }
  return counters;
}

PeerTransport::PeerTransport(TransportConfig config, crypto::SecretKey key,
                             TransportHandlers handlers)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(key), std::move(handlers))) {}

PeerTransport::~PeerTransport() {
  Stop();
}

Status PeerTransport::Start() {
  return impl_->Start();
}

void PeerTransport::Stop() {
  impl_->Stop();
}

uint16_t PeerTransport::listen_port() const {
  return impl_->listen_port();
}

const crypto::PublicKey& PeerTransport::public_key() const {
  return impl_->public_key();
}

Status PeerTransport::SetPeerAddress(const PeerAddress& address) {
  return impl_->SetPeerAddress(address);
}

Status PeerTransport::Send(const crypto::PublicKey& peer, Bytes message) {
  return impl_->Enqueue(peer, std::make_shared<const Bytes>(std::move(message)));
}

Status PeerTransport::Broadcast(Bytes message) {
  return impl_->EnqueueAll(std::make_shared<const Bytes>(std::move(message)));
}

TransportCounters PeerTransport::counters() const {
  return impl_->Snapshot();
}

size_t PeerTransport::connected_peers() const {
  return impl_->connected_peers();
}

}  // namespace imledger::network

// Real transports on 127.0.0.1 with ephemeral ports.

#include "network/peer_transport.h"

#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "network/event_queue.h"
#include "tests/network/raw_peer.h"

namespace imledger::network {
namespace {

using std::chrono::milliseconds;

constexpr char kNetwork[] = "imledger-test";

crypto::SecretKey TestKey(uint8_t fill) {
  return crypto::SecretKey::FromSeed(Bytes(32, fill)).value();
}

// Polls `condition` until it is true or 10 s pass.
bool WaitFor(const std::function<bool()>& condition) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) {
      return true;
    }
    std::this_thread::sleep_for(milliseconds(5));
  }
  return condition();
}

// Waits for the next message event, skipping connect and disconnect events.
std::optional<TransportEvent> NextMessage(EventQueue& events) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    std::optional<TransportEvent> event = events.PopFor(milliseconds(100));
    if (event && event->kind == TransportEvent::Kind::kMessage) {
      return event;
    }
  }
  return std::nullopt;
}

// Sends `message` every 100 ms until `receiver` gets it, as the consensus layer would
// retransmit; returns false after 10 s.
bool SendUntilReceived(PeerTransport& sender, const crypto::PublicKey& to, const Bytes& message,
                       EventQueue& receiver) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!sender.Send(to, message).ok()) {
      return false;
    }
    std::optional<TransportEvent> event = receiver.PopFor(milliseconds(100));
    while (event.has_value()) {
      if (event->kind == TransportEvent::Kind::kMessage && event->message == message) {
        return true;
      }
      event = receiver.PopFor(milliseconds(1));
    }
  }
  return false;
}

TransportConfig TestConfig(const std::vector<crypto::PublicKey>& validators) {
  TransportConfig config;
  config.network_id = kNetwork;
  config.validators = validators;
  config.reconnect_initial_ms = 20;
  config.reconnect_max_ms = 200;
  config.handshake_timeout_ms = 2000;
  return config;
}

struct Node {
  std::unique_ptr<EventQueue> events = std::make_unique<EventQueue>();
  std::unique_ptr<PeerTransport> transport;
};

// Builds and starts one transport per seed byte, then gives each the others' ports.
class Cluster {
 public:
  Cluster(std::initializer_list<uint8_t> seeds,
          const std::function<void(TransportConfig&)>& adjust = {}) {
    for (uint8_t seed : seeds) {
      validators_.push_back(TestKey(seed).public_key());
    }
    for (uint8_t seed : seeds) {
      TransportConfig config = TestConfig(validators_);
      if (adjust) {
        adjust(config);
      }
      nodes_.emplace_back();
      Node& node = nodes_.back();
      node.transport =
          std::make_unique<PeerTransport>(config, TestKey(seed), node.events->Handlers());
      EXPECT_TRUE(node.transport->Start().ok());
    }
    for (Node& from : nodes_) {
      for (Node& to : nodes_) {
        if (&from != &to) {
          Introduce(from, to);
        }
      }
    }
  }

  static void Introduce(Node& from, Node& to) {
    PeerAddress address{to.transport->public_key(), "127.0.0.1", to.transport->listen_port()};
    EXPECT_TRUE(from.transport->SetPeerAddress(address).ok());
  }

  bool AllConnected() {
    for (Node& node : nodes_) {
      if (node.transport->connected_peers() != nodes_.size() - 1) {
        return false;
      }
    }
    return true;
  }

  // Waits until every pair is connected and has stayed so for 300 ms. Both ends of a pair dial
  // at once, and a message written on the duplicate that is being closed is lost (the consensus
  // layer retransmits), so tests that count messages wait for this first.
  bool Settle() {
    if (!WaitFor([&] { return AllConnected(); })) {
      return false;
    }
    std::this_thread::sleep_for(milliseconds(300));
    return AllConnected();
  }

  Node& operator[](size_t i) { return nodes_[i]; }

  const std::vector<crypto::PublicKey>& validators() const { return validators_; }

 private:
  std::vector<crypto::PublicKey> validators_;
  std::vector<Node> nodes_;
};

TEST(PeerTransport, TwoNodesExchangeMessagesBothWays) {
  Cluster cluster({1, 2});
  ASSERT_TRUE(cluster.Settle());

  for (uint8_t i = 0; i < 5; ++i) {
    ASSERT_TRUE(cluster[0].transport->Send(TestKey(2).public_key(), Bytes{1, i}).ok());
    ASSERT_TRUE(cluster[1].transport->Send(TestKey(1).public_key(), Bytes{2, i}).ok());
  }
  for (uint8_t i = 0; i < 5; ++i) {
    std::optional<TransportEvent> at_second = NextMessage(*cluster[1].events);
    ASSERT_TRUE(at_second.has_value());
    EXPECT_EQ(at_second->peer, TestKey(1).public_key());
    EXPECT_EQ(at_second->message, (Bytes{1, i}));
    std::optional<TransportEvent> at_first = NextMessage(*cluster[0].events);
    ASSERT_TRUE(at_first.has_value());
    EXPECT_EQ(at_first->peer, TestKey(2).public_key());
    EXPECT_EQ(at_first->message, (Bytes{2, i}));
  }
  EXPECT_EQ(cluster[0].transport->counters().frames_sent, 5u);
  EXPECT_EQ(cluster[0].transport->counters().frames_received, 5u);
}

TEST(PeerTransport, FourNodesBroadcastToEachOther) {
  Cluster cluster({1, 2, 3, 4});
  ASSERT_TRUE(cluster.Settle());

  for (uint8_t i = 0; i < 4; ++i) {
    ASSERT_TRUE(cluster[i].transport->Broadcast(Bytes{i}).ok());
  }
  for (size_t receiver = 0; receiver < 4; ++receiver) {
    std::set<crypto::PublicKey> senders;
    for (int count = 0; count < 3; ++count) {
      std::optional<TransportEvent> event = NextMessage(*cluster[receiver].events);
      ASSERT_TRUE(event.has_value()) << "receiver " << receiver;
      EXPECT_EQ(event->peer, cluster.validators()[event->message.at(0)]);
      senders.insert(event->peer);
    }
    EXPECT_EQ(senders.size(), 3u) << "receiver " << receiver;
    EXPECT_EQ(senders.count(cluster.validators()[receiver]), 0u) << "receiver " << receiver;
  }
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(cluster[i].transport->connected_peers(), 3u) << "node " << i;
  }
}

TEST(PeerTransport, UnknownKeyIsRejected) {
  std::vector<crypto::PublicKey> validators = {TestKey(1).public_key()};
  EventQueue events;
  PeerTransport server(TestConfig(validators), TestKey(1), events.Handlers());
  ASSERT_TRUE(server.Start().ok());

  TransportConfig intruder_config = TestConfig({TestKey(1).public_key(), TestKey(9).public_key()});
  intruder_config.peers = {{TestKey(1).public_key(), "127.0.0.1", server.listen_port()}};
  EventQueue intruder_events;
  PeerTransport intruder(intruder_config, TestKey(9), intruder_events.Handlers());
  ASSERT_TRUE(intruder.Start().ok());

  ASSERT_TRUE(WaitFor([&] { return server.counters().rejected(RejectReason::kUnknownKey) >= 1; }));
  EXPECT_EQ(server.connected_peers(), 0u);
  EXPECT_EQ(intruder.connected_peers(), 0u);
  EXPECT_EQ(server.counters().connects, 0u);
}

TEST(PeerTransport, WrongNetworkIdIsRejected) {
  std::vector<crypto::PublicKey> validators = {TestKey(1).public_key(), TestKey(2).public_key()};
  EventQueue events;
  PeerTransport server(TestConfig(validators), TestKey(1), events.Handlers());
  ASSERT_TRUE(server.Start().ok());

  TransportConfig other_config = TestConfig(validators);
  other_config.network_id = "another-network";
  other_config.peers = {{TestKey(1).public_key(), "127.0.0.1", server.listen_port()}};
  EventQueue other_events;
  PeerTransport other(other_config, TestKey(2), other_events.Handlers());
  ASSERT_TRUE(other.Start().ok());

  ASSERT_TRUE(
      WaitFor([&] { return server.counters().rejected(RejectReason::kWrongNetwork) >= 1; }));
  EXPECT_EQ(server.connected_peers(), 0u);
  EXPECT_EQ(other.connected_peers(), 0u);
}

TEST(PeerTransport, BadHandshakeSignatureIsRejected) {
  std::vector<crypto::PublicKey> validators = {TestKey(1).public_key(), TestKey(2).public_key()};
  EventQueue events;
  PeerTransport server(TestConfig(validators), TestKey(1), events.Handlers());
  ASSERT_TRUE(server.Start().ok());

  crypto::SecretKey claimed = TestKey(2);
  crypto::SecretKey actual_signer = TestKey(9);
  RawPeerResult result = RunRawHandshake(server.listen_port(), kNetwork, claimed, actual_signer);
  EXPECT_TRUE(result.hello_received);
  EXPECT_TRUE(result.closed_by_server);
  ASSERT_TRUE(
      WaitFor([&] { return server.counters().rejected(RejectReason::kBadSignature) == 1; }));
  EXPECT_EQ(server.counters().connects, 0u);
}

TEST(PeerTransport, OversizedFrameClosesConnectionAndPeerReconnects) {
  Cluster cluster({1, 2}, [](TransportConfig& config) { config.max_frame_bytes = 1 << 20; });
  ASSERT_TRUE(WaitFor([&] { return cluster.AllConnected(); }));
  // Rebuild node 0 with a smaller limit than its peer uses when sending.
  TransportConfig small = TestConfig(cluster.validators());
  small.max_frame_bytes = 64 << 10;
  small.listen_port = cluster[0].transport->listen_port();
  small.peers = {{TestKey(2).public_key(), "127.0.0.1", cluster[1].transport->listen_port()}};
  cluster[0].transport.reset();
  cluster[0].events = std::make_unique<EventQueue>();
  cluster[0].transport =
      std::make_unique<PeerTransport>(small, TestKey(1), cluster[0].events->Handlers());
  ASSERT_TRUE(cluster[0].transport->Start().ok());
  ASSERT_TRUE(cluster.Settle());

  ASSERT_TRUE(cluster[1].transport->Send(TestKey(1).public_key(), Bytes(100 << 10, 7)).ok());
  ASSERT_TRUE(WaitFor([&] {
    return cluster[0].transport->counters().rejected(RejectReason::kFrameTooLarge) == 1;
  }));
  ASSERT_TRUE(WaitFor([&] { return cluster[0].transport->counters().connects >= 2; }));
  ASSERT_TRUE(WaitFor([&] { return cluster.AllConnected(); }));

  EXPECT_TRUE(SendUntilReceived(*cluster[1].transport, TestKey(1).public_key(), Bytes(1000, 8),
                                *cluster[0].events));
}

TEST(PeerTransport, SilentClientIsClosedAfterHandshakeTimeout) {
  TransportConfig config = TestConfig({TestKey(1).public_key()});
  config.handshake_timeout_ms = 200;
  PeerTransport server(config, TestKey(1), {});
  ASSERT_TRUE(server.Start().ok());

  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(server.listen_port());
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  auto start = std::chrono::steady_clock::now();
  char byte = 0;
  ssize_t received = recv(fd, &byte, 1, 0);
  auto elapsed = std::chrono::steady_clock::now() - start;
  close(fd);
  EXPECT_EQ(received, 0);  // Closed by the server, not by our 5 s receive timeout.
  EXPECT_GE(elapsed, milliseconds(150));
  EXPECT_LT(elapsed, milliseconds(3000));
  EXPECT_EQ(server.counters().connects, 0u);
}

TEST(PeerTransport, QuietPeersStayConnectedPastIdleTimeout) {
  Cluster cluster({1, 2}, [](TransportConfig& config) { config.idle_timeout_ms = 100; });
  ASSERT_TRUE(cluster.Settle());
  // When both peers dial at once, the duplicate connection is closed while settling and
  // counts as a disconnect on either side, so the check counts from here.
  uint64_t disconnects_before_0 = cluster[0].transport->counters().disconnects;
  uint64_t disconnects_before_1 = cluster[1].transport->counters().disconnects;

  // Five idle timeouts with no messages: only the WebSocket pings keep the connection alive.
  std::this_thread::sleep_for(milliseconds(500));
  EXPECT_TRUE(cluster.AllConnected());
  EXPECT_EQ(cluster[0].transport->counters().disconnects, disconnects_before_0);
  EXPECT_EQ(cluster[1].transport->counters().disconnects, disconnects_before_1);
}

TEST(PeerTransport, StartRejectsEmptyNetworkId) {
  TransportConfig config = TestConfig({TestKey(1).public_key()});
  config.network_id.clear();
  PeerTransport transport(config, TestKey(1), {});
  EXPECT_EQ(transport.Start().code(), StatusCode::kInvalidArgument);
}

TEST(PeerTransport, SendAboveFrameLimitIsInvalidArgument) {
  TransportConfig config = TestConfig({TestKey(1).public_key(), TestKey(2).public_key()});
  config.max_frame_bytes = 16;
  PeerTransport transport(config, TestKey(1), {});
  EXPECT_EQ(transport.Send(TestKey(2).public_key(), Bytes(17, 0)).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(transport.Send(TestKey(9).public_key(), Bytes(1, 0)).code(), StatusCode::kNotFound);
}

TEST(PeerTransport, StoppedPeerReconnectsAfterRestart) {
  Cluster cluster({1, 2});
  ASSERT_TRUE(WaitFor([&] { return cluster.AllConnected(); }));
  uint16_t port = cluster[1].transport->listen_port();

  cluster[1].transport.reset();
  ASSERT_TRUE(WaitFor([&] { return cluster[0].transport->connected_peers() == 0; }));
  // Let several redials fail against the closed port before the peer comes back.
  uint64_t dials_before = cluster[0].transport->counters().dial_attempts;
  ASSERT_TRUE(
      WaitFor([&] { return cluster[0].transport->counters().dial_attempts >= dials_before + 3; }));

  TransportConfig config = TestConfig(cluster.validators());
  config.listen_port = port;
  cluster[1].events = std::make_unique<EventQueue>();
  cluster[1].transport =
      std::make_unique<PeerTransport>(config, TestKey(2), cluster[1].events->Handlers());
  ASSERT_TRUE(cluster[1].transport->Start().ok());
  ASSERT_TRUE(WaitFor([&] { return cluster.AllConnected(); }));

  EXPECT_TRUE(SendUntilReceived(*cluster[0].transport, TestKey(2).public_key(), Bytes{42},
                                *cluster[1].events));
  EXPECT_GE(cluster[0].transport->counters().connects, 2u);
  EXPECT_GE(cluster[0].transport->counters().disconnects, 1u);
}

TEST(PeerTransport, QueueOverflowDropsOldestAndCountsIt) {
  std::vector<crypto::PublicKey> validators = {TestKey(1).public_key(), TestKey(2).public_key()};
  TransportConfig sender_config = TestConfig(validators);
  sender_config.send_queue_max_messages = 4;
  EventQueue sender_events;
  PeerTransport sender(sender_config, TestKey(1), sender_events.Handlers());
  ASSERT_TRUE(sender.Start().ok());

  for (uint8_t i = 0; i < 10; ++i) {
    ASSERT_TRUE(sender.Send(TestKey(2).public_key(), Bytes{i}).ok());
  }
  ASSERT_TRUE(WaitFor([&] { return sender.counters().frames_dropped == 6; }));

  EventQueue receiver_events;
  PeerTransport receiver(TestConfig(validators), TestKey(2), receiver_events.Handlers());
  ASSERT_TRUE(receiver.Start().ok());
  ASSERT_TRUE(
      sender.SetPeerAddress({TestKey(2).public_key(), "127.0.0.1", receiver.listen_port()}).ok());
  for (uint8_t expected = 6; expected < 10; ++expected) {
    std::optional<TransportEvent> event = NextMessage(receiver_events);
    ASSERT_TRUE(event.has_value());
    EXPECT_EQ(event->message, Bytes{expected});
  }
  std::this_thread::sleep_for(milliseconds(200));
  EXPECT_EQ(receiver.counters().frames_received, 4u);
  EXPECT_EQ(sender.counters().frames_dropped, 6u);
}

}  // namespace
}  // namespace imledger::network

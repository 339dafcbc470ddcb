// Throughput between two PeerTransports on 127.0.0.1, against a bare Beast WebSocket pair on
// the same machine in the same run as the ceiling. Each iteration sends one batch of messages
// one way and waits until the receiver has them all.
//
//   ./build/bench/network_bench --benchmark_counters_tabular=true

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include <benchmark/benchmark.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <spdlog/spdlog.h>

#include "network/peer_transport.h"

namespace imledger::network {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;

// Messages per batch: enough to amortize the wait, few enough to fit the send queue.
int64_t BatchSize(int64_t message_bytes) {
  return message_bytes <= 1024 ? 4000 : 256;
}

void WaitForCount(const std::atomic<int64_t>& count, int64_t target) {
  while (count.load(std::memory_order_acquire) < target) {
    std::this_thread::yield();
  }
}

crypto::SecretKey BenchKey(uint8_t fill) {
  return crypto::SecretKey::FromSeed(Bytes(32, fill)).value();
}

void BM_PeerTransport(benchmark::State& state) {
  spdlog::set_level(spdlog::level::warn);
  const int64_t message_bytes = state.range(0);
  const int64_t batch = BatchSize(message_bytes);
  std::vector<crypto::PublicKey> validators = {BenchKey(1).public_key(), BenchKey(2).public_key()};
  TransportConfig config;
  config.network_id = "bench";
  config.validators = validators;
  config.send_queue_max_messages = 1 << 16;
  config.send_queue_max_bytes = 256u << 20;

  std::atomic<int64_t> received{0};
  TransportHandlers counting;
  counting.on_message = [&received](const crypto::PublicKey&, Bytes) {
    received.fetch_add(1, std::memory_order_release);
  };
  PeerTransport receiver(config, BenchKey(2), counting);
  if (!receiver.Start().ok()) {
    state.SkipWithError("receiver did not start");
    return;
  }
  config.peers = {{BenchKey(2).public_key(), "127.0.0.1", receiver.listen_port()}};
  PeerTransport sender(config, BenchKey(1), {});
  if (!sender.Start().ok()) {
    state.SkipWithError("sender did not start");
    return;
  }
  while (sender.connected_peers() == 0 || receiver.connected_peers() == 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

  Bytes message(static_cast<size_t>(message_bytes), 0x5a);
  int64_t target = 0;
  for (auto _ : state) {
    for (int64_t i = 0; i < batch; ++i) {
      if (!sender.Send(BenchKey(2).public_key(), message).ok()) {
        state.SkipWithError("Send failed");
        return;
      }
    }
    target += batch;
    WaitForCount(received, target);
  }
  state.SetItemsProcessed(state.iterations() * batch);
  state.SetBytesProcessed(state.iterations() * batch * message_bytes);
  state.counters["dropped"] = static_cast<double>(sender.counters().frames_dropped);
}

// The ceiling: one client writing to one server that reads, no handshake, queue or thread hop.
void BM_BareWebSocket(benchmark::State& state) {
  const int64_t message_bytes = state.range(0);
  const int64_t batch = BatchSize(message_bytes);
  asio::io_context server_context;
  asio::ip::tcp::acceptor acceptor(server_context, {asio::ip::make_address("127.0.0.1"), 0});
  std::atomic<int64_t> received{0};
  std::atomic<bool> done{false};

  std::thread server([&] {
    websocket::stream<asio::ip::tcp::socket> ws(server_context);
    acceptor.accept(ws.next_layer());
    ws.accept();
    ws.read_message_max(8u << 20);
    beast::flat_buffer buffer;
    beast::error_code error;
    while (!done.load() && !error) {
      ws.read(buffer, error);
      buffer.consume(buffer.size());
      received.fetch_add(1, std::memory_order_release);
    }
  });

  asio::io_context client_context;
  websocket::stream<asio::ip::tcp::socket> client(client_context);
  client.next_layer().connect(acceptor.local_endpoint());
  client.handshake("127.0.0.1", "/");
  client.binary(true);
  client.auto_fragment(false);

  Bytes message(static_cast<size_t>(message_bytes), 0x5a);
  int64_t target = 0;
  for (auto _ : state) {
    for (int64_t i = 0; i < batch; ++i) {
      client.write(asio::buffer(message));
    }
    target += batch;
    WaitForCount(received, target);
  }
  state.SetItemsProcessed(state.iterations() * batch);
  state.SetBytesProcessed(state.iterations() * batch * message_bytes);

  done = true;
  client.write(asio::buffer(message));  // Wakes the server's blocking read.
  beast::error_code ignored;            // The server may close first.
  client.close(websocket::close_code::normal, ignored);
  server.join();
}

BENCHMARK(BM_PeerTransport)->Arg(256)->Arg(64 << 10)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BareWebSocket)->Arg(256)->Arg(64 << 10)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace imledger::network

BENCHMARK_MAIN();

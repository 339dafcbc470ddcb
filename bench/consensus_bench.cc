// Cost of the PBFT protocol in the simulator with zero network delay: CPU time per committed
// request and per block, and messages per block, for cluster sizes 4 to 13 and batch sizes 1 to
// 1,000. The simulator's transactions carry no client signature, so the figures are protocol
// overhead: replica signatures, encoding, hashing, bookkeeping, the simulated network and the
// fake executor (a streaming SHA-256 over each batch on each replica).

#include <vector>

#include <benchmark/benchmark.h>

#include "tests/sim/simulator.h"

namespace imledger::sim {
namespace {

constexpr uint64_t kBlocksPerRun = 10;

void BM_CommitBlocks(benchmark::State& state) {
  const auto replicas = static_cast<uint32_t>(state.range(0));
  const auto batch = static_cast<uint64_t>(state.range(1));
  uint64_t requests = 0;
  uint64_t blocks = 0;
  uint64_t messages = 0;
  uint64_t seed = 1;
  for (auto _ : state) {
    state.PauseTiming();
    SimOptions options;
    options.seed = seed++;
    options.replicas = replicas;
    options.config.max_batch_requests = batch;
    options.config.batch_delay_ms = 1;
    options.config.max_pending_requests = batch * kBlocksPerRun;
    options.faults.min_delay_ms = 0;
    options.faults.max_delay_ms = 0;
    options.track_requests = false;
    Simulation simulation(options);
    state.ResumeTiming();

    for (uint64_t i = 0; i < batch * kBlocksPerRun; ++i) {
      simulation.Submit(static_cast<uint32_t>(i % 64), 0);
    }
    const uint64_t messages_before = simulation.report().messages;
    if (!simulation.RunUntilHeight(kBlocksPerRun, simulation.now_ms() + 600000)) {
      state.SkipWithError("the cluster did not commit every request");
      return;
    }
    requests += batch * kBlocksPerRun;
    blocks += simulation.CommittedHeight(0);
    messages += simulation.report().messages - messages_before;
  }
  state.counters["request_time"] = benchmark::Counter(
      static_cast<double>(requests), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["block_time"] = benchmark::Counter(
      static_cast<double>(blocks), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["messages_per_block"] = benchmark::Counter(
      blocks == 0 ? 0 : static_cast<double>(messages) / static_cast<double>(blocks));
}

BENCHMARK(BM_CommitBlocks)
    ->ArgNames({"n", "batch"})
    ->ArgsProduct({{4, 7, 10, 13}, {1, 100, 1000}})
    ->Unit(benchmark::kMillisecond)
    ->MinTime(0.5);

}  // namespace
}  // namespace imledger::sim

BENCHMARK_MAIN();

// Throughput of the contracts engine on one core with LevelDB on disk: transactions validated
// and applied per second, without and with Ed25519 signature verification, next to the bare
// libsodium verify rate measured by the same program. The workload is the seeded random mix of
// the determinism test without deliberately broken envelopes: 10,000 transactions in blocks of
// 100, about a fifth accepted. Each iteration replays it from genesis into a fresh database and
// writes every block's batch unsynced, as the block store would apart from its fsync.

#include <filesystem>
#include <memory>
#include <string>

#include <benchmark/benchmark.h>
#include <leveldb/db.h>
#include <leveldb/write_batch.h>
#include <stdlib.h>

#include "contracts/engine.h"
#include "crypto/ed25519.h"
#include "tests/contracts/random_workload.h"
#include "tests/contracts/test_identities.h"

namespace imledger::contracts {
namespace {

const std::vector<std::vector<Bytes>>& Workload() {
  static const std::vector<std::vector<Bytes>> blocks =
      testing::MakeRandomWorkload({7, 10'000, 100, /*include_invalid_envelopes=*/false});
  return blocks;
}

size_t TransactionCount() {
  size_t count = 0;
  for (const std::vector<Bytes>& block : Workload()) {
    count += block.size();
  }
  return count;
}

std::filesystem::path MakeTempDirectory() {
  std::string pattern = std::filesystem::temp_directory_path() / "imledger-bench-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    return {};
  }
  return pattern;
}

void BM_Ed25519Verify(benchmark::State& state) {
  crypto::SecretKey key = testing::KeyNamed("bench");
  Bytes message(200, 0x5a);
  crypto::Signature signature = key.Sign(message);
  for (auto _ : state) {
    benchmark::DoNotOptimize(crypto::Verify(key.public_key(), message, signature));
  }
  state.SetItemsProcessed(state.iterations());
}

void ExecuteWorkload(benchmark::State& state, SignatureCheck signature_check) {
  const std::vector<std::vector<Bytes>>& blocks = Workload();
  size_t accepted = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::filesystem::path directory = MakeTempDirectory();
    leveldb::Options options;
    options.create_if_missing = true;
    leveldb::DB* raw_db = nullptr;
    if (directory.empty() || !leveldb::DB::Open(options, directory.string(), &raw_db).ok()) {
      state.SkipWithError("cannot create a LevelDB database in the temporary directory");
      return;
    }
    std::unique_ptr<leveldb::DB> db(raw_db);
    Engine engine(db.get());
    leveldb::WriteBatch genesis;
    if (!engine.ApplyGenesis(testing::TestGenesis(), genesis).ok() ||
        !db->Write(leveldb::WriteOptions(), &genesis).ok()) {
      state.SkipWithError("applying or writing the test genesis failed");
      return;
    }
    accepted = 0;
    state.ResumeTiming();

    for (size_t i = 0; i < blocks.size(); ++i) {
      leveldb::WriteBatch batch;
      Result<BlockExecution> execution = engine.ExecuteBlock(
          i + 1, testing::kGenesisTimeMs + 1000 * (i + 1), blocks[i], batch, signature_check);
      if (!execution.ok() || !db->Write(leveldb::WriteOptions(), &batch).ok()) {
        state.SkipWithError(
            ("block " + std::to_string(i + 1) + " failed to execute or write").c_str());
        return;
      }
      for (const TransactionResult& result : execution->results) {
        accepted += result.code == RejectCode::kAccepted ? 1 : 0;
      }
    }

    state.PauseTiming();
    db.reset();
    std::filesystem::remove_all(directory);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * TransactionCount());
  state.counters["accepted_fraction"] =
      static_cast<double>(accepted) / static_cast<double>(TransactionCount());
}

void BM_ExecuteWithoutSignatureChecks(benchmark::State& state) {
  ExecuteWorkload(state, SignatureCheck::kAlreadyVerified);
}

void BM_ExecuteWithSignatureChecks(benchmark::State& state) {
  ExecuteWorkload(state, SignatureCheck::kVerify);
}

BENCHMARK(BM_Ed25519Verify);
BENCHMARK(BM_ExecuteWithoutSignatureChecks)->Unit(benchmark::kMillisecond)->Iterations(5);
BENCHMARK(BM_ExecuteWithSignatureChecks)->Unit(benchmark::kMillisecond)->Iterations(5);

}  // namespace
}  // namespace imledger::contracts

BENCHMARK_MAIN();

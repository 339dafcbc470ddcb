// The LevelDB Merkle log: append rate in batches of 1,000 leaves, and inclusion and consistency
// proof generation and verification at 1M and 10M leaves. One random LevelDB read is measured
// in the same run as the unit the proof costs are compared with.
//
// The large logs are built once under $TMPDIR (imledger-bench-log-N) and reused by later runs;
// building the 10M-leaf log takes a few minutes.

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <random>

#include <benchmark/benchmark.h>
#include <leveldb/cache.h>
#include <leveldb/db.h>

#include "ledger/merkle_log.h"

namespace imledger::ledger {
namespace {

constexpr size_t kLeafBytes = 128;  // About one small transaction with its result.

Bytes LeafData(uint64_t index) {
  Bytes leaf(kLeafBytes, 0);
  for (size_t i = 0; i < 8; ++i) {
    leaf[i] = static_cast<uint8_t>(index >> (8 * i));
  }
  return leaf;
}

struct OpenLog {
  std::unique_ptr<leveldb::Cache> cache;
  std::unique_ptr<leveldb::DB> db;
  std::unique_ptr<MerkleLog> log;
};

std::unique_ptr<OpenLog> Open(const std::string& path) {
  auto open = std::make_unique<OpenLog>();
  open->cache.reset(leveldb::NewLRUCache(64u << 20));
  leveldb::Options options;
  options.create_if_missing = true;
  options.block_cache = open->cache.get();
  options.write_buffer_size = 64u << 20;
  leveldb::DB* raw = nullptr;
  if (!leveldb::DB::Open(options, path, &raw).ok()) {
    std::fprintf(stderr, "cannot open %s\n", path.c_str());
    std::exit(1);
  }
  open->db.reset(raw);
  open->log = std::make_unique<MerkleLog>(MerkleLog::Open(raw).value());
  return open;
}

// The shared log of `size` leaves, built on first use.
MerkleLog& LogOfSize(uint64_t size) {
  static std::map<uint64_t, std::unique_ptr<OpenLog>> logs;
  auto& slot = logs[size];
  if (slot) {
    return *slot->log;
  }
  const char* tmp = std::getenv("TMPDIR");
  std::string path =
      std::string(tmp ? tmp : "/tmp") + "/imledger-bench-log-" + std::to_string(size);
  slot = Open(path);
  MerkleLog& log = *slot->log;
  if (log.size() != 0 && log.size() != size) {
    std::fprintf(stderr, "%s holds %llu leaves, expected %llu; delete it\n", path.c_str(),
                 static_cast<unsigned long long>(log.size()),
                 static_cast<unsigned long long>(size));
    std::exit(1);
  }
  while (log.size() < size) {
    std::vector<Bytes> batch;
    for (uint64_t i = log.size(); i < size && batch.size() < 10000; ++i) {
      batch.push_back(LeafData(i));
    }
    leveldb::WriteBatch write;
    MerkleLog::PendingAppend pending = log.StageAppend(batch, write);
    if (!slot->db->Write(leveldb::WriteOptions(), &write).ok()) {
      std::exit(1);
    }
    log.Commit(std::move(pending));
  }
  return log;
}

void BM_AppendBatchOf1000(benchmark::State& state) {
  std::string path = std::filesystem::temp_directory_path() / "imledger-bench-append";
  std::filesystem::remove_all(path);
  auto open = Open(path);
  bool sync = state.range(0) == 1;
  std::vector<Bytes> batch;
  uint64_t next = 0;
  for (auto _ : state) {
    batch.clear();
    for (int i = 0; i < 1000; ++i) {
      batch.push_back(LeafData(next++));
    }
    leveldb::WriteBatch write;
    MerkleLog::PendingAppend pending = open->log->StageAppend(batch, write);
    leveldb::WriteOptions options;
    options.sync = sync;
    if (!open->db->Write(options, &write).ok()) {
      state.SkipWithError("write failed");
    }
    open->log->Commit(std::move(pending));
  }
  state.SetItemsProcessed(state.iterations() * 1000);
  state.SetLabel(sync ? "synced write per batch" : "unsynced");
  open.reset();
  std::filesystem::remove_all(path);
}

BENCHMARK(BM_AppendBatchOf1000)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_RandomNodeRead(benchmark::State& state) {
  MerkleLog& log = LogOfSize(static_cast<uint64_t>(state.range(0)));
  std::mt19937_64 random(1);
  for (auto _ : state) {
    benchmark::DoNotOptimize(log.ReadPerfectSubtree(0, random() % log.size()));
  }
}

BENCHMARK(BM_RandomNodeRead)->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kMicrosecond);

void BM_InclusionProofGenerate(benchmark::State& state) {
  MerkleLog& log = LogOfSize(static_cast<uint64_t>(state.range(0)));
  std::mt19937_64 random(2);
  for (auto _ : state) {
    benchmark::DoNotOptimize(log.InclusionProof(random() % log.size(), log.size()));
  }
}

BENCHMARK(BM_InclusionProofGenerate)
    ->Arg(1'000'000)
    ->Arg(10'000'000)
    ->Unit(benchmark::kMicrosecond);

void BM_InclusionProofVerify(benchmark::State& state) {
  MerkleLog& log = LogOfSize(static_cast<uint64_t>(state.range(0)));
  uint64_t index = log.size() / 3;
  std::vector<crypto::Digest> proof = log.InclusionProof(index, log.size()).value();
  crypto::Digest leaf = crypto::MerkleLeafHash(LeafData(index));
  crypto::Digest root = log.Root();
  for (auto _ : state) {
    benchmark::DoNotOptimize(crypto::VerifyMerkleInclusion(leaf, index, log.size(), proof, root));
  }
}

BENCHMARK(BM_InclusionProofVerify)->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kMicrosecond);

void BM_ConsistencyProofGenerate(benchmark::State& state) {
  MerkleLog& log = LogOfSize(static_cast<uint64_t>(state.range(0)));
  std::mt19937_64 random(3);
  for (auto _ : state) {
    benchmark::DoNotOptimize(log.ConsistencyProof(1 + random() % (log.size() - 1), log.size()));
  }
}

BENCHMARK(BM_ConsistencyProofGenerate)
    ->Arg(1'000'000)
    ->Arg(10'000'000)
    ->Unit(benchmark::kMicrosecond);

void BM_ConsistencyProofVerify(benchmark::State& state) {
  MerkleLog& log = LogOfSize(static_cast<uint64_t>(state.range(0)));
  uint64_t size1 = log.size() / 3 + 7;
  std::vector<crypto::Digest> proof = log.ConsistencyProof(size1, log.size()).value();
  crypto::Digest root1 = log.RootAt(size1).value();
  crypto::Digest root2 = log.Root();
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        crypto::VerifyMerkleConsistency(size1, log.size(), proof, root1, root2));
  }
}

BENCHMARK(BM_ConsistencyProofVerify)
    ->Arg(1'000'000)
    ->Arg(10'000'000)
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace imledger::ledger

BENCHMARK_MAIN();

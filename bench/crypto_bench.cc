// Ed25519 and SHA-256 through our wrappers, each beside the bare library call it wraps, so the
// wrapper's overhead reads as a ratio within one run.

#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <sodium.h>

#include "crypto/ed25519.h"
#include "crypto/sha256.h"

namespace imledger::crypto {
namespace {

// A transaction-sized message.
const Bytes kMessage(256, 0x5a);

void BM_Ed25519SignOurs(benchmark::State& state) {
  SecretKey key = SecretKey::FromSeed(Bytes(32, 1)).value();
  for (auto _ : state) {
    benchmark::DoNotOptimize(key.Sign(kMessage));
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_Ed25519SignOurs);

void BM_Ed25519SignLibsodium(benchmark::State& state) {
  EnsureSodium();
  unsigned char public_key[crypto_sign_PUBLICKEYBYTES];
  unsigned char secret_key[crypto_sign_SECRETKEYBYTES];
  Bytes seed(32, 1);
  crypto_sign_seed_keypair(public_key, secret_key, seed.data());
  unsigned char signature[crypto_sign_BYTES];
  for (auto _ : state) {
    crypto_sign_detached(signature, nullptr, kMessage.data(), kMessage.size(), secret_key);
    benchmark::DoNotOptimize(signature);
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_Ed25519SignLibsodium);

void BM_Ed25519VerifyOurs(benchmark::State& state) {
  SecretKey key = SecretKey::FromSeed(Bytes(32, 1)).value();
  Signature signature = key.Sign(kMessage);
  for (auto _ : state) {
    benchmark::DoNotOptimize(Verify(key.public_key(), kMessage, signature));
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_Ed25519VerifyOurs);

void BM_Ed25519VerifyLibsodium(benchmark::State& state) {
  EnsureSodium();
  unsigned char public_key[crypto_sign_PUBLICKEYBYTES];
  unsigned char secret_key[crypto_sign_SECRETKEYBYTES];
  Bytes seed(32, 1);
  crypto_sign_seed_keypair(public_key, secret_key, seed.data());
  unsigned char signature[crypto_sign_BYTES];
  crypto_sign_detached(signature, nullptr, kMessage.data(), kMessage.size(), secret_key);
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        crypto_sign_verify_detached(signature, kMessage.data(), kMessage.size(), public_key));
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_Ed25519VerifyLibsodium);

void BM_Sha256Ours(benchmark::State& state) {
  Bytes data(static_cast<size_t>(state.range(0)), 0x33);
  for (auto _ : state) {
    benchmark::DoNotOptimize(Sha256Of(data));
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}

BENCHMARK(BM_Sha256Ours)->Arg(64)->Arg(1 << 20);

void BM_Sha256OpenSslEvp(benchmark::State& state) {
  Bytes data(static_cast<size_t>(state.range(0)), 0x33);
  unsigned char digest[32];
  for (auto _ : state) {
    EVP_Digest(data.data(), data.size(), digest, nullptr, EVP_sha256(), nullptr);
    benchmark::DoNotOptimize(digest);
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}

BENCHMARK(BM_Sha256OpenSslEvp)->Arg(64)->Arg(1 << 20);

void BM_Sha256Libsodium(benchmark::State& state) {
  Bytes data(static_cast<size_t>(state.range(0)), 0x33);
  unsigned char digest[crypto_hash_sha256_BYTES];
  for (auto _ : state) {
    crypto_hash_sha256(digest, data.data(), data.size());
    benchmark::DoNotOptimize(digest);
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}

BENCHMARK(BM_Sha256Libsodium)->Arg(1 << 20);

}  // namespace
}  // namespace imledger::crypto

BENCHMARK_MAIN();

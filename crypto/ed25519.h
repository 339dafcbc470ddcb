// Ed25519 signatures (RFC 8032) through libsodium.
//
// Every replica and every auditor verifies with the same libsodium call, so none of them accepts
// a signature that another rejects (implementations differ on non-canonical encodings and
// small-order points). PublicKey, Signature and SecretKey are distinct types so that one can
// never be passed where another is expected. SecretKey wipes its bytes on destruction.
// All functions are thread-safe.

#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/status.h"

namespace imledger::crypto {

// Initializes libsodium once; every entry point here calls it, other modules may too.
void EnsureSodium();

struct PublicKey {
  static constexpr size_t kSize = 32;

  std::array<uint8_t, kSize> bytes{};

  ByteView view() const { return bytes; }

  std::string ToHex() const;

  static Result<PublicKey> FromBytes(ByteView bytes, std::string_view what = "public key");

  static Result<PublicKey> FromHex(std::string_view hex, std::string_view what = "public key");

  auto operator<=>(const PublicKey&) const = default;
};

std::ostream& operator<<(std::ostream& out, const PublicKey& key);

struct Signature {
  static constexpr size_t kSize = 64;

  std::array<uint8_t, kSize> bytes{};

  ByteView view() const { return bytes; }

  std::string ToHex() const;

  static Result<Signature> FromBytes(ByteView bytes, std::string_view what = "signature");

  static Result<Signature> FromHex(std::string_view hex, std::string_view what = "signature");

  auto operator<=>(const Signature&) const = default;
};

// A 32-byte RFC 8032 seed and the libsodium secret key expanded from it. Movable, not copyable.
class SecretKey {
 public:
  static constexpr size_t kSeedSize = 32;

  // A fresh key from libsodium's random source. Never called by consensus or contracts.
  static SecretKey Generate();

  static Result<SecretKey> FromSeed(ByteView seed);

  ~SecretKey();
  SecretKey(const SecretKey&) = delete;
  SecretKey& operator=(const SecretKey&) = delete;
  SecretKey(SecretKey&& other) noexcept;
  SecretKey& operator=(SecretKey&& other) noexcept;

  const PublicKey& public_key() const { return public_key_; }

  // The seed, for writing a key file. The view is valid while this SecretKey lives.
  ByteView seed() const { return ByteView(expanded_.data(), kSeedSize); }

  Signature Sign(ByteView message) const;

 private:
  SecretKey() = default;
  void Wipe();

  std::array<uint8_t, 64> expanded_{};  // seed || public key, as libsodium lays it out.
  PublicKey public_key_;
};

[[nodiscard]] bool Verify(const PublicKey& key, ByteView message, const Signature& signature);

}  // namespace imledger::crypto

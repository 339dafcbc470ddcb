#include "crypto/ed25519.h"

#include <algorithm>

#include <sodium.h>

#include "base/check.h"
#include "crypto/encoding.h"

namespace imledger::crypto {

static_assert(PublicKey::kSize == crypto_sign_PUBLICKEYBYTES);
static_assert(Signature::kSize == crypto_sign_BYTES);
static_assert(SecretKey::kSeedSize == crypto_sign_SEEDBYTES);

void EnsureSodium() {
  static const bool initialized = [] { return sodium_init() >= 0; }();
  Check(initialized, "sodium_init failed");
}

namespace {

template <typename Fixed>
Result<Fixed> FixedFromBytes(ByteView bytes, std::string_view what) {
  if (bytes.size() != Fixed::kSize) {
    return Status::InvalidArgument(std::string(what) + " must be " + std::to_string(Fixed::kSize) +
                                   " bytes, got " + std::to_string(bytes.size()));
  }
  Fixed fixed;
  std::copy(bytes.begin(), bytes.end(), fixed.bytes.begin());
  return fixed;
}

template <typename Fixed>
Result<Fixed> FixedFromHex(std::string_view hex, std::string_view what) {
  Result<Bytes> bytes = HexDecode(hex, what);
  if (!bytes.ok()) {
    return bytes.status();
  }
  return FixedFromBytes<Fixed>(*bytes, what);
}

}  // namespace

std::string PublicKey::ToHex() const {
  return HexEncode(bytes);
}

Result<PublicKey> PublicKey::FromBytes(ByteView bytes, std::string_view what) {
  return FixedFromBytes<PublicKey>(bytes, what);
}

Result<PublicKey> PublicKey::FromHex(std::string_view hex, std::string_view what) {
  return FixedFromHex<PublicKey>(hex, what);
}

std::ostream& operator<<(std::ostream& out, const PublicKey& key) {
  return out << key.ToHex();
}

std::string Signature::ToHex() const {
  return HexEncode(bytes);
}

Result<Signature> Signature::FromBytes(ByteView bytes, std::string_view what) {
  return FixedFromBytes<Signature>(bytes, what);
}

Result<Signature> Signature::FromHex(std::string_view hex, std::string_view what) {
  return FixedFromHex<Signature>(hex, what);
}

SecretKey SecretKey::Generate() {
  EnsureSodium();
  std::array<uint8_t, kSeedSize> seed;
  randombytes_buf(seed.data(), seed.size());
  Result<SecretKey> key = FromSeed(seed);
  sodium_memzero(seed.data(), seed.size());
  return std::move(key).value();
}

Result<SecretKey> SecretKey::FromSeed(ByteView seed) {
  EnsureSodium();
  if (seed.size() != kSeedSize) {
    return Status::InvalidArgument("Ed25519 seed must be 32 bytes, got " +
                                   std::to_string(seed.size()));
  }
  SecretKey key;
  Check(crypto_sign_seed_keypair(key.public_key_.bytes.data(), key.expanded_.data(), seed.data()) ==
            0,
        "crypto_sign_seed_keypair failed");
  return key;
}

SecretKey::~SecretKey() {
  Wipe();
}

SecretKey::SecretKey(SecretKey&& other) noexcept
    : expanded_(other.expanded_), public_key_(other.public_key_) {
  other.Wipe();
}

SecretKey& SecretKey::operator=(SecretKey&& other) noexcept {
  if (this != &other) {
    expanded_ = other.expanded_;
    public_key_ = other.public_key_;
    other.Wipe();
  }
  return *this;
}

void SecretKey::Wipe() {
  sodium_memzero(expanded_.data(), expanded_.size());
}

Signature SecretKey::Sign(ByteView message) const {
  Signature signature;
  Check(crypto_sign_detached(signature.bytes.data(), nullptr, message.data(), message.size(),
                             expanded_.data()) == 0,
        "crypto_sign_detached failed");
  return signature;
}

bool Verify(const PublicKey& key, ByteView message, const Signature& signature) {
  EnsureSodium();
  return crypto_sign_verify_detached(signature.bytes.data(), message.data(), message.size(),
                                     key.bytes.data()) == 0;
}

}  // namespace imledger::crypto

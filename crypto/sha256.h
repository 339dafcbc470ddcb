// SHA-256 (FIPS 180-4) through OpenSSL libcrypto, which uses the CPU's SHA extensions.
//
// Digest is a 32-byte value type. Sha256 is the incremental hasher; one instance must not be
// used from two threads at once, but separate instances are independent.

#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <ostream>
#include <string>

#include "base/bytes.h"

struct evp_md_ctx_st;

namespace imledger::crypto {

struct Digest {
  static constexpr size_t kSize = 32;

  std::array<uint8_t, kSize> bytes{};

  ByteView view() const { return bytes; }

  std::string ToHex() const;

  auto operator<=>(const Digest&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Digest& digest);

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  Sha256(Sha256&& other) noexcept;
  Sha256& operator=(Sha256&& other) noexcept;

  void Update(ByteView data);

  void Update(std::string_view text) { Update(AsBytes(text)); }

  void UpdateByte(uint8_t byte) { Update(ByteView(&byte, 1)); }

  // Returns the digest of everything passed to Update and resets the hasher for reuse.
  Digest Finish();

 private:
  evp_md_ctx_st* context_;  // Owned; freed in the destructor.
};

Digest Sha256Of(ByteView data);

inline Digest Sha256Of(std::string_view text) {
  return Sha256Of(AsBytes(text));
}

}  // namespace imledger::crypto

// Fuzzes the gateway's token checks with untrusted bytes as a bearer token: PASETO parsing,
// the claims JSON and the RFC 3339 times. Any input must verify or fail with a Status, and a
// token that verifies must carry the audience it was checked against.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/check.h"
#include "crypto/paseto.h"
#include "gateway/token.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  constexpr uint64_t kNowMs = 1'796'400'000'000;
  imledger::Result<imledger::gateway::AccessClaims> claims =
      imledger::gateway::VerifyAccessToken(text, "gateway-a", kNowMs, 3'600'000);
  if (claims.ok()) {
    imledger::Check(claims->audience == "gateway-a", "a verified token has the audience");
    imledger::Check(claims->expires_at_ms > kNowMs, "a verified token has not expired");
  }
  imledger::Result<imledger::crypto::PasetoV4PublicParts> parts =
      imledger::crypto::ParsePasetoV4Public(text);
  if (parts.ok()) {
    imledger::Check(text.starts_with(imledger::crypto::kPasetoV4PublicHeader),
                    "a parsed token has the v4.public header");
  }
  imledger::Result<uint64_t> time_ms = imledger::gateway::ParseRfc3339(text);
  (void)time_ms;  // Only that parsing returns is checked.
  return 0;
}

// PASETO v4.public tokens: Ed25519 signatures over the pre-authentication encoding (PAE).
//
// A token is "v4.public." || base64url(message || signature), followed by "." ||
// base64url(footer) when the footer is not empty. The signature covers
// PAE("v4.public.", message, footer, implicit assertion), so neither the footer nor the implicit
// assertion can be changed without invalidating it. The format follows the PASETO v4
// specification (paseto-standard, docs/01-Protocol-Versions/Version4.md) and is checked against
// its official test vectors. Parsing never throws: a malformed token is an InvalidArgument
// status. Pure functions; thread-safe.

#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/ed25519.h"

namespace imledger::crypto {

inline constexpr std::string_view kPasetoV4PublicHeader = "v4.public.";

// PAE(pieces): the piece count, then each piece's length and bytes, every count a 64-bit
// little-endian integer with its top bit cleared.
Bytes PreAuthEncode(const std::vector<ByteView>& pieces);

// Signs `message` into a v4.public token.
std::string SignPasetoV4Public(const SecretKey& key, std::string_view message,
                               std::string_view footer = {},
                               std::string_view implicit_assertion = {});

// A v4.public token split into its parts, before its signature is checked.
struct PasetoV4PublicParts {
  std::string message;
  Signature signature;
  std::string footer;
};

// Splits a token without checking its signature, so a caller can read a claim that names the
// signing key. Nothing in the result may be trusted before VerifyPasetoV4Public succeeds.
Result<PasetoV4PublicParts> ParsePasetoV4Public(std::string_view token);

// Checks the signature of `parts` under `key`; Unauthenticated when it does not verify.
Status VerifyPasetoV4Public(const PasetoV4PublicParts& parts, const PublicKey& key,
                            std::string_view implicit_assertion = {});

}  // namespace imledger::crypto

// Hex and base64 text encodings of byte strings.
//
// Decoders are strict: they accept only the canonical form that the matching encoder writes
// (lowercase or uppercase hex of even length; base64 with exact padding for the standard
// alphabet, without padding for the URL-safe one, and zero trailing bits), so one byte string
// has one text form on the ledger and in signatures.

#pragma once

#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/status.h"

namespace imledger::crypto {

std::string HexEncode(ByteView bytes);

// Decodes hex; `what` names the value in the error message ("leaf_hash", "--key").
Result<Bytes> HexDecode(std::string_view text, std::string_view what = "hex value");

// RFC 4648 section 4 alphabet, with '=' padding.
std::string Base64Encode(ByteView bytes);

Result<Bytes> Base64Decode(std::string_view text, std::string_view what = "base64 value");

// RFC 4648 section 5 alphabet ('-' and '_'), without padding, as PASETO and JOSE use it.
std::string Base64UrlEncode(ByteView bytes);

Result<Bytes> Base64UrlDecode(std::string_view text, std::string_view what = "base64url value");

}  // namespace imledger::crypto

#include "crypto/encoding.h"

#include <sodium.h>

namespace imledger::crypto {

namespace {

std::string EncodeBase64(ByteView bytes, int variant) {
  std::string text(sodium_base64_encoded_len(bytes.size(), variant), '\0');
  sodium_bin2base64(text.data(), text.size(), bytes.data(), bytes.size(), variant);
  text.resize(text.size() - 1);  // The encoded length counts the terminating NUL.
  return text;
}

Result<Bytes> DecodeBase64(std::string_view text, std::string_view what, int variant) {
  Bytes bytes(text.size() / 4 * 3 + 3);
  size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(bytes.data(), bytes.size(), text.data(), text.size(), nullptr, &length,
                        &end, variant) != 0 ||
      end != text.data() + text.size()) {
    return Status::InvalidArgument(std::string(what) + " is not valid base64: \"" +
                                   std::string(text.substr(0, 64)) + "\"");
  }
  bytes.resize(length);

  // libsodium tolerates non-zero bits after the last full byte; the canonical form does not.
  if (EncodeBase64(bytes, variant) != text) {
    return Status::InvalidArgument(std::string(what) +
                                   " is not canonical base64 (non-zero trailing bits or padding)");
  }
  return bytes;
}

}  // namespace

std::string HexEncode(ByteView bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  text.reserve(bytes.size() * 2);
  for (uint8_t byte : bytes) {
    text.push_back(kDigits[byte >> 4]);
    text.push_back(kDigits[byte & 0x0f]);
  }
  return text;
}

Result<Bytes> HexDecode(std::string_view text, std::string_view what) {
  if (text.size() % 2 != 0) {
    return Status::InvalidArgument(std::string(what) + " has an odd number of hex digits (" +
                                   std::to_string(text.size()) + ")");
  }
  if (text.empty()) {
    return Bytes();  // libsodium must not see the null data() of an empty vector.
  }
  Bytes bytes(text.size() / 2);
  size_t length = 0;
  const char* end = nullptr;
  if (sodium_hex2bin(bytes.data(), bytes.size(), text.data(), text.size(), nullptr, &length,
                     &end) != 0 ||
      end != text.data() + text.size() || length != bytes.size()) {
    return Status::InvalidArgument(std::string(what) + " is not valid hex: \"" +
                                   std::string(text.substr(0, 64)) + "\"");
  }
  return bytes;
}

std::string Base64Encode(ByteView bytes) {
  return EncodeBase64(bytes, sodium_base64_VARIANT_ORIGINAL);
}

Result<Bytes> Base64Decode(std::string_view text, std::string_view what) {
  return DecodeBase64(text, what, sodium_base64_VARIANT_ORIGINAL);
}

std::string Base64UrlEncode(ByteView bytes) {
  return EncodeBase64(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

Result<Bytes> Base64UrlDecode(std::string_view text, std::string_view what) {
  return DecodeBase64(text, what, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

}  // namespace imledger::crypto

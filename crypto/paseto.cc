#include "crypto/paseto.h"

#include <cstdint>

#include "crypto/encoding.h"

namespace imledger::crypto {
namespace {

void AppendLittleEndian64(Bytes& out, uint64_t value) {
  value &= ~(uint64_t{1} << 63);
  for (int i = 0; i < 8; ++i) {
    out.push_back(static_cast<uint8_t>(value >> (8 * i)));
  }
}

Bytes SignedBytes(std::string_view message, std::string_view footer,
                  std::string_view implicit_assertion) {
  return PreAuthEncode({AsBytes(kPasetoV4PublicHeader), AsBytes(message), AsBytes(footer),
                        AsBytes(implicit_assertion)});
}

}  // namespace

Bytes PreAuthEncode(const std::vector<ByteView>& pieces) {
  Bytes out;
  AppendLittleEndian64(out, pieces.size());
  for (ByteView piece : pieces) {
    AppendLittleEndian64(out, piece.size());
    Append(out, piece);
  }
  return out;
}

std::string SignPasetoV4Public(const SecretKey& key, std::string_view message,
                               std::string_view footer, std::string_view implicit_assertion) {
  Signature signature = key.Sign(SignedBytes(message, footer, implicit_assertion));
  Bytes body = ToBytes(message);
  Append(body, signature.view());
  std::string token = std::string(kPasetoV4PublicHeader) + Base64UrlEncode(body);
  if (!footer.empty()) {
    token += "." + Base64UrlEncode(AsBytes(footer));
  }
  return token;
}

Result<PasetoV4PublicParts> ParsePasetoV4Public(std::string_view token) {
  if (!token.starts_with(kPasetoV4PublicHeader)) {
    return Status::InvalidArgument("token is not a PASETO v4.public token: it must start with \"" +
                                   std::string(kPasetoV4PublicHeader) + "\"");
  }
  std::string_view rest = token.substr(kPasetoV4PublicHeader.size());
  std::string_view encoded_body = rest;
  std::string_view encoded_footer;
  size_t dot = rest.find('.');
  if (dot != std::string_view::npos) {
    encoded_body = rest.substr(0, dot);
    encoded_footer = rest.substr(dot + 1);
    if (encoded_footer.empty() || encoded_footer.find('.') != std::string_view::npos) {
      return Status::InvalidArgument("token footer is empty or has more than one part");
    }
  }

  Result<Bytes> body = Base64UrlDecode(encoded_body, "token body");
  if (!body.ok()) {
    return body.status();
  }
  if (body->size() < Signature::kSize) {
    return Status::InvalidArgument("token body is " + std::to_string(body->size()) +
                                   " bytes, shorter than a 64-byte signature");
  }
  PasetoV4PublicParts parts;
  size_t message_size = body->size() - Signature::kSize;
  parts.message.assign(reinterpret_cast<const char*>(body->data()), message_size);
  parts.signature =
      Signature::FromBytes(ByteView(body->data() + message_size, Signature::kSize)).value();
  if (!encoded_footer.empty()) {
    Result<Bytes> footer = Base64UrlDecode(encoded_footer, "token footer");
    if (!footer.ok()) {
      return footer.status();
    }
    parts.footer.assign(AsChars(*footer));
  }
  return parts;
}

Status VerifyPasetoV4Public(const PasetoV4PublicParts& parts, const PublicKey& key,
                            std::string_view implicit_assertion) {
  Bytes signed_bytes = SignedBytes(parts.message, parts.footer, implicit_assertion);
  if (!Verify(key, signed_bytes, parts.signature)) {
    return Status::Unauthenticated("token signature does not verify under key " + key.ToHex());
  }
  return Status::Ok();
}

}  // namespace imledger::crypto

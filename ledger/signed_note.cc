// C2SP signed notes with Ed25519 keys: parsing, formatting, signing and verification.

#include "ledger/signed_note.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <set>
#include <utility>

#include "crypto/encoding.h"
#include "crypto/sha256.h"

namespace imledger::ledger {
namespace {

constexpr std::string_view kSignaturePrefix = "\xE2\x80\x94 ";  // U+2014 EM DASH, then a space.
constexpr std::string_view kSignerKeyPrefix = "PRIVATE+KEY+";
constexpr size_t kKeyIdSize = 4;

// Decodes the UTF-8 sequence at text[*position] and advances past it. Returns nullopt for an
// invalid sequence: truncated, overlong, a surrogate, or above U+10FFFF.
std::optional<char32_t> DecodeUtf8(std::string_view text, size_t* position) {
  auto byte = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
  size_t i = *position;
  uint8_t lead = byte(i);
  if (lead < 0x80) {
    *position = i + 1;
    return lead;
  }

  size_t length = 0;
  char32_t code_point = 0;
  char32_t minimum = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2, code_point = lead & 0x1F, minimum = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, code_point = lead & 0x0F, minimum = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, code_point = lead & 0x07, minimum = 0x10000;
  } else {
    return std::nullopt;
  }
  if (text.size() - i < length) {
    return std::nullopt;
  }

  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) {
      return std::nullopt;
    }
    code_point = (code_point << 6) | (byte(i + k) & 0x3F);
  }
  bool surrogate = code_point >= 0xD800 && code_point <= 0xDFFF;
  if (code_point < minimum || code_point > 0x10FFFF || surrogate) {
    return std::nullopt;
  }
  *position = i + length;
  return code_point;
}

// The Unicode White_Space characters, the set Go's unicode.IsSpace tests. Key names contain none.
bool IsUnicodeSpace(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

Bytes KeyWithAlgorithm(ByteView key) {
  Bytes out{kNoteEd25519Algorithm};
  Append(out, key);
  return out;
}

std::string KeyIdHex(uint32_t key_id) {
  uint8_t bytes[kKeyIdSize] = {static_cast<uint8_t>(key_id >> 24),
                               static_cast<uint8_t>(key_id >> 16),
                               static_cast<uint8_t>(key_id >> 8), static_cast<uint8_t>(key_id)};
  return crypto::HexEncode(bytes);
}

Result<uint32_t> ParseKeyIdHex(std::string_view text, std::string_view what) {
  if (text.size() != 2 * kKeyIdSize) {
    return Status::InvalidArgument(std::string(what) + " key ID \"" + std::string(text) +
                                   "\" is not 8 hex digits");
  }
  // Only lowercase, as key IDs are written, so one verifier key has one text form.
  if (text.find_first_of("ABCDEF") != std::string_view::npos) {
    return Status::InvalidArgument(std::string(what) + " key ID \"" + std::string(text) +
                                   "\" has uppercase hex digits; write them in lowercase");
  }
  Result<Bytes> bytes = crypto::HexDecode(text, std::string(what) + " key ID");
  if (!bytes.ok()) {
    return bytes.status();
  }
  const Bytes& b = bytes.value();
  return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
}

// Decodes base64(0x01 || 32 bytes), the key field of verifier and signer keys.
Result<Bytes> DecodeKeyField(std::string_view text, std::string_view what) {
  Result<Bytes> bytes = crypto::Base64Decode(text, what);
  if (!bytes.ok()) {
    return bytes.status();
  }
  Bytes& b = bytes.value();
  if (b.empty() || b[0] != kNoteEd25519Algorithm) {
    return Status::InvalidArgument(std::string(what) +
                                   " does not start with algorithm byte 0x01 (Ed25519)");
  }
  if (b.size() != 1 + crypto::PublicKey::kSize) {
    return Status::InvalidArgument(std::string(what) + " has " + std::to_string(b.size() - 1) +
                                   " key bytes; Ed25519 needs 32");
  }
  return Bytes(b.begin() + 1, b.end());
}

Result<NoteSignature> ParseSignatureLine(std::string_view line, size_t line_number) {
  std::string where = "signature line " + std::to_string(line_number);
  if (!line.starts_with(kSignaturePrefix)) {
    return Status::InvalidArgument(where + " does not start with an em dash (U+2014) and a space");
  }
  line.remove_prefix(kSignaturePrefix.size());

  size_t space = line.find(' ');
  if (space == std::string_view::npos) {
    return Status::InvalidArgument(where + " has no space between key name and signature");
  }
  std::string_view name = line.substr(0, space);
  std::string_view encoded = line.substr(space + 1);
  if (Status status = CheckNoteKeyName(name); !status.ok()) {
    return Status::InvalidArgument(where + ": " + status.message());
  }

  Result<Bytes> decoded = crypto::Base64Decode(encoded, where + " signature");
  if (!decoded.ok()) {
    return decoded.status();
  }
  const Bytes& bytes = decoded.value();
  if (bytes.size() <= kKeyIdSize) {
    return Status::InvalidArgument(where + " signature has " + std::to_string(bytes.size()) +
                                   " bytes; it needs a 4-byte key ID and a signature");
  }

  NoteSignature signature;
  signature.key_name = std::string(name);
  signature.key_id = (uint32_t{bytes[0]} << 24) | (uint32_t{bytes[1]} << 16) |
                     (uint32_t{bytes[2]} << 8) | bytes[3];
  signature.signature.assign(bytes.begin() + kKeyIdSize, bytes.end());
  return signature;
}

}  // namespace

Status CheckNoteKeyName(std::string_view name) {
  if (name.empty()) {
    return Status::InvalidArgument("key name is empty");
  }
  size_t position = 0;
  while (position < name.size()) {
    std::optional<char32_t> c = DecodeUtf8(name, &position);
    if (!c) {
      return Status::InvalidArgument("key name is not valid UTF-8");
    }
    if (IsUnicodeSpace(*c)) {
      return Status::InvalidArgument("key name \"" + std::string(name) + "\" contains white space");
    }
    if (*c == '+') {
      return Status::InvalidArgument("key name \"" + std::string(name) + "\" contains '+'");
    }
  }
  return Status::Ok();
}

uint32_t NoteKeyId(std::string_view key_name, const crypto::PublicKey& public_key) {
  crypto::Sha256 hasher;
  hasher.Update(key_name);
  hasher.UpdateByte('\n');
  hasher.UpdateByte(kNoteEd25519Algorithm);
  hasher.Update(public_key.view());
  crypto::Digest digest = hasher.Finish();
  const auto& b = digest.bytes;
  return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
}

Result<NoteVerifier> MakeNoteVerifier(std::string_view key_name,
                                      const crypto::PublicKey& public_key) {
  if (Status status = CheckNoteKeyName(key_name); !status.ok()) {
    return status;
  }
  return NoteVerifier{std::string(key_name), NoteKeyId(key_name, public_key), public_key};
}

std::string FormatVerifierKey(const NoteVerifier& verifier) {
  return verifier.key_name + "+" + KeyIdHex(verifier.key_id) + "+" +
         crypto::Base64Encode(KeyWithAlgorithm(verifier.public_key.view()));
}

Result<NoteVerifier> ParseVerifierKey(std::string_view text) {
  // Split at the first two '+' only, because base64 may itself contain '+'.
  size_t first = text.find('+');
  size_t second = first == std::string_view::npos ? first : text.find('+', first + 1);
  if (second == std::string_view::npos) {
    return Status::InvalidArgument("verifier key is not <name>+<key ID>+<key>");
  }
  std::string_view name = text.substr(0, first);
  if (Status status = CheckNoteKeyName(name); !status.ok()) {
    return Status::InvalidArgument("verifier key: " + status.message());
  }
  Result<uint32_t> key_id = ParseKeyIdHex(text.substr(first + 1, second - first - 1), "verifier");
  if (!key_id.ok()) {
    return key_id.status();
  }
  Result<Bytes> key_bytes = DecodeKeyField(text.substr(second + 1), "verifier public key");
  if (!key_bytes.ok()) {
    return key_bytes.status();
  }
  Result<crypto::PublicKey> public_key = crypto::PublicKey::FromBytes(key_bytes.value());
  if (!public_key.ok()) {
    return public_key.status();
  }

  NoteVerifier verifier{std::string(name), key_id.value(), public_key.value()};
  if (NoteKeyId(name, verifier.public_key) != verifier.key_id) {
    return Status::InvalidArgument("verifier key ID " + KeyIdHex(verifier.key_id) +
                                   " does not match name \"" + verifier.key_name +
                                   "\" and its public key");
  }
  return verifier;
}

Result<NoteSigner> ParseSignerKey(std::string_view text) {
  if (!text.starts_with(kSignerKeyPrefix)) {
    return Status::InvalidArgument("signer key does not start with PRIVATE+KEY+");
  }
  text.remove_prefix(kSignerKeyPrefix.size());
  size_t first = text.find('+');
  size_t second = first == std::string_view::npos ? first : text.find('+', first + 1);
  if (second == std::string_view::npos) {
    return Status::InvalidArgument("signer key is not PRIVATE+KEY+<name>+<key ID>+<key>");
  }
  std::string_view name = text.substr(0, first);
  if (Status status = CheckNoteKeyName(name); !status.ok()) {
    return Status::InvalidArgument("signer key: " + status.message());
  }

  Result<uint32_t> key_id = ParseKeyIdHex(text.substr(first + 1, second - first - 1), "signer");
  if (!key_id.ok()) {
    return key_id.status();
  }
  Result<Bytes> seed = DecodeKeyField(text.substr(second + 1), "signer seed");
  if (!seed.ok()) {
    return seed.status();
  }

  Result<crypto::SecretKey> secret_key = crypto::SecretKey::FromSeed(seed.value());
  if (!secret_key.ok()) {
    return secret_key.status();
  }
  if (NoteKeyId(name, secret_key.value().public_key()) != key_id.value()) {
    return Status::InvalidArgument("signer key ID " + KeyIdHex(key_id.value()) +
                                   " does not match name \"" + std::string(name) +
                                   "\" and its key");
  }
  return NoteSigner{std::string(name), std::move(secret_key).value()};
}

Status CheckNoteText(std::string_view text) {
  if (text.empty() || text.back() != '\n') {
    return Status::InvalidArgument("note text is empty or does not end with a newline");
  }
  size_t position = 0;
  while (position < text.size()) {
    size_t start = position;
    std::optional<char32_t> c = DecodeUtf8(text, &position);
    if (!c) {
      return Status::InvalidArgument("note has invalid UTF-8 at byte " + std::to_string(start));
    }
    if (*c < 0x20 && *c != '\n') {
      return Status::InvalidArgument("note has control character " + std::to_string(*c) +
                                     " at byte " + std::to_string(start));
    }
  }
  return Status::Ok();
}

Result<SignedNote> ParseSignedNote(std::string_view message) {
  if (Status status = CheckNoteText(message); !status.ok()) {
    return status;
  }
  size_t split = message.rfind("\n\n");
  if (split == std::string_view::npos) {
    return Status::InvalidArgument("note has no blank line before its signatures");
  }

  SignedNote note;
  note.text = std::string(message.substr(0, split + 1));
  std::string_view lines = message.substr(split + 2);
  if (lines.empty()) {
    return Status::InvalidArgument("note has no signature lines after its last blank line");
  }
  while (!lines.empty()) {
    // CheckNoteText guarantees the message, and so `lines`, ends with a newline.
    size_t end = lines.find('\n');
    if (note.signatures.size() == kMaxNoteSignatures) {
      return Status::InvalidArgument("note has more than " + std::to_string(kMaxNoteSignatures) +
                                     " signature lines");
    }
    Result<NoteSignature> signature =
        ParseSignatureLine(lines.substr(0, end), note.signatures.size() + 1);
    if (!signature.ok()) {
      return signature.status();
    }
    note.signatures.push_back(std::move(signature).value());
    lines.remove_prefix(end + 1);
  }
  return note;
}

std::string FormatSignedNote(const SignedNote& note) {
  std::string out = note.text + "\n";
  for (const NoteSignature& signature : note.signatures) {
    Bytes field = {
        static_cast<uint8_t>(signature.key_id >> 24), static_cast<uint8_t>(signature.key_id >> 16),
        static_cast<uint8_t>(signature.key_id >> 8), static_cast<uint8_t>(signature.key_id)};
    Append(field, signature.signature);
    out += std::string(kSignaturePrefix) + signature.key_name + " " + crypto::Base64Encode(field) +
           "\n";
  }
  return out;
}

Result<NoteSignature> SignNote(std::string_view text, std::string_view key_name,
                               const crypto::SecretKey& secret_key) {
  if (Status status = CheckNoteText(text); !status.ok()) {
    return status;
  }
  Result<NoteVerifier> verifier = MakeNoteVerifier(key_name, secret_key.public_key());
  if (!verifier.ok()) {
    return verifier.status();
  }
  crypto::Signature signature = secret_key.Sign(AsBytes(text));
  return NoteSignature{std::string(key_name), verifier.value().key_id,
                       Bytes(signature.bytes.begin(), signature.bytes.end())};
}

Result<NoteVerification> VerifySignedNote(const SignedNote& note,
                                          std::span<const NoteVerifier> verifiers) {
  std::set<std::pair<std::string_view, uint32_t>> configured;
  for (const NoteVerifier& verifier : verifiers) {
    if (!configured.emplace(verifier.key_name, verifier.key_id).second) {
      return Status::InvalidArgument("two verifier keys share name \"" + verifier.key_name +
                                     "\" and key ID " + KeyIdHex(verifier.key_id));
    }
  }

  NoteVerification verification;
  std::set<size_t> seen;  // Indexes into `verifiers`.
  for (const NoteSignature& line : note.signatures) {
    auto match = std::find_if(verifiers.begin(), verifiers.end(), [&](const NoteVerifier& v) {
      return v.key_name == line.key_name && v.key_id == line.key_id;
    });
    if (match == verifiers.end()) {
      continue;
    }
    size_t index = static_cast<size_t>(match - verifiers.begin());
    if (seen.contains(index)) {
      continue;
    }
    Result<crypto::Signature> signature = crypto::Signature::FromBytes(line.signature);
    if (!signature.ok() || !crypto::Verify(match->public_key, AsBytes(note.text), *signature)) {
      return Status::Unauthenticated("signature by " + match->key_name + "+" +
                                     KeyIdHex(match->key_id) + " does not verify");
    }
    seen.insert(index);
    verification.verified_by.push_back(*match);
  }
  if (verification.verified_by.empty()) {
    return Status::Unauthenticated("no signature on the note is from a known verifier key");
  }
  return verification;
}

}  // namespace imledger::ledger

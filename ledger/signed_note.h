// C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys: a UTF-8 text, a blank line, and
// one signature line per signer, "— <key name> <base64(key ID || signature)>".
//
// The note text is everything up to and including the newline before the last blank line, and
// every signature covers exactly those bytes. A key ID is the first four bytes of
// SHA-256(key name || 0x0A || 0x01 || public key), so two keys may share a name. Parsing is
// strict: every malformed note is an InvalidArgument Status that names the offending part. All
// functions are pure and thread-safe.

#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/ed25519.h"

namespace imledger::ledger {

// The algorithm byte that precedes an Ed25519 public key or seed in key text and key IDs.
inline constexpr uint8_t kNoteEd25519Algorithm = 0x01;

// Signature lines beyond this count make a note malformed, as in golang.org/x/mod/sumdb/note,
// so a hostile note cannot make a verifier check signatures without bound.
inline constexpr size_t kMaxNoteSignatures = 100;

struct NoteSignature {
  std::string key_name;
  uint32_t key_id = 0;  // The first four bytes of the decoded field, big-endian.
  Bytes signature;      // The bytes after the key ID: 64 for Ed25519, other lengths for others.

  bool operator==(const NoteSignature&) const = default;
};

struct SignedNote {
  std::string text;  // Ends with a newline; the exact bytes every signature covers.
  std::vector<NoteSignature> signatures;
};

// A public key that notes are verified against, as in a verifier key line.
struct NoteVerifier {
  std::string key_name;
  uint32_t key_id = 0;
  crypto::PublicKey public_key;
};

// OK when `name` is non-empty, valid UTF-8, and has no Unicode white space and no '+'.
Status CheckNoteKeyName(std::string_view name);

uint32_t NoteKeyId(std::string_view key_name, const crypto::PublicKey& public_key);

// Fails only when `key_name` is not a valid key name.
Result<NoteVerifier> MakeNoteVerifier(std::string_view key_name,
                                      const crypto::PublicKey& public_key);

// "<name>+<8 lowercase hex digits of the key ID>+<base64(0x01 || public key)>".
std::string FormatVerifierKey(const NoteVerifier& verifier);

// Parses a verifier key and checks that its key ID matches its name and public key.
Result<NoteVerifier> ParseVerifierKey(std::string_view text);

// A signer key "PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || 32-byte seed)>", as written by
// golang.org/x/mod/sumdb/note. The key ID must match the name and the derived public key.
struct NoteSigner {
  std::string key_name;
  crypto::SecretKey secret_key;
};

Result<NoteSigner> ParseSignerKey(std::string_view text);

// OK when `text` is non-empty, ends with a newline, is valid UTF-8 and contains no ASCII control
// character other than newline.
Status CheckNoteText(std::string_view text);

// Splits a signed note into its text and signature lines without verifying anything.
Result<SignedNote> ParseSignedNote(std::string_view message);

// The text, a blank line and one line per signature; the inverse of ParseSignedNote.
std::string FormatSignedNote(const SignedNote& note);

// Signs `text` (which must pass CheckNoteText) under `key_name`.
Result<NoteSignature> SignNote(std::string_view text, std::string_view key_name,
                               const crypto::SecretKey& secret_key);

// The verifiers whose signatures on a note verified, each listed once, in note order.
struct NoteVerification {
  std::vector<NoteVerifier> verified_by;
};

// Verifies `note` against `verifiers`. A signature line whose (name, key ID) matches no
// verifier is ignored, and a repeated line from one verifier counts once. A signature from a
// matching verifier that fails is Unauthenticated, because a known key never signs
// anything else. Two verifiers with the same name and key ID are InvalidArgument. No verified
// signature at all is Unauthenticated.
Result<NoteVerification> VerifySignedNote(const SignedNote& note,
                                          std::span<const NoteVerifier> verifiers);

}  // namespace imledger::ledger

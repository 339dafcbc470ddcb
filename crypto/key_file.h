// Key files: one Ed25519 seed per file, optionally sealed under a passphrase.
//
// The file is JSON text so an operator can read which key it holds:
//   {"format": "imledger-key/v1", "public_key": "<hex>", "seed": "<hex>"}
// or, when sealed, "kdf": "argon2id13", "opslimit", "memlimit", "salt" (base64), "nonce"
// (base64) and "sealed_seed" (base64 of crypto_secretbox_easy over the seed) in place of "seed".
// Files are written atomically (temporary file, fsync, rename, fsync of the folder) with mode
// 0600, and a file readable by group or others is rejected on load.

#pragma once

#include <optional>
#include <string>

#include "base/status.h"
#include "crypto/ed25519.h"

namespace imledger::crypto {

struct KeyFileOptions {
  // When set, the seed is sealed with a key derived from this passphrase (Argon2id).
  std::optional<std::string> passphrase;
  // Argon2id cost; the defaults are libsodium's "interactive" limits (about 64 MiB).
  unsigned long long opslimit = 2;
  size_t memlimit = 64u << 20;
};

Status WriteKeyFile(const std::string& path, const SecretKey& key,
                    const KeyFileOptions& options = {});

// Loads the key in `path`. A sealed file needs `passphrase`; a plain one ignores it.
Result<SecretKey> ReadKeyFile(const std::string& path,
                              const std::optional<std::string>& passphrase = std::nullopt);

// Writes `contents` to `path` atomically with the given mode.
Status WriteFileAtomically(const std::string& path, std::string_view contents, unsigned mode);

}  // namespace imledger::crypto

#include "crypto/key_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/encoding.h"

namespace imledger::crypto {

namespace {

constexpr std::string_view kFormat = "imledger-key/v1";
constexpr std::string_view kKdf = "argon2id13";

std::string Errno() {
  return std::strerror(errno);
}

Status SyncFolder(const std::filesystem::path& folder) {
  int fd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) {
    return Status::IoError("cannot open folder " + folder.string() + ": " + Errno());
  }
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) {
    return Status::IoError("cannot fsync folder " + folder.string() + ": " + Errno());
  }
  return Status::Ok();
}

Result<std::array<uint8_t, crypto_secretbox_KEYBYTES>> DeriveKey(const std::string& passphrase,
                                                                 ByteView salt,
                                                                 unsigned long long opslimit,
                                                                 size_t memlimit) {
  std::array<uint8_t, crypto_secretbox_KEYBYTES> key;
  if (crypto_pwhash(key.data(), key.size(), passphrase.data(), passphrase.size(), salt.data(),
                    opslimit, memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::Internal("crypto_pwhash ran out of memory (memlimit " +
                            std::to_string(memlimit) + " bytes)");
  }
  return key;
}

Result<Bytes> FieldBytes(const nlohmann::json& json, const char* name, const std::string& path,
                         bool base64) {
  if (!json.contains(name) || !json[name].is_string()) {
    return Status::Corruption("key file " + path + " has no string field \"" + name +
                              "\"; restore the file from its backup");
  }
  std::string what = std::string("field \"") + name + "\" of key file " + path;
  const std::string& text = json[name].get_ref<const std::string&>();
  return base64 ? Base64Decode(text, what) : HexDecode(text, what);
}

Result<Bytes> UnsealSeed(const nlohmann::json& json, const std::string& path,
                         const std::optional<std::string>& passphrase) {
  if (!passphrase) {
    return Status::FailedPrecondition("key file " + path +
                                      " is sealed with a passphrase; supply the passphrase");
  }
  if (json.value("kdf", "") != kKdf || !json["opslimit"].is_number_unsigned() ||
      !json["memlimit"].is_number_unsigned()) {
    return Status::Corruption("key file " + path + " names an unknown key derivation; expected " +
                              std::string(kKdf));
  }
  Result<Bytes> salt = FieldBytes(json, "salt", path, true);
  Result<Bytes> nonce = FieldBytes(json, "nonce", path, true);
  Result<Bytes> sealed = FieldBytes(json, "sealed_seed", path, true);
  for (const Status& status : {salt.status(), nonce.status(), sealed.status()}) {
    if (!status.ok()) {
      return status;
    }
  }
  if (salt->size() != crypto_pwhash_SALTBYTES || nonce->size() != crypto_secretbox_NONCEBYTES ||
      sealed->size() != SecretKey::kSeedSize + crypto_secretbox_MACBYTES) {
    return Status::Corruption("key file " + path +
                              " has a salt, nonce or sealed seed of the wrong length");
  }
  auto key = DeriveKey(*passphrase, *salt, json["opslimit"].get<unsigned long long>(),
                       json["memlimit"].get<size_t>());
  if (!key.ok()) {
    return key.status();
  }
  Bytes seed(SecretKey::kSeedSize);
  int rc = crypto_secretbox_open_easy(seed.data(), sealed->data(), sealed->size(), nonce->data(),
                                      key->data());
  sodium_memzero(key->data(), key->size());
  if (rc != 0) {
    return Status::Unauthenticated("cannot unseal key file " + path +
                                   ": the passphrase is wrong or the file is corrupted");
  }
  return seed;
}

}  // namespace

Status WriteFileAtomically(const std::string& path, std::string_view contents, unsigned mode) {
  std::filesystem::path target(path);
  std::string temporary = path + ".tmp.XXXXXX";
  int fd = ::mkstemp(temporary.data());
  if (fd < 0) {
    return Status::IoError("cannot create " + temporary + ": " + Errno());
  }
  bool written = ::fchmod(fd, mode) == 0;
  for (size_t offset = 0; written && offset < contents.size();) {
    ssize_t n = ::write(fd, contents.data() + offset, contents.size() - offset);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    written = n > 0;
    offset += written ? static_cast<size_t>(n) : 0;
  }
  written = written && ::fsync(fd) == 0;
  std::string error = Errno();
  ::close(fd);
  if (!written || ::rename(temporary.c_str(), path.c_str()) != 0) {
    error = written ? Errno() : error;
    ::unlink(temporary.c_str());
    return Status::IoError("cannot write " + path + ": " + error);
  }
  return SyncFolder(target.parent_path());
}

Status WriteKeyFile(const std::string& path, const SecretKey& key, const KeyFileOptions& options) {
  EnsureSodium();
  nlohmann::json json = {{"format", kFormat}, {"public_key", key.public_key().ToHex()}};
  if (!options.passphrase) {
    json["seed"] = HexEncode(key.seed());
  } else {
    Bytes salt(crypto_pwhash_SALTBYTES);
    Bytes nonce(crypto_secretbox_NONCEBYTES);
    randombytes_buf(salt.data(), salt.size());
    randombytes_buf(nonce.data(), nonce.size());
    auto box_key = DeriveKey(*options.passphrase, salt, options.opslimit, options.memlimit);
    if (!box_key.ok()) {
      return box_key.status();
    }
    Bytes sealed(SecretKey::kSeedSize + crypto_secretbox_MACBYTES);
    crypto_secretbox_easy(sealed.data(), key.seed().data(), key.seed().size(), nonce.data(),
                          box_key->data());
    sodium_memzero(box_key->data(), box_key->size());
    json["kdf"] = kKdf;
    json["opslimit"] = options.opslimit;
    json["memlimit"] = options.memlimit;
    json["salt"] = Base64Encode(salt);
    json["nonce"] = Base64Encode(nonce);
    json["sealed_seed"] = Base64Encode(sealed);
  }
  std::string text = json.dump(2) + "\n";
  Status status = WriteFileAtomically(path, text, 0600);
  sodium_memzero(text.data(), text.size());
  return status;
}

Result<SecretKey> ReadKeyFile(const std::string& path,
                              const std::optional<std::string>& passphrase) {
  struct stat info {};

  if (::stat(path.c_str(), &info) != 0) {
    return Status::NotFound("cannot open key file " + path + ": " + Errno());
  }
  if ((info.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
    return Status::PermissionDenied("key file " + path + " has mode " + mode +
                                    " and is readable by others; run: chmod 600 " + path);
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) {
    return Status::IoError("cannot read key file " + path);
  }
  nlohmann::json json = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || json.value("format", "") != kFormat) {
    return Status::Corruption("key file " + path + " is not an " + std::string(kFormat) +
                              " key file; create one with: imledger keys new");
  }

  Result<Bytes> seed = json.contains("sealed_seed") ? UnsealSeed(json, path, passphrase)
                                                    : FieldBytes(json, "seed", path, false);
  if (!seed.ok()) {
    return seed.status();
  }
  if (seed->size() != SecretKey::kSeedSize) {
    return Status::Corruption("key file " + path + " holds a seed of " +
                              std::to_string(seed->size()) + " bytes; an Ed25519 seed is 32");
  }
  Result<SecretKey> key = SecretKey::FromSeed(*seed);
  sodium_memzero(seed->data(), seed->size());
  if (!key.ok()) {
    return key.status();
  }
  if (json.value("public_key", "") != key->public_key().ToHex()) {
    return Status::Corruption("key file " + path +
                              ": the public key does not match the seed; the file was altered");
  }
  return key;
}

}  // namespace imledger::crypto

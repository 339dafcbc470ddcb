// `imledger keys new|show`: create an Ed25519 key file, or print the public key of one.

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/messages.h"
#include "cli/passphrase.h"
#include "crypto/key_file.h"

namespace imledger::cli {

namespace {

struct KeysOptions {
  std::string path;
  std::string passphrase_file;
  bool force = false;
  bool json = false;
};

int Fail(const Status& status) {
  std::cerr << Text("error.prefix", {status.message()}) << "\n";
  return status.code() == StatusCode::kInvalidArgument ? kExitInvalidInput : kExitNotVerified;
}

void PrintPublicKey(const crypto::SecretKey& key, const KeysOptions& options) {
  if (options.json) {
    std::cout
        << nlohmann::json{{"path", options.path}, {"public_key", key.public_key().ToHex()}}.dump()
        << "\n";
  } else {
    std::cout << Text("keys.public_key", {key.public_key().ToHex(), options.path}) << "\n";
  }
}

int RunNew(const KeysOptions& options) {
  if (!options.force && std::filesystem::exists(options.path)) {
    return Fail(Status::InvalidArgument(Text("keys.exists", {options.path})));
  }
  auto passphrase = ReadPassphrase(options.passphrase_file);
  if (!passphrase.ok()) {
    return Fail(passphrase.status());
  }
  crypto::SecretKey key = crypto::SecretKey::Generate();
  crypto::KeyFileOptions file_options;
  file_options.passphrase = *passphrase;
  if (Status status = crypto::WriteKeyFile(options.path, key, file_options); !status.ok()) {
    return Fail(status);
  }
  PrintPublicKey(key, options);
  return kExitOk;
}

int RunShow(const KeysOptions& options) {
  auto passphrase = ReadPassphrase(options.passphrase_file);
  if (!passphrase.ok()) {
    return Fail(passphrase.status());
  }
  Result<crypto::SecretKey> key = crypto::ReadKeyFile(options.path, *passphrase);
  if (!key.ok()) {
    return Fail(key.status());
  }
  PrintPublicKey(*key, options);
  return kExitOk;
}

}  // namespace

void AddKeysCommands(CLI::App& app) {
  CLI::App* keys = app.add_subcommand("keys", Text("keys.help"));
  keys->require_subcommand(1);
  auto options = std::make_shared<KeysOptions>();

  CLI::App* create = keys->add_subcommand("new", Text("keys.new.help"));
  create->add_option("path", options->path, Text("keys.path.help"))->required();
  create->add_option("--passphrase-file", options->passphrase_file, Text("keys.passphrase.help"));
  create->add_flag("--force", options->force, Text("keys.force.help"));
  create->add_flag("--json", options->json, Text("option.json.help"));
  create->callback([options] { throw CLI::RuntimeError(RunNew(*options)); });

  CLI::App* show = keys->add_subcommand("show", Text("keys.show.help"));
  show->add_option("path", options->path, Text("keys.path.help"))->required();
  show->add_option("--passphrase-file", options->passphrase_file, Text("keys.passphrase.help"));
  show->add_flag("--json", options->json, Text("option.json.help"));
  show->callback([options] { throw CLI::RuntimeError(RunShow(*options)); });
}

std::span<const Message> KeysMessages() {
  static constexpr Message kMessages[] = {
      {"keys.help", "create and inspect Ed25519 key files", "创建和查看 Ed25519 密钥文件"},
      {"keys.new.help", "create a new key file (mode 0600) and print its public key",
       "创建新的密钥文件（权限 0600）并输出其公钥"},
      {"keys.show.help", "print the public key of a key file", "输出密钥文件的公钥"},
      {"keys.path.help", "key file path", "密钥文件路径"},
      {"keys.passphrase.help",
       "file whose first line is the passphrase that seals the key (Argon2id)",
       "首行为口令的文件，用该口令（Argon2id）加密密钥"},
      {"keys.force.help", "overwrite an existing file", "覆盖已有文件"},
      {"keys.public_key", "public key {0} ({1})", "公钥 {0}（{1}）"},
      {"keys.exists", "{0} already exists; choose another path or pass --force to replace it",
       "{0} 已存在；请换一个路径，或使用 --force 覆盖"},
      {"keys.passphrase_unreadable",
       "cannot read a passphrase from {0}; its first line must hold the passphrase",
       "无法从 {0} 读取口令；该文件首行应为口令"},
  };
  return kMessages;
}

}  // namespace imledger::cli

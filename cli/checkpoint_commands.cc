// `imledger checkpoint verify`: checks a C2SP checkpoint from standard input against a file of
// pinned validator verifier keys, so an auditor can verify an exported tree head offline.

#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/messages.h"
#include "ledger/checkpoint.h"
#include "ledger/signed_note.h"

namespace imledger::cli {

namespace {

// A signed checkpoint takes about 150 bytes per validator, so 1 MiB is far more than any needs.
constexpr size_t kMaxCheckpointBytes = 1 << 20;

struct CheckpointOptions {
  std::string keys_path;
  std::string network_id;
  size_t quorum = 0;  // 0 means 2f+1 for the number of keys in the file.
  bool json = false;
};

int InvalidInput(const std::string& message) {
  std::cerr << Text("error.invalid_input", {message}) << "\n";
  return kExitInvalidInput;
}

// Reads one verifier key per line, skipping blank lines and lines that start with '#'.
Result<std::vector<ledger::NoteVerifier>> ReadVerifierKeys(std::istream& in) {
  std::vector<ledger::NoteVerifier> verifiers;
  std::string line;
  size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty() || line[0] == '#') {
      continue;
    }
    Result<ledger::NoteVerifier> verifier = ledger::ParseVerifierKey(line);
    if (!verifier.ok()) {
      return Status::InvalidArgument("keys file line " + std::to_string(line_number) + ": " +
                                     verifier.status().message());
    }
    verifiers.push_back(std::move(verifier).value());
  }
  if (verifiers.empty()) {
    return Status::InvalidArgument("keys file has no verifier keys");
  }
  return verifiers;
}

// Checks that every key is named as a validator of `network_id` and returns the public keys.
Result<std::vector<crypto::PublicKey>> ValidatorKeys(
    const std::vector<ledger::NoteVerifier>& verifiers, std::string_view network_id) {
  std::vector<crypto::PublicKey> keys;
  for (const ledger::NoteVerifier& verifier : verifiers) {
    std::string expected = ledger::ValidatorKeyName(network_id, verifier.public_key);
    if (verifier.key_name != expected) {
      return Status::InvalidArgument("verifier key \"" + verifier.key_name +
                                     "\" is not named as a validator of this network; expected \"" +
                                     expected + "\"");
    }
    keys.push_back(verifier.public_key);
  }
  return keys;
}

int Report(const Result<ledger::Checkpoint>& checkpoint, const CheckpointOptions& options) {
  if (options.json) {
    nlohmann::json out = {{"verified", checkpoint.ok()}};
    if (checkpoint.ok()) {
      out["size"] = checkpoint.value().size;
      out["root"] = checkpoint.value().root.ToHex();
    } else {
      out["reason"] = checkpoint.status().message();
    }
    std::cout << out.dump() << "\n";
  } else if (checkpoint.ok()) {
    std::cout << Text("checkpoint.verified",
                      {std::to_string(checkpoint.value().size), checkpoint.value().root.ToHex()})
              << "\n";
  } else {
    std::cout << Text("checkpoint.not_verified", {checkpoint.status().message()}) << "\n";
  }
  return checkpoint.ok() ? kExitOk : kExitNotVerified;
}

int RunVerify(const CheckpointOptions& options) {
  std::ifstream keys_file(options.keys_path);
  if (!keys_file) {
    std::cerr << Text("checkpoint.keys_unreadable", {options.keys_path}) << "\n";
    return kExitUnreadable;
  }
  Result<std::vector<ledger::NoteVerifier>> verifiers = ReadVerifierKeys(keys_file);
  if (!verifiers.ok()) {
    return InvalidInput(verifiers.status().message());
  }
  Result<std::vector<crypto::PublicKey>> keys = ValidatorKeys(*verifiers, options.network_id);
  if (!keys.ok()) {
    return InvalidInput(keys.status().message());
  }
  size_t quorum = options.quorum;
  if (quorum == 0) {
    quorum = 2 * ((keys->size() - 1) / 3) + 1;
  }

  std::string input(std::istreambuf_iterator<char>(std::cin), {});
  if (input.size() > kMaxCheckpointBytes) {
    return InvalidInput("standard input is larger than 1 MiB; a checkpoint is much smaller");
  }
  // Malformed input exits 2, and a well-formed checkpoint that fails any check exits 1.
  Result<ledger::SignedNote> note = ledger::ParseSignedNote(input);
  if (!note.ok()) {
    return InvalidInput(note.status().message());
  }
  if (Result<ledger::Checkpoint> body = ledger::ParseCheckpointText(note->text); !body.ok()) {
    return InvalidInput(body.status().message());
  }
  return Report(ledger::VerifyCheckpoint(input, options.network_id, *keys, quorum), options);
}

}  // namespace

void AddCheckpointCommands(CLI::App& app) {
  CLI::App* checkpoint = app.add_subcommand("checkpoint", Text("checkpoint.help"));
  checkpoint->require_subcommand(1);
  auto options = std::make_shared<CheckpointOptions>();

  CLI::App* verify = checkpoint->add_subcommand("verify", Text("checkpoint.verify.help"));
  verify->add_option("--keys", options->keys_path, Text("checkpoint.keys.help"))->required();
  verify->add_option("--network", options->network_id, Text("checkpoint.network.help"))->required();
  verify->add_option("--quorum", options->quorum, Text("checkpoint.quorum.help"))
      ->check(CLI::PositiveNumber);
  verify->add_flag("--json", options->json, Text("option.json.help"));
  verify->callback([options] { throw CLI::RuntimeError(RunVerify(*options)); });
}

std::span<const Message> CheckpointMessages() {
  static constexpr Message kMessages[] = {
      {"checkpoint.help", "C2SP checkpoints of the ledger's tree head",
       "账本树头的 C2SP checkpoint"},
      {"checkpoint.verify.help",
       "verify a signed checkpoint on standard input; exit 0 verified, 1 not, 2 invalid input, "
       "3 keys file unreadable",
       "校验标准输入中已签名的 checkpoint；退出码 0 通过，1 未通过，2 输入无效，3 "
       "无法读取密钥文件"},
      {"checkpoint.keys.help",
       "file of validator verifier keys, one per line (name+keyID+key); '#' starts a comment",
       "验证者公钥文件，每行一个（name+keyID+key）；以 '#' 开头的行为注释"},
      {"checkpoint.network.help", "network id that must be the checkpoint's origin",
       "网络 ID，必须与 checkpoint 的 origin 相同"},
      {"checkpoint.quorum.help",
       "number of distinct validator signatures required (default: 2f+1 for the keys in the file)",
       "所需的不同验证者签名数量（默认：按密钥文件中的密钥数计算的 2f+1）"},
      {"checkpoint.verified", "verified: tree size {0}, root {1}",
       "校验通过：树大小 {0}，树根 {1}"},
      {"checkpoint.not_verified", "not verified: {0}", "校验未通过：{0}"},
      {"checkpoint.keys_unreadable", "cannot read keys file \"{0}\"; check the path",
       "无法读取密钥文件 \"{0}\"；请检查路径"},
  };
  return kMessages;
}

}  // namespace imledger::cli

// `imledger merkle root|verify-inclusion|verify-consistency`: RFC 6962 checks that read one JSON
// object on standard input, so anyone can cross-check our log with another implementation.

#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/json_input.h"
#include "cli/messages.h"
#include "crypto/merkle.h"

namespace imledger::cli {

namespace {

struct MerkleOptions {
  bool json = false;
};

int InvalidInput(const Status& status) {
  std::cerr << Text("error.invalid_input", {status.message()}) << "\n";
  return kExitInvalidInput;
}

int Report(const Status& verification, const MerkleOptions& options) {
  if (options.json) {
    nlohmann::json out = {{"verified", verification.ok()}};
    if (!verification.ok()) {
      out["reason"] = verification.message();
    }
    std::cout << out.dump() << "\n";
  } else if (verification.ok()) {
    std::cout << Text("merkle.verified") << "\n";
  } else {
    std::cout << Text("merkle.not_verified", {verification.message()}) << "\n";
  }
  return verification.ok() ? kExitOk : kExitNotVerified;
}

int RunRoot(const MerkleOptions& options) {
  Result<nlohmann::json> input = ReadJsonObject(std::cin);
  if (!input.ok()) {
    return InvalidInput(input.status());
  }
  Result<std::vector<Bytes>> leaves = GetHexList(*input, "leaves");
  if (!leaves.ok()) {
    return InvalidInput(leaves.status());
  }
  std::vector<crypto::Digest> hashes;
  hashes.reserve(leaves->size());
  for (const Bytes& leaf : *leaves) {
    hashes.push_back(crypto::MerkleLeafHash(leaf));
  }
  crypto::MerkleTree tree(std::move(hashes));
  if (options.json) {
    std::cout << nlohmann::json{{"size", tree.size()}, {"root", tree.Root().ToHex()}}.dump()
              << "\n";
  } else {
    std::cout << tree.Root().ToHex() << "\n";
  }
  return kExitOk;
}

int RunVerifyInclusion(const MerkleOptions& options) {
  Result<nlohmann::json> input = ReadJsonObject(std::cin);
  if (!input.ok()) {
    return InvalidInput(input.status());
  }
  Result<crypto::Digest> leaf_hash = GetDigest(*input, "leaf_hash");
  Result<uint64_t> index = GetUint64(*input, "index");
  Result<uint64_t> size = GetUint64(*input, "size");
  Result<crypto::Digest> root = GetDigest(*input, "root");
  Result<std::vector<crypto::Digest>> proof = GetDigestList(*input, "proof");
  for (const Status& status :
       {leaf_hash.status(), index.status(), size.status(), root.status(), proof.status()}) {
    if (!status.ok()) {
      return InvalidInput(status);
    }
  }
  return Report(crypto::VerifyMerkleInclusion(*leaf_hash, *index, *size, *proof, *root), options);
}

int RunVerifyConsistency(const MerkleOptions& options) {
  Result<nlohmann::json> input = ReadJsonObject(std::cin);
  if (!input.ok()) {
    return InvalidInput(input.status());
  }
  Result<uint64_t> size1 = GetUint64(*input, "size1");
  Result<uint64_t> size2 = GetUint64(*input, "size2");
  Result<crypto::Digest> root1 = GetDigest(*input, "root1");
  Result<crypto::Digest> root2 = GetDigest(*input, "root2");
  Result<std::vector<crypto::Digest>> proof = GetDigestList(*input, "proof");
  for (const Status& status :
       {size1.status(), size2.status(), root1.status(), root2.status(), proof.status()}) {
    if (!status.ok()) {
      return InvalidInput(status);
    }
  }
  return Report(crypto::VerifyMerkleConsistency(*size1, *size2, *proof, *root1, *root2), options);
}

}  // namespace

void AddMerkleCommands(CLI::App& app) {
  CLI::App* merkle = app.add_subcommand("merkle", Text("merkle.help"));
  merkle->require_subcommand(1);
  auto options = std::make_shared<MerkleOptions>();

  struct Entry {
    const char* name;
    const char* help_id;
    int (*run)(const MerkleOptions&);
  };

  static constexpr Entry kEntries[] = {
      {"root", "merkle.root.help", RunRoot},
      {"verify-inclusion", "merkle.verify_inclusion.help", RunVerifyInclusion},
      {"verify-consistency", "merkle.verify_consistency.help", RunVerifyConsistency},
  };
  for (const Entry& entry : kEntries) {
    CLI::App* command = merkle->add_subcommand(entry.name, Text(entry.help_id));
    command->add_flag("--json", options->json, Text("option.json.help"));
    command->callback([options, run = entry.run] { throw CLI::RuntimeError(run(*options)); });
  }
}

std::span<const Message> MerkleMessages() {
  static constexpr Message kMessages[] = {
      {"merkle.help", "RFC 6962 Merkle tree checks (JSON on standard input)",
       "RFC 6962 Merkle 树校验（从标准输入读取 JSON）"},
      {"merkle.root.help", "print the root of {\"leaves\": [hex, ...]}",
       "输出 {\"leaves\": [十六进制, ...]} 的树根"},
      {"merkle.verify_inclusion.help",
       "verify {\"leaf_hash\", \"index\", \"size\", \"root\", \"proof\"}; exit 0 verified, 1 not, "
       "2 invalid input",
       "校验 {\"leaf_hash\", \"index\", \"size\", \"root\", \"proof\"}；退出码 0 通过，1 未通过，2 "
       "输入无效"},
      {"merkle.verify_consistency.help",
       "verify {\"size1\", \"size2\", \"root1\", \"root2\", \"proof\"}; exit 0 verified, 1 not, 2 "
       "invalid input",
       "校验 {\"size1\", \"size2\", \"root1\", \"root2\", \"proof\"}；退出码 0 通过，1 未通过，2 "
       "输入无效"},
      {"merkle.verified", "verified", "校验通过"},
      {"merkle.not_verified", "not verified: {0}", "校验未通过：{0}"},
      {"option.json.help", "print JSON for machines instead of text", "输出供程序读取的 JSON"},
  };
  return kMessages;
}

}  // namespace imledger::cli

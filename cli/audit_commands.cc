// `imledger audit inclusion`: checks, trusting only the validator keys of a pinned genesis
// file, that a transaction is in the ledger as a node reports it.
//
// The command reads the node's latest commit certificate and requires signatures of 2f+1
// distinct genesis validators over its header. It then reads the inclusion proof of the
// transaction at that certificate's tree size, with the leaf bytes. It checks that the leaf
// contains the transaction with the requested id, recomputes the leaf hash from those bytes and
// verifies the proof against the certified root. The node's responses are only inputs to these
// checks, so a faulty node can make the audit fail but never pass.

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/ledger_command.h"
#include "cli/messages.h"
#include "cli/node_client.h"
#include "cli/transaction_builder.h"
#include "contracts/genesis.h"
#include "contracts/rejection.h"
#include "contracts/transaction.h"
#include "crypto/encoding.h"
#include "crypto/merkle.h"
#include "ledger/block.h"

namespace imledger::cli {
namespace {

struct AuditOptions {
  LedgerOptions ledger;
  std::string transaction_id;
  std::string genesis_file;
};

// The result of a passed audit.
struct AuditReport {
  ledger::BlockHeader header;
  size_t signers = 0;
  size_t quorum = 0;
  uint64_t log_index = 0;
  ledger::LogLeaf leaf;
};

Result<std::vector<crypto::Digest>> ParseProof(const nlohmann::json& array) {
  std::vector<crypto::Digest> proof;
  if (!array.is_array()) {
    return Status::Corruption(Text("audit.bad_field", {"proof"}));
  }
  for (const nlohmann::json& item : array) {
    if (!item.is_string()) {
      return Status::Corruption(Text("audit.bad_field", {"proof"}));
    }
    Result<Bytes> hash = crypto::HexDecode(item.get<std::string>());
    if (!hash.ok() || hash->size() != crypto::Digest::kSize) {
      return Status::Corruption(Text("audit.bad_field", {"proof"}));
    }
    crypto::Digest digest;
    std::copy(hash->begin(), hash->end(), digest.bytes.begin());
    proof.push_back(digest);
  }
  return proof;
}

Result<Bytes> Base64Field(const nlohmann::json& object, const char* name) {
  if (!object.is_object() || !object.contains(name) || !object[name].is_string()) {
    return Status::Corruption(Text("audit.bad_field", {name}));
  }
  return crypto::Base64Decode(object[name].get<std::string>());
}

// Reads and checks the latest certificate against the pinned validators.
Status CheckCertificate(NodeClient& client, const contracts::Genesis& genesis,
                        AuditReport& report) {
  Result<nlohmann::json> latest = client.GetJson("/v1/checkpoints/latest");
  if (!latest.ok()) {
    return latest.status();
  }
  Result<Bytes> bytes = Base64Field(*latest, "certificate");
  if (!bytes.ok()) {
    return bytes.status();
  }
  Result<ledger::CommitCertificate> certificate = ledger::DecodeCommitCertificate(*bytes);
  if (!certificate.ok()) {
    return certificate.status();
  }
  std::vector<crypto::PublicKey> validators;
  for (const contracts::GenesisValidator& validator : genesis.validators) {
    validators.push_back(validator.public_key);
  }
  if (Status status = ledger::VerifyCommitCertificate(*certificate, genesis.network_id, validators,
                                                      ledger::QuorumSize(validators.size()));
      !status.ok()) {
    return Status::Unauthenticated(Text("audit.bad_certificate", {status.ToString()}));
  }
  report.header = certificate->header;
  report.signers = certificate->signatures.size();
  report.quorum = ledger::QuorumSize(validators.size());
  return Status::Ok();
}

// Reads the proof of `id` at the certified size and verifies it against the certified root.
Status CheckInclusion(NodeClient& client, const crypto::Digest& id, AuditReport& report) {
  const std::string id_hex = crypto::HexEncode(id.view());
  Result<nlohmann::json> response = client.GetJson(
      "/v1/proofs/inclusion/" + id_hex + "?size=" + std::to_string(report.header.tree_size));
  if (!response.ok()) {
    return response.status();
  }

  Result<Bytes> leaf_bytes = Base64Field(*response, "leaf");
  if (!leaf_bytes.ok()) {
    return leaf_bytes.status();
  }
  Result<ledger::LogLeaf> leaf = ledger::DecodeLogLeaf(*leaf_bytes);
  if (!leaf.ok()) {
    return leaf.status();
  }
  if (contracts::TransactionIdOf(leaf->transaction) != id) {
    return Status::Unauthenticated(Text("audit.wrong_leaf", {id_hex}));
  }

  if (!response->contains("log_index") || !(*response)["log_index"].is_number_unsigned()) {
    return Status::Corruption(Text("audit.bad_field", {"log_index"}));
  }
  Result<std::vector<crypto::Digest>> proof = ParseProof((*response)["proof"]);
  if (!proof.ok()) {
    return proof.status();
  }

  report.log_index = (*response)["log_index"].get<uint64_t>();
  Status verified =
      crypto::VerifyMerkleInclusion(crypto::MerkleLeafHash(*leaf_bytes), report.log_index,
                                    report.header.tree_size, *proof, report.header.tree_root);
  if (!verified.ok()) {
    return Status::Unauthenticated(Text("audit.bad_proof", {verified.ToString()}));
  }
  report.leaf = std::move(*leaf);
  return Status::Ok();
}

void PrintReport(const AuditOptions& options, const AuditReport& report) {
  std::string result = report.leaf.result_code == 0
                           ? "accepted"
                           : std::string(contracts::RejectCodeName(
                                 static_cast<contracts::RejectCode>(report.leaf.result_code)));
  if (options.ledger.json) {
    nlohmann::json out = {{"verified", true},
                          {"id", options.transaction_id},
                          {"log_index", report.log_index},
                          {"result", result},
                          {"certified_height", report.header.height},
                          {"tree_size", report.header.tree_size},
                          {"root", crypto::HexEncode(report.header.tree_root.view())},
                          {"signers", report.signers},
                          {"quorum", report.quorum}};
    std::printf("%s\n", out.dump(2).c_str());
    return;
  }
  std::printf("%s\n", Text("audit.verified", {options.transaction_id}).c_str());
  std::printf("%s\n", Text("audit.position", {std::to_string(report.log_index),
                                              std::to_string(report.header.tree_size), result})
                          .c_str());
  std::printf("%s\n", Text("audit.certificate",
                           {std::to_string(report.header.height),
                            crypto::HexEncode(report.header.tree_root.view()),
                            std::to_string(report.signers), std::to_string(report.quorum)})
                          .c_str());
}

int RunInclusion(const AuditOptions& options) {
  Result<contracts::Genesis> genesis = contracts::LoadGenesisFile(options.genesis_file);
  if (!genesis.ok()) {
    // A file that was read but is not a genesis file is an argument error, not a read error.
    const bool unreadable = genesis.status().code() == StatusCode::kIoError ||
                            genesis.status().code() == StatusCode::kNotFound;
    return ReportError(options.ledger, genesis.status(),
                       unreadable ? kExitUnreadable : kExitInvalidInput);
  }
  Result<crypto::Digest> id = ParseTransactionId(options.transaction_id, "TXID");
  if (!id.ok()) {
    return ReportError(options.ledger, id.status(), kExitInvalidInput);
  }
  Result<NodeUrl> url = ParseNodeUrl(options.ledger.node);
  if (!url.ok()) {
    return ReportError(options.ledger, url.status(), kExitInvalidInput);
  }

  NodeClient client(*url);
  AuditReport report;
  Status status = CheckCertificate(client, *genesis, report);
  if (status.ok()) {
    status = CheckInclusion(client, *id, report);
  }
  if (!status.ok()) {
    // A check that failed is "not verified"; a node that cannot be asked is a node error.
    return status.code() == StatusCode::kUnauthenticated
               ? ReportError(options.ledger, status, kExitNotVerified)
               : ReportNodeError(options.ledger, client, status);
  }
  PrintReport(options, report);
  return kExitOk;
}

}  // namespace

std::span<const Message> AuditMessages() {
  static constexpr Message kMessages[] = {
      {"audit.help", "verify ledger contents against pinned validator keys",
       "依据固定的验证节点公钥核验账本内容"},
      {"audit.inclusion.help",
       "verify that a transaction is in the ledger under a commit certificate signed by 2f+1 "
       "validators of the genesis file; exit 0 verified, 1 not verified, 2 invalid arguments or "
       "not a genesis file, "
       "3 unreadable genesis file, 5 node unreachable, 6 node error",
       "核验一笔交易已记入账本，且其提交证书由 genesis 文件中 2f+1 个验证节点签名；退出码 0 "
       "已核验，1 未通过，2 参数无效或不是 genesis 文件，3 genesis 文件无法读取，5 节点不可达，6 "
       "节点报错"},
      {"audit.option.txid", "transaction id (64 hex digits)", "交易 ID（64 位十六进制）"},
      {"audit.option.genesis", "the pinned genesis file: its validator keys are trusted",
       "固定的 genesis 文件：只信任其中的验证节点公钥"},
      {"audit.bad_field", "the node's answer has no valid \"{0}\"; it does not speak this API",
       "节点应答缺少有效的 \"{0}\"；它使用的不是本 API"},
      {"audit.bad_certificate",
       "the latest commit certificate is not signed by a quorum of the pinned validators: {0}",
       "最新提交证书没有足够数量的固定验证节点签名：{0}"},
      {"audit.wrong_leaf",
       "the leaf the node returned does not hold transaction {0}; the node is faulty",
       "节点返回的叶子不包含交易 {0}；该节点有故障"},
      {"audit.bad_proof", "the inclusion proof does not lead to the certified root: {0}",
       "包含证明无法得出已认证的根：{0}"},
      {"audit.verified", "verified: transaction {0} is in the ledger",
       "已核验：交易 {0} 已记入账本"},
      {"audit.position", "  log index {0} of {1}, result {2}",
       "  日志索引 {0}（共 {1}），结果 {2}"},
      {"audit.certificate",
       "  commit certificate at height {0}, root {1}, signed by {2} validators (quorum {3})",
       "  高度 {0} 的提交证书，根 {1}，{2} 个验证节点签名（法定数 {3}）"},
  };
  return kMessages;
}

void AddAuditCommands(CLI::App& app) {
  CLI::App* audit = app.add_subcommand("audit", Text("audit.help"));
  audit->require_subcommand(1);
  auto options = std::make_shared<AuditOptions>();
  CLI::App* inclusion = audit->add_subcommand("inclusion", Text("audit.inclusion.help"));
  inclusion->add_option("TXID", options->transaction_id, Text("audit.option.txid"))->required();
  inclusion->add_option("--genesis", options->genesis_file, Text("audit.option.genesis"))
      ->required();
  AddLedgerOptions(*inclusion, options->ledger, /*signing=*/false);
  inclusion->callback([options] { throw CLI::RuntimeError(RunInclusion(*options)); });
}

}  // namespace imledger::cli

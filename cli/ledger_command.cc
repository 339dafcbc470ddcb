#include "cli/ledger_command.h"

#include <fstream>
#include <iostream>
#include <optional>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/messages.h"
#include "cli/node_client.h"
#include "cli/passphrase.h"
#include "cli/transaction_builder.h"
#include "crypto/key_file.h"

namespace imledger::cli {

namespace {

constexpr uint32_t kMaxWaitMs = 60000;

Result<crypto::SecretKey> ReadSigningKey(const LedgerOptions& options) {
  Result<std::optional<std::string>> passphrase = ReadPassphrase(options.passphrase_file);
  if (!passphrase.ok()) {
    return passphrase.status();
  }
  Result<crypto::SecretKey> key = crypto::ReadKeyFile(options.key_file, *passphrase);
  if (!key.ok()) {
    return Status::InvalidArgument(
        Text("ledger.key_unreadable", {options.key_file, key.status().message()}));
  }
  return key;
}

void PrintOutcome(const LedgerOptions& options, const TransactionStatus& status,
                  const std::vector<Detail>& details) {
  if (options.json) {
    nlohmann::json out = {{"id", status.id},
                          {"status", status.committed ? "committed" : "pending"}};
    if (status.committed) {
      out["height"] = status.height;
      out["index"] = status.index;
      out["log_index"] = status.log_index;
      out["result"] = status.accepted ? "accepted" : "rejected";
      out["code"] = status.code;
    }
    for (const Detail& detail : details) {
      out[detail.key] = detail.value;
    }
    std::cout << out.dump() << "\n";
    return;
  }
  if (!status.committed) {
    std::cout << Text("ledger.pending", {status.id, std::to_string(options.timeout_ms)}) << "\n";
  } else if (status.accepted) {
    std::cout << Text("ledger.accepted",
                      {status.id, std::to_string(status.height), std::to_string(status.index)})
              << "\n";
  } else {
    std::cout << Text("ledger.rejected", {status.id, std::to_string(status.height), status.code})
              << "\n";
  }
  for (const Detail& detail : details) {
    const nlohmann::json& value = detail.value;
    std::cout << "  " << Text("field." + detail.key) << ": ";
    if (detail.format == DetailFormat::kTime && value.is_number_unsigned()) {
      std::cout << HumanTime(value.get<uint64_t>()) << "\n";
    } else {
      std::cout << (value.is_string() ? value.get<std::string>() : value.dump()) << "\n";
    }
  }
}

}  // namespace

std::string HumanTime(uint64_t time_ms) {
  if (time_ms == UINT64_MAX) {
    return Text("time.no_end");
  }
  std::optional<std::string> formatted = FormatTimeMs(time_ms);
  return formatted.has_value() ? *formatted : Text("time.unix_ms", {std::to_string(time_ms)});
}

void AddLedgerOptions(CLI::App& command, LedgerOptions& options, bool signing) {
  command.add_option("--node", options.node, Text("ledger.option.node"))->required();
  command.add_flag("--json", options.json, Text("option.json.help"));
  if (!signing) {
    return;
  }
  command.add_option("--key", options.key_file, Text("ledger.option.key"))->required();
  command.add_option("--passphrase-file", options.passphrase_file, Text("keys.passphrase.help"));
  command.add_option("--timeout-ms", options.timeout_ms, Text("ledger.option.timeout"))
      ->check(CLI::Range(uint32_t{1}, kMaxWaitMs));
}

namespace {

int PrintError(const LedgerOptions& options, const Status& status, int exit_code,
               const std::optional<NodeError>& node_error) {
  std::cerr << Text("error.prefix", {status.message()}) << "\n";
  if (options.json) {
    nlohmann::json error = {{"exit_code", exit_code}, {"message", status.message()}};
    if (node_error.has_value()) {
      error["node_code"] = node_error->code;
      error["http_status"] = node_error->http_status;
    }
    std::cout << nlohmann::json{{"error", error}}.dump() << "\n";
  }
  return exit_code;
}

}  // namespace

int ReportError(const LedgerOptions& options, const Status& status, int exit_code) {
  return PrintError(options, status, exit_code, std::nullopt);
}

int ReportNodeError(const LedgerOptions& options, const NodeClient& client, const Status& status) {
  return PrintError(options, status, NodeExitCode(status), client.last_node_error());
}

int NodeExitCode(const Status& status) {
  return status.code() == StatusCode::kFailedPrecondition ? kExitRejected : kExitNodeUnreachable;
}

int SubmitPayload(const LedgerOptions& options, contracts::TransactionType type, Bytes payload,
                  const std::vector<Detail>& details) {
  Result<NodeUrl> url = ParseNodeUrl(options.node);
  if (!url.ok()) {
    return ReportError(options, url.status(), kExitInvalidInput);
  }
  Result<crypto::SecretKey> key = ReadSigningKey(options);
  if (!key.ok()) {
    return ReportError(options, key.status(), kExitInvalidInput);
  }

  // The client waits a little longer than the node, so the node's 202 arrives first.
  NodeClient client(*url, options.timeout_ms + 5000);
  Result<nlohmann::json> node_status = client.GetStatus();
  if (!node_status.ok()) {
    return ReportNodeError(options, client, node_status.status());
  }
  auto network_id = node_status->find("network_id");
  if (network_id == node_status->end() || !network_id->is_string()) {
    return ReportError(
        options,
        Status::Corruption(Text("client.malformed_response",
                                {url->ToString(), "/v1/status", "\"network_id\" is missing"})),
        kExitNodeUnreachable);
  }

  contracts::Transaction transaction =
      BuildTransaction(network_id->get<std::string>(), type, std::move(payload), *key);
  Result<TransactionStatus> status = client.SubmitAndWait(transaction, options.timeout_ms);
  if (!status.ok()) {
    return ReportNodeError(options, client, status.status());
  }
  PrintOutcome(options, *status, details);
  if (!status->committed) {
    return kExitPending;
  }
  return status->accepted ? kExitOk : kExitRejected;
}

}  // namespace imledger::cli

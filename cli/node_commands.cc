// `imledger tx show ID` and `imledger node status`: read-only queries of one node.

#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/ledger_command.h"
#include "cli/messages.h"
#include "cli/node_client.h"
#include "cli/transaction_builder.h"

namespace imledger::cli {

namespace {

struct TransactionCommand {
  LedgerOptions ledger;
  std::string id;
};

void PrintTransactionText(const TransactionStatus& status) {
  if (!status.committed) {
    std::cout << Text("tx.pending", {status.id}) << "\n";
    return;
  }
  std::cout << Text("tx.committed",
                    {status.id, std::to_string(status.height), std::to_string(status.index)})
            << "\n";
  std::cout << "  " << Text("field.type") << ": " << status.type << "\n";
  std::cout << "  " << Text("field.signer") << ": " << status.signer << "\n";
  std::cout << "  " << Text("field.result") << ": " << (status.accepted ? "accepted" : "rejected")
            << " (" << status.code << ")\n";
  std::cout << "  " << Text("field.log_index") << ": " << status.log_index << "\n";
  std::cout << "  " << Text("field.block_time_ms") << ": " << HumanTime(status.block_time_ms)
            << "\n";
}

int RunShow(const TransactionCommand& command) {
  Result<NodeUrl> url = ParseNodeUrl(command.ledger.node);
  if (!url.ok()) {
    return ReportError(command.ledger, url.status(), kExitInvalidInput);
  }
  Result<crypto::Digest> id = ParseTransactionId(command.id, "ID");
  if (!id.ok()) {
    return ReportError(command.ledger, id.status(), kExitInvalidInput);
  }

  NodeClient client(*url);
  Result<TransactionStatus> status = client.GetTransaction(id->ToHex());
  if (!status.ok()) {
    return ReportNodeError(command.ledger, client, status.status());
  }

  if (!command.ledger.json) {
    PrintTransactionText(*status);
    return kExitOk;
  }
  nlohmann::json out = {{"id", status->id},
                        {"status", status->committed ? "committed" : "pending"}};
  if (status->committed) {
    out.update({{"height", status->height},
                {"index", status->index},
                {"log_index", status->log_index},
                {"result", status->accepted ? "accepted" : "rejected"},
                {"code", status->code},
                {"type", status->type},
                {"signer", status->signer},
                {"block_time_ms", status->block_time_ms}});
  }
  std::cout << out.dump() << "\n";
  return kExitOk;
}

int RunStatus(const LedgerOptions& options) {
  Result<NodeUrl> url = ParseNodeUrl(options.node);
  if (!url.ok()) {
    return ReportError(options, url.status(), kExitInvalidInput);
  }
  NodeClient client(*url);
  Result<nlohmann::json> status = client.GetStatus();
  if (!status.ok()) {
    return ReportNodeError(options, client, status.status());
  }
  if (options.json) {
    std::cout << status->dump() << "\n";
    return kExitOk;
  }
  std::cout << Text("node.status", {url->ToString()}) << "\n";
  for (const auto& [key, value] : status->items()) {
    std::cout << "  " << key << ": ";
    if (key == "block_time_ms" && value.is_number_unsigned()) {
      // The key stays the API's, so people can match it with --json output.
      std::cout << HumanTime(value.get<uint64_t>()) << "\n";
    } else {
      std::cout << (value.is_string() ? value.get<std::string>() : value.dump()) << "\n";
    }
  }
  return kExitOk;
}

}  // namespace

void AddNodeCommands(CLI::App& app) {
  CLI::App* tx = app.add_subcommand("tx", Text("tx.help"));
  tx->require_subcommand(1);
  auto show_command = std::make_shared<TransactionCommand>();
  CLI::App* show = tx->add_subcommand("show", Text("tx.show.help"));
  show->add_option("id", show_command->id, Text("tx.option.id"))->required();
  AddLedgerOptions(*show, show_command->ledger, false);
  show->callback([show_command] { throw CLI::RuntimeError(RunShow(*show_command)); });

  CLI::App* node = app.add_subcommand("node", Text("node.help"));
  node->require_subcommand(1);
  auto status_options = std::make_shared<LedgerOptions>();
  CLI::App* status = node->add_subcommand("status", Text("node.status.help"));
  AddLedgerOptions(*status, *status_options, false);
  status->callback([status_options] { throw CLI::RuntimeError(RunStatus(*status_options)); });
}

}  // namespace imledger::cli

// `imledger network init`: writes a local network's keys, secrets, genesis and node
// configurations (see cli/network_init.h) and prints where each file is and which ports the
// nodes use.

#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/messages.h"
#include "cli/network_init.h"
#include "cli/transaction_builder.h"

namespace imledger::cli {

namespace {

struct InitCommand {
  NetworkInitOptions options;
  std::string dir;
  bool json = false;
};

nlohmann::json SummaryJson(const InitializedNetwork& network) {
  nlohmann::json organizations = nlohmann::json::array();
  for (const InitializedOrganization& organization : network.organizations) {
    organizations.push_back({{"name", organization.name},
                             {"admin_key_file", organization.admin_key_file.string()},
                             {"admin_public_key", organization.admin_public_key},
                             {"secret_file", organization.secret_file.string()}});
  }
  nlohmann::json nodes = nlohmann::json::array();
  for (const InitializedNode& node : network.nodes) {
    nodes.push_back({{"name", node.name},
                     {"organization", node.organization},
                     {"config_file", node.config_file.string()},
                     {"key_file", node.key_file.string()},
                     {"public_key", node.public_key},
                     {"peer_address", "127.0.0.1:" + std::to_string(node.peer_port)},
                     {"api_url", "http://127.0.0.1:" + std::to_string(node.api_port)}});
  }
  return {{"network_id", network.network_id},
          {"genesis_file", network.genesis_file.string()},
          {"genesis_hash", network.genesis_hash.ToHex()},
          {"organizations", organizations},
          {"nodes", nodes}};
}

void PrintSummary(const InitializedNetwork& network) {
  std::cout << Text("init.done", {network.network_id, std::to_string(network.nodes.size())})
            << "\n";
  std::cout << "  " << Text("init.genesis", {network.genesis_file.string()}) << "\n";
  std::cout << "  " << Text("init.genesis_hash", {network.genesis_hash.ToHex()}) << "\n";
  for (const InitializedOrganization& organization : network.organizations) {
    std::cout << "  " << Text("init.organization", {organization.name}) << "\n";
    std::cout << "    "
              << Text("init.admin_key",
                      {organization.admin_key_file.string(), organization.admin_public_key})
              << "\n";
    std::cout << "    " << Text("init.secret", {organization.secret_file.string()}) << "\n";
  }
  for (const InitializedNode& node : network.nodes) {
    std::cout << "  "
              << Text("init.node", {node.name, node.organization, node.config_file.string()})
              << "\n";
    std::cout << "    "
              << Text("init.ports", {"127.0.0.1:" + std::to_string(node.peer_port),
                                     "http://127.0.0.1:" + std::to_string(node.api_port)})
              << "\n";
  }
  std::cout << Text("init.next", {network.nodes.front().config_file.string()}) << "\n";
}

int RunInit(InitCommand& command) {
  command.options.dir = command.dir;
  command.options.genesis_time_ms = NowMs();
  Result<InitializedNetwork> network = InitNetwork(command.options);
  if (!network.ok()) {
    std::cerr << Text("error.prefix", {network.status().message()}) << "\n";
    int code =
        network.status().code() == StatusCode::kIoError ? kExitUnreadable : kExitInvalidInput;
    if (command.json) {
      std::cout << nlohmann::json{{"error",
                                   {{"exit_code", code}, {"message", network.status().message()}}}}
                       .dump()
                << "\n";
    }
    return code;
  }
  if (command.json) {
    std::cout << SummaryJson(*network).dump() << "\n";
  } else {
    PrintSummary(*network);
  }
  return kExitOk;
}

}  // namespace

void AddNetworkCommands(CLI::App& app) {
  CLI::App* network = app.add_subcommand("network", Text("network.help"));
  network->require_subcommand(1);
  auto command = std::make_shared<InitCommand>();
  CLI::App* init = network->add_subcommand("init", Text("init.help"));
  init->add_option("--validators", command->options.validators, Text("init.option.validators"))
      ->required();
  init->add_option("--dir", command->dir, Text("init.option.dir"))->required();
  init->add_option("--network-id", command->options.network_id, Text("init.option.network_id"));
  init->add_option("--base-port", command->options.base_port, Text("init.option.base_port"));
  init->add_flag("--json", command->json, Text("option.json.help"));
  init->callback([command] { throw CLI::RuntimeError(RunInit(*command)); });
}

}  // namespace imledger::cli

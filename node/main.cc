// imledgerd: runs one imledger validator node until SIGINT or SIGTERM.
//
// Usage: imledgerd --config FILE (daemon_config.h describes the file). The daemon loads the key
// and the genesis, opens or creates the data folder, starts the replica and its peer transport,
// and stops them cleanly on a signal. The HTTP API is not served yet. Exit status: 0 after a
// clean stop, 2 for an invalid configuration, 1 when the node cannot start.

#include <cstdio>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include "contracts/genesis.h"
#include "crypto/key_file.h"
#include "node/daemon_config.h"
#include "node/node.h"

namespace {

constexpr int kExitStartFailed = 1;
constexpr int kExitBadConfig = 2;

int Fail(int exit_code, const imledger::Status& status) {
  spdlog::error("event=imledgerd_failed error=\"{}\"", status.ToString());
  std::fprintf(stderr, "imledgerd: %s\n", status.ToString().c_str());
  return exit_code;
}

// Blocks SIGINT and SIGTERM in this thread and every thread it starts later, so only
// sigwait in Run receives them.
sigset_t BlockStopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

int Run(const std::string& config_path) {
  sigset_t stop_signals = BlockStopSignals();

  imledger::Result<imledger::node::DaemonConfig> config =
      imledger::node::LoadDaemonConfig(config_path);
  if (!config.ok()) {
    return Fail(kExitBadConfig, config.status());
  }
  imledger::Result<imledger::crypto::SecretKey> key =
      imledger::crypto::ReadKeyFile(config->key_file.string());
  if (!key.ok()) {
    return Fail(kExitBadConfig, imledger::Status::InvalidArgument("config option \"key_file\": " +
                                                                  key.status().ToString()));
  }
  imledger::Result<imledger::contracts::Genesis> genesis =
      imledger::contracts::LoadGenesisFile(config->genesis_file);
  if (!genesis.ok()) {
    return Fail(kExitBadConfig,
                imledger::Status::InvalidArgument("config option \"genesis_file\": " +
                                                  genesis.status().ToString()));
  }
  imledger::Result<std::vector<imledger::network::PeerAddress>> peers =
      imledger::node::PeersToDial(*config, *genesis, key->public_key());
  if (!peers.ok()) {
    return Fail(kExitBadConfig, peers.status());
  }

  imledger::node::NodeOptions options;
  options.data_path = config->data_dir;
  options.genesis = std::move(*genesis);
  options.listen_host = config->listen_host;
  options.listen_port = config->listen_port;
  options.peers = std::move(*peers);
  imledger::Result<std::unique_ptr<imledger::node::Node>> node =
      imledger::node::Node::Open(std::move(options), std::move(*key));
  if (!node.ok()) {
    return Fail(kExitStartFailed, node.status());
  }
  if (imledger::Status started = (*node)->Start(); !started.ok()) {
    return Fail(kExitStartFailed, started);
  }

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  spdlog::info("event=imledgerd_stopping signal={}", signal_number);
  (*node)->Stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("imledgerd: one imledger validator node");
  std::string config_path;
  app.add_option("--config", config_path, "JSON configuration file")->required();
  CLI11_PARSE(app, argc, argv);
  return Run(config_path);
}

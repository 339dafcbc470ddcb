// imledgerd: runs one imledger validator node until SIGINT or SIGTERM.
//
// Usage: imledgerd --config FILE (daemon_config.h describes the file). The daemon loads the key
// and the genesis, opens or creates the data folder, starts the replica, its peer transport and
// the HTTP API (docs/api.md), and the DICOMweb gateway when the file has a "gateway" object
// (docs/gateway.md). On SIGINT or SIGTERM it stops accepting HTTP requests, stops the
// node (the block being written finishes) and closes the store. Exit status: 0 after a clean
// stop, 2 for an invalid configuration, 1 when the node or the API cannot start.

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>
#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include "api/api_server.h"
#include "contracts/genesis.h"
#include "crypto/key_file.h"
#include "gateway/config.h"
#include "gateway/gateway.h"
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
  spdlog::set_level(spdlog::level::from_str(config->log_level));
  std::optional<std::string> passphrase;
  if (!config->key_passphrase_env.empty()) {
    const char* value = std::getenv(config->key_passphrase_env.c_str());
    if (value == nullptr) {
      return Fail(kExitBadConfig,
                  imledger::Status::InvalidArgument(
                      "config option \"key_passphrase_env\": the environment variable " +
                      config->key_passphrase_env +
                      " is not set; export it with the key file's passphrase"));
    }
    passphrase = value;
  }
  imledger::Result<imledger::crypto::SecretKey> key =
      imledger::crypto::ReadKeyFile(config->key_file.string(), passphrase);
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
  options.max_pending_requests = config->max_pending_requests;
  std::optional<imledger::gateway::GatewayConfig> gateway_config;
  if (config->gateway.has_value()) {
    imledger::Result<imledger::gateway::GatewayConfig> parsed =
        imledger::gateway::ParseGatewayConfigText(*config->gateway, config->base_dir);
    if (!parsed.ok()) {
      return Fail(kExitBadConfig, imledger::Status::InvalidArgument("config option \"gateway\": " +
                                                                    parsed.status().ToString()));
    }
    gateway_config = std::move(*parsed);
  }

  imledger::Result<std::unique_ptr<imledger::node::Node>> node =
      imledger::node::Node::Open(std::move(options), std::move(*key));
  if (!node.ok()) {
    return Fail(kExitStartFailed, node.status());
  }
  if (imledger::Status started = (*node)->Start(); !started.ok()) {
    return Fail(kExitStartFailed, started);
  }
  imledger::api::ApiServerOptions api_options;
  api_options.listen_host = config->api_host;
  api_options.listen_port = config->api_port;
  api_options.max_body_bytes = config->api_max_body_bytes;
  api_options.read_timeout_ms = config->api_read_timeout_ms;
  api_options.write_timeout_ms = config->api_write_timeout_ms;
  api_options.pending_max_age = std::chrono::milliseconds(config->api_pending_max_age_ms);
  imledger::api::ApiServer api(**node, api_options);
  if (imledger::Status started = api.Start(); !started.ok()) {
    (*node)->Stop();
    return Fail(kExitStartFailed,
                imledger::Status(started.code(),
                                 "config options \"api_host\"/\"api_port\": " + started.message()));
  }

  std::unique_ptr<imledger::gateway::Gateway> gateway;
  if (gateway_config.has_value()) {
    imledger::Result<std::unique_ptr<imledger::gateway::Gateway>> created =
        imledger::gateway::Gateway::Create(std::move(*gateway_config),
                                           imledger::gateway::LedgerAccessOf(**node));
    imledger::Status started = created.ok() ? (*created)->Start() : created.status();
    if (!started.ok()) {
      api.Stop();
      (*node)->Stop();
      return Fail(kExitBadConfig, imledger::Status(started.code(), "config option \"gateway\": " +
                                                                       started.message()));
    }
    gateway = std::move(*created);
    spdlog::info("event=gateway_started port={}", gateway->listen_port());
  }

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  spdlog::info("event=imledgerd_stopping signal={} height={}", signal_number,
               (*node)->Snapshot().height);
  if (gateway != nullptr) {
    gateway->Stop();  // Submits the access events still queued while the node runs.
  }
  api.Stop();
  (*node)->Stop();
  uint64_t height = (*node)->Snapshot().height;
  node->reset();  // Closes the store.
  spdlog::info("event=imledgerd_stopped height={}", height);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("imledgerd: one imledger validator node");
  std::string config_path;
  app.add_option("--config", config_path, "JSON configuration file")->required();
#ifdef IMLEDGER_BENCH_NO_CLIENT_SIGNATURES
  bool unsafe = false;
  app.add_flag("--unsafe-no-client-signatures", unsafe,
               "acknowledge that this benchmark build accepts unsigned transactions");
  CLI11_PARSE(app, argc, argv);
  if (!unsafe) {
    std::fprintf(stderr,
                 "imledgerd: this build skips client signature checks and is for benchmarks "
                 "only; pass --unsafe-no-client-signatures to run it anyway\n");
    return kExitBadConfig;
  }
  spdlog::warn("event=unsafe_build client_signatures=unchecked");
#else
  CLI11_PARSE(app, argc, argv);
#endif
  return Run(config_path);
}

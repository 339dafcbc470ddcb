// A local imledger network of real imledgerd processes, for the cluster tests.
//
// LocalNetwork runs `imledger network init` in a fresh temporary folder on a free range of
// 127.0.0.1 ports, starts one imledgerd per node with ChildProcess, and talks to each node's
// HTTP API. It signs transactions itself with the keys that network init wrote, so a test
// checks the daemon and the CLI's files together, as an operator would use them. Every process
// it starts is killed by PID when the LocalNetwork is destroyed. Not thread-safe, except Sign
// and Status; give each thread its own ApiClient.

#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "contracts/genesis.h"
#include "contracts/payload.h"
#include "crypto/ed25519.h"
#include "network/http_client.h"
#include "tests/support/process.h"
#include "tests/support/test_data.h"

namespace imledger::testing {

// The paths of the programs under test, from the build.
std::string ImledgerdPath();
std::string ImledgerPath();

// One node's HTTP API, through one keep-alive connection.
class ApiClient {
 public:
  ApiClient(uint16_t port, uint32_t timeout_ms = 15000);

  // Sends GET `target` and returns the JSON body. A transport failure or a body that is not
  // JSON is an error status.
  Result<nlohmann::json> Get(const std::string& target, int* http_status = nullptr);

  // POSTs an encoded transaction with ?wait=commit and returns the JSON response body.
  Result<nlohmann::json> SubmitAndWait(const Bytes& transaction, int* http_status = nullptr);

 private:
  network::HttpClient client_;
};

class LocalNetwork {
 public:
  // Creates the files of a `validators`-node network; fails the calling test on error.
  explicit LocalNetwork(int validators = 4);
  ~LocalNetwork();

  LocalNetwork(const LocalNetwork&) = delete;
  LocalNetwork& operator=(const LocalNetwork&) = delete;

  int size() const { return static_cast<int>(api_ports_.size()); }

  const contracts::Genesis& genesis() const { return genesis_; }

  const std::filesystem::path& dir() const { return folder_.path(); }

  std::filesystem::path NodeDir(int node) const;

  uint16_t api_port(int node) const { return api_ports_[node]; }

  // Starts node `node` (again) and waits until its API responds. Returns false, with the
  // node's log in `log`, when it exits or its API does not respond in time.
  bool Start(int node, std::string* log = nullptr);
  bool StartAll();

  // Sends `signal_number` to the node and waits for it to exit; returns its exit status.
  std::optional<int> Stop(int node, int signal_number);

  bool running(int node);
  std::string Log(int node) const;

  // Returns the node's /v1/status, or an empty object when the node does not respond.
  nlohmann::json Status(int node);

  // Waits until every running node reports the same height of at least `min_height`, with
  // the same root and state digest. Returns that height, or nothing on timeout.
  std::optional<uint64_t> WaitForAgreement(uint64_t min_height, int timeout_s = 30);

  // The admin key of organization `org_index` (hospital-a is 0).
  crypto::SecretKey AdminKey(int org_index) const;
  std::string OrganizationName(int org_index) const;
  Bytes PseudonymSecret(int org_index) const;

  // Builds a signed transaction with a per-key nonce counter of this object.
  template <typename Payload>
  Bytes Sign(const Payload& payload, const crypto::SecretKey& key) {
    return contracts::EncodeTransaction(
        contracts::MakeTransaction(genesis_.network_id, NextNonce(key.public_key()),
                                   genesis_.genesis_time_ms + 1, payload, key));
  }

 private:
  uint64_t NextNonce(const crypto::PublicKey& key);

  TemporaryFolder folder_;
  contracts::Genesis genesis_;
  std::vector<uint16_t> api_ports_;
  std::vector<std::unique_ptr<ChildProcess>> processes_;
  std::mutex nonce_mutex_;
  std::vector<std::pair<crypto::PublicKey, uint64_t>> nonces_;  // Guarded by nonce_mutex_.
};

// A free range of `count` consecutive 127.0.0.1 ports, probed by binding each one.
uint16_t FindFreePortRange(int count);

}  // namespace imledger::testing

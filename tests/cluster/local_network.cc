#include "tests/cluster/local_network.h"

#include <chrono>
#include <fstream>
#include <random>
#include <thread>

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "contracts/transaction.h"
#include "crypto/encoding.h"
#include "crypto/key_file.h"

namespace imledger::testing {
namespace {

bool PortIsFree(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    return false;
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool free = bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  close(fd);
  return free;
}

nlohmann::json ReadJsonFile(const std::filesystem::path& path) {
  std::ifstream file(path);
  return nlohmann::json::parse(file, nullptr, false);
}

}  // namespace

std::string ImledgerdPath() {
  return IMLEDGERD_PATH;
}

std::string ImledgerPath() {
  return IMLEDGER_PATH;
}

uint16_t FindFreePortRange(int count) {
  std::mt19937 random(
      static_cast<uint32_t>(getpid()) * 2654435761u +
      static_cast<uint32_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
  for (int attempt = 0; attempt < 200; ++attempt) {
    // Below the Linux ephemeral range (32768 and up), so clients' ports never collide.
    uint16_t base = static_cast<uint16_t>(20000 + random() % 12000);
    bool all_free = true;
    for (int i = 0; i < count && all_free; ++i) {
      all_free = PortIsFree(static_cast<uint16_t>(base + i));
    }
    if (all_free) {
      return base;
    }
  }
  ADD_FAILURE() << "no free range of " << count << " ports on 127.0.0.1";
  return 0;
}

ApiClient::ApiClient(uint16_t port, uint32_t timeout_ms) : client_("127.0.0.1", port, timeout_ms) {}

Result<nlohmann::json> ApiClient::Get(const std::string& target, int* http_status) {
  Result<network::HttpClientResponse> response = client_.Request("GET", target);
  if (!response.ok()) {
    return response.status();
  }
  if (http_status != nullptr) {
    *http_status = response->status;
  }
  nlohmann::json body = nlohmann::json::parse(response->body, nullptr, false);
  if (body.is_discarded()) {
    return Status::Corruption(
        "GET " + target + " answered a body that is not JSON: " + response->body.substr(0, 200));
  }
  return body;
}

Result<nlohmann::json> ApiClient::SubmitAndWait(const Bytes& transaction, int* http_status) {
  nlohmann::json request = {{"transaction", crypto::Base64Encode(transaction)}};
  Result<network::HttpClientResponse> response =
      client_.Request("POST", "/v1/transactions?wait=commit&timeout_ms=20000", request.dump());
  if (!response.ok()) {
    return response.status();
  }
  if (http_status != nullptr) {
    *http_status = response->status;
  }
  nlohmann::json body = nlohmann::json::parse(response->body, nullptr, false);
  if (body.is_discarded()) {
    return Status::Corruption("POST answered a body that is not JSON: " +
                              response->body.substr(0, 200));
  }
  return body;
}

LocalNetwork::LocalNetwork(int validators) {
  const uint16_t base_port = FindFreePortRange(2 * validators);
  const std::filesystem::path network = folder_.path() / "network";
  CommandResult init = RunCommand(ImledgerPath() + " network init --validators " +
                                  std::to_string(validators) + " --dir " + network.string() +
                                  " --base-port " + std::to_string(base_port) + " --json");
  EXPECT_EQ(init.exit_code, 0) << init.output;
  Result<contracts::Genesis> genesis = contracts::LoadGenesisFile(network / "genesis.json");
  EXPECT_TRUE(genesis.ok()) << genesis.status().ToString();
  if (genesis.ok()) {
    genesis_ = std::move(*genesis);
  }
  for (int i = 0; i < validators; ++i) {
    nlohmann::json config = ReadJsonFile(NodeDir(i) / "config.json");
    api_ports_.push_back(config.value("api_port", uint16_t{0}));
    processes_.push_back(std::make_unique<ChildProcess>());
  }
}

LocalNetwork::~LocalNetwork() = default;

std::filesystem::path LocalNetwork::NodeDir(int node) const {
  return folder_.path() / "network" / ("node-" + std::to_string(node));
}

bool LocalNetwork::Start(int node, std::string* log) {
  ChildProcess& process = *processes_[node];
  if (process.running()) {
    return true;
  }
  const std::filesystem::path dir = NodeDir(node);
  if (!process.Start({ImledgerdPath(), "--config", (dir / "config.json").string()},
                     dir / "imledgerd.log")) {
    return false;
  }
  ApiClient client(api_ports_[node], 1000);
  for (int attempt = 0; attempt < 200; ++attempt) {
    if (client.Get("/v1/status").ok()) {
      return true;
    }
    if (!process.running()) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (log != nullptr) {
    *log = Log(node);
  }
  return false;
}

bool LocalNetwork::StartAll() {
  for (int i = 0; i < size(); ++i) {
    std::string log;
    if (!Start(i, &log)) {
      ADD_FAILURE() << "node " << i << " did not start:\n" << log;
      return false;
    }
  }
  return true;
}

std::optional<int> LocalNetwork::Stop(int node, int signal_number) {
  ChildProcess& process = *processes_[node];
  process.Signal(signal_number);
  return process.Wait(std::chrono::seconds(20));
}

bool LocalNetwork::running(int node) {
  return processes_[node]->running();
}

std::string LocalNetwork::Log(int node) const {
  std::ifstream file(NodeDir(node) / "imledgerd.log");
  return std::string(std::istreambuf_iterator<char>(file), {});
}

nlohmann::json LocalNetwork::Status(int node) {
  ApiClient client(api_ports_[node], 2000);
  Result<nlohmann::json> status = client.Get("/v1/status");
  return status.ok() ? *status : nlohmann::json::object();
}

std::optional<uint64_t> LocalNetwork::WaitForAgreement(uint64_t min_height, int timeout_s) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  while (std::chrono::steady_clock::now() < deadline) {
    std::vector<nlohmann::json> statuses;
    for (int i = 0; i < size(); ++i) {
      if (running(i)) {
        statuses.push_back(Status(i));
      }
    }
    bool agreed = !statuses.empty();
    for (const nlohmann::json& status : statuses) {
      agreed = agreed && status.contains("height") &&
               status["height"].get<uint64_t>() >= min_height &&
               status["height"] == statuses[0]["height"] && status["root"] == statuses[0]["root"] &&
               status["state_digest"] == statuses[0]["state_digest"];
    }
    if (agreed) {
      return statuses[0]["height"].get<uint64_t>();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return std::nullopt;
}

std::string LocalNetwork::OrganizationName(int org_index) const {
  return std::string("hospital-") + static_cast<char>('a' + org_index);
}

crypto::SecretKey LocalNetwork::AdminKey(int org_index) const {
  Result<crypto::SecretKey> key = crypto::ReadKeyFile(
      (folder_.path() / "network" / OrganizationName(org_index) / "admin.key").string());
  EXPECT_TRUE(key.ok()) << key.status().ToString();
  return key.ok() ? std::move(*key) : crypto::SecretKey::Generate();
}

Bytes LocalNetwork::PseudonymSecret(int org_index) const {
  std::ifstream file(folder_.path() / "network" / OrganizationName(org_index) / "pseudonym.secret",
                     std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(file), {});
}

uint64_t LocalNetwork::NextNonce(const crypto::PublicKey& key) {
  std::lock_guard lock(nonce_mutex_);
  for (auto& [known, nonce] : nonces_) {
    if (known == key) {
      return ++nonce;
    }
  }
  nonces_.emplace_back(key, 1);
  return 1;
}

}  // namespace imledger::testing

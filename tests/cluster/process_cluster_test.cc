// Real imledgerd processes on 127.0.0.1, set up by `imledger network init`. They commit a
// stream of signed transactions and agree on heights, roots and state digests. They survive a
// killed primary, and 20 kill -9 of random nodes under load, without losing a committed
// transaction. They reject a node that runs another genesis or an unknown key.

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <signal.h>

#include "contracts/payload.h"
#include "contracts/pseudonym.h"
#include "crypto/encoding.h"
#include "crypto/key_file.h"
#include "crypto/sha256.h"
#include "tests/cluster/local_network.h"

namespace imledger::testing {
namespace {

// The members and the patient that the tests' study.anchor transactions need.
struct Hospital {
  std::vector<crypto::SecretKey> technicians;
  crypto::Digest pseudonym;
};

// Submits through node `node`, requires an accepted commit and returns the response body.
nlohmann::json CommitAccepted(LocalNetwork& network, int node, const Bytes& transaction) {
  ApiClient client(network.api_port(node));
  int http_status = 0;
  Result<nlohmann::json> answer = client.SubmitAndWait(transaction, &http_status);
  EXPECT_TRUE(answer.ok()) << answer.status().ToString();
  if (!answer.ok()) {
    return {};
  }
  EXPECT_EQ(http_status, 200) << answer->dump();
  EXPECT_EQ(answer->value("status", ""), "committed") << answer->dump();
  EXPECT_EQ(answer->value("result", ""), "accepted") << answer->dump();
  return *answer;
}

Hospital EnrollHospital(LocalNetwork& network, int technicians) {
  crypto::SecretKey admin = network.AdminKey(0);
  const std::string organization = network.OrganizationName(0);
  crypto::SecretKey registrar = crypto::SecretKey::Generate();
  CommitAccepted(network, 0,
                 network.Sign(
                     contracts::MemberEnroll{
                         registrar.public_key(), organization, {contracts::Role::kRegistrar}},
                     admin));
  Hospital hospital;
  for (int i = 0; i < technicians; ++i) {
    crypto::SecretKey technician = crypto::SecretKey::Generate();
    CommitAccepted(network, 0,
                   network.Sign(
                       contracts::MemberEnroll{
                           technician.public_key(), organization, {contracts::Role::kTechnician}},
                       admin));
    hospital.technicians.push_back(std::move(technician));
  }
  Result<crypto::Digest> pseudonym =
      contracts::MakePseudonym(network.PseudonymSecret(0), "cluster-test", "patient-1");
  EXPECT_TRUE(pseudonym.ok());
  hospital.pseudonym = *pseudonym;
  CommitAccepted(network, 0,
                 network.Sign(contracts::PatientEnroll{hospital.pseudonym,
                                                       crypto::SecretKey::Generate().public_key()},
                              registrar));
  return hospital;
}

contracts::StudyAnchor Anchor(const Hospital& hospital, const std::string& uid) {
  contracts::StudyAnchor anchor;
  anchor.study_key = crypto::Sha256Of(std::string_view(uid));
  anchor.pseudonym = hospital.pseudonym;
  anchor.study_root = crypto::Sha256Of(std::string_view("root of " + uid));
  anchor.instance_count = 3;
  anchor.total_bytes = 1536;
  anchor.modalities = {"CT"};
  return anchor;
}

// The validator index of the primary of the view the nodes report.
int PrimaryOf(LocalNetwork& network, int asking_node) {
  nlohmann::json status = network.Status(asking_node);
  return static_cast<int>(status.value("view", uint64_t{0}) % network.size());
}

TEST(ProcessCluster, FourNodesAgreeOnStream) {
  LocalNetwork network;
  ASSERT_TRUE(network.StartAll());
  Hospital hospital = EnrollHospital(network, 1);
  // 1 registrar + 1 technician + 1 patient, then 40 anchors spread over all four nodes.
  constexpr int kAnchors = 40;
  std::vector<std::string> anchor_ids;
  for (int i = 0; i < kAnchors; ++i) {
    nlohmann::json answer = CommitAccepted(
        network, i % network.size(),
        network.Sign(Anchor(hospital, "2.25.100." + std::to_string(i)), hospital.technicians[0]));
    ASSERT_TRUE(answer.contains("log_index"));
    EXPECT_EQ(answer["log_index"].get<uint64_t>(), 3u + i);
    anchor_ids.push_back(answer["id"].get<std::string>());
  }
  std::optional<uint64_t> height = network.WaitForAgreement(1);
  ASSERT_TRUE(height.has_value());
  for (int i = 0; i < network.size(); ++i) {
    nlohmann::json status = network.Status(i);
    EXPECT_EQ(status["height"].get<uint64_t>(), *height) << "node " << i;
    EXPECT_EQ(status["tree_size"].get<uint64_t>(), 3u + kAnchors) << "node " << i;
    EXPECT_EQ(status["network_id"], network.genesis().network_id);
  }
  // An auditor who pins the genesis verifies the 8th anchor through node 2.
  const std::string node2 = "http://127.0.0.1:" + std::to_string(network.api_port(2));
  const std::string genesis = (network.dir() / "network" / "genesis.json").string();
  CommandResult audit = RunCommand(ImledgerPath() + " audit inclusion " + anchor_ids[7] +
                                   " --node " + node2 + " --genesis " + genesis + " --json");
  ASSERT_EQ(audit.exit_code, 0) << audit.output;
  nlohmann::json verified = nlohmann::json::parse(audit.output, nullptr, false);
  EXPECT_EQ(verified.value("verified", false), true) << audit.output;
  EXPECT_EQ(verified.value("log_index", uint64_t{0}), 3u + 7u);
  EXPECT_EQ(verified.value("result", ""), "accepted");
  EXPECT_EQ(verified.value("quorum", size_t{0}), 3u);
  EXPECT_GE(verified.value("signers", size_t{0}), 3u);
  // Pinning another network's validators, the same certificate does not verify.
  CommandResult foreign =
      RunCommand(ImledgerPath() + " audit inclusion " + anchor_ids[7] + " --node " + node2 +
                 " --genesis " + TestDataPath("contracts/genesis.json"));
  EXPECT_EQ(foreign.exit_code, 1) << foreign.output;

  // A study anchored through node 1 reads the same from node 3.
  ApiClient reader(network.api_port(3));
  std::string study_key = crypto::HexEncode(crypto::Sha256Of(std::string_view("2.25.100.1")).bytes);
  Result<nlohmann::json> study = reader.Get("/v1/studies/" + study_key);
  ASSERT_TRUE(study.ok()) << study.status().ToString();
  ASSERT_EQ((*study)["anchors"].size(), 1u) << study->dump();
  EXPECT_EQ((*study)["anchors"][0]["instance_count"].get<uint64_t>(), 3u);
}

TEST(ProcessCluster, KilledPrimaryIsReplaced) {
  LocalNetwork network;
  ASSERT_TRUE(network.StartAll());
  Hospital hospital = EnrollHospital(network, 1);
  const int primary = PrimaryOf(network, 0);
  ASSERT_EQ(network.Stop(primary, SIGKILL), 128 + SIGKILL);

  const int survivor = (primary + 1) % network.size();
  const auto killed_at = std::chrono::steady_clock::now();
  for (int i = 0; i < 10; ++i) {
    CommitAccepted(
        network, survivor,
        network.Sign(Anchor(hospital, "2.25.200." + std::to_string(i)), hospital.technicians[0]));
  }
  const double failover_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - killed_at)
          .count();
  std::printf("10 commits after killing primary %d took %.0f ms\n", primary, failover_ms);
  EXPECT_NE(PrimaryOf(network, survivor), primary);

  std::optional<uint64_t> before_restart = network.WaitForAgreement(1);
  ASSERT_TRUE(before_restart.has_value());
  std::string log;
  ASSERT_TRUE(network.Start(primary, &log)) << log;
  std::optional<uint64_t> after_restart = network.WaitForAgreement(*before_restart);
  ASSERT_TRUE(after_restart.has_value()) << network.Log(primary);
  EXPECT_EQ(network.Status(primary)["tree_size"].get<uint64_t>(), 3u + 10u);
}

// One committed transaction as a client saw it.
struct Receipt {
  std::string id;
  uint64_t height = 0;
  uint64_t log_index = 0;
};

TEST(ProcessCluster, KillNineUnderLoadLosesNothing) {
  LocalNetwork network;
  ASSERT_TRUE(network.StartAll());
  constexpr int kClients = 3;
  Hospital hospital = EnrollHospital(network, kClients);
  const uint32_t seed = TestSeed("KillNineUnderLoadLosesNothing");
  std::mt19937 random(seed);

  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::vector<Receipt> receipts;
  std::vector<std::thread> clients;
  for (int client = 0; client < kClients; ++client) {
    clients.emplace_back([&, client] {
      for (int i = 0; !stop.load(); ++i) {
        // Round-robin over the nodes; a killed node's requests fail and the next try moves on.
        ApiClient api(network.api_port((client + i) % network.size()), 5000);
        std::string uid = "2.25.300." + std::to_string(client) + "." + std::to_string(i);
        Result<nlohmann::json> answer =
            api.SubmitAndWait(network.Sign(Anchor(hospital, uid), hospital.technicians[client]));
        if (answer.ok() && answer->value("status", "") == "committed") {
          std::lock_guard lock(mutex);
          receipts.push_back({(*answer)["id"].get<std::string>(),
                              (*answer)["height"].get<uint64_t>(),
                              (*answer)["log_index"].get<uint64_t>()});
        }
      }
    });
  }
  for (int round = 0; round < 20; ++round) {
    const int victim = static_cast<int>(random() % network.size());
    ASSERT_EQ(network.Stop(victim, SIGKILL), 128 + SIGKILL) << "round " << round;
    std::this_thread::sleep_for(std::chrono::milliseconds(200 + random() % 300));
    std::string log;
    ASSERT_TRUE(network.Start(victim, &log)) << "round " << round << ":\n" << log;
    std::this_thread::sleep_for(std::chrono::milliseconds(300 + random() % 300));
  }
  stop = true;
  for (std::thread& thread : clients) {
    thread.join();
  }
  ASSERT_GT(receipts.size(), 20u) << "too little load committed to test anything";
  std::optional<uint64_t> height = network.WaitForAgreement(1, 60);
  ASSERT_TRUE(height.has_value());

  // Every receipt is on every node, at the height and log index the client received.
  for (int node = 0; node < network.size(); ++node) {
    ApiClient api(network.api_port(node));
    for (const Receipt& receipt : receipts) {
      Result<nlohmann::json> found = api.Get("/v1/transactions/" + receipt.id);
      ASSERT_TRUE(found.ok()) << found.status().ToString();
      EXPECT_EQ(found->value("status", ""), "committed") << receipt.id << " on node " << node;
      EXPECT_EQ(found->value("height", uint64_t{0}), receipt.height) << receipt.id;
      EXPECT_EQ(found->value("log_index", uint64_t{0}), receipt.log_index) << receipt.id;
    }
  }
}

// Replaces node 3 with an impostor made by `rewrite` (which edits its genesis and key) and
// checks that the other three reject it and keep committing without it.
void ExpectImpostorRejected(
    const std::function<void(nlohmann::json& genesis, const std::filesystem::path& dir)>& rewrite) {
  LocalNetwork network;
  ASSERT_TRUE(network.StartAll());
  Hospital hospital = EnrollHospital(network, 1);
  ASSERT_EQ(network.Stop(3, SIGTERM), 0);

  // The impostor reuses node 3's ports and a fresh data folder.
  const std::filesystem::path dir = network.NodeDir(3);
  std::ifstream genesis_file(network.dir() / "network" / "genesis.json");
  nlohmann::json genesis = nlohmann::json::parse(genesis_file);
  rewrite(genesis, dir);
  std::ofstream(dir / "impostor-genesis.json") << genesis.dump(2);
  std::ifstream config_file(dir / "config.json");
  nlohmann::json config = nlohmann::json::parse(config_file);
  config["genesis_file"] = (dir / "impostor-genesis.json").string();
  config["data_dir"] = (dir / "impostor-data").string();
  if (std::filesystem::exists(dir / "impostor.key")) {
    config["key_file"] = (dir / "impostor.key").string();
  }
  std::ofstream(dir / "config.json") << config.dump(2);
  std::string log;
  ASSERT_TRUE(network.Start(3, &log)) << log;

  for (int i = 0; i < 5; ++i) {
    CommitAccepted(
        network, i % 3,
        network.Sign(Anchor(hospital, "2.25.400." + std::to_string(i)), hospital.technicians[0]));
  }
  std::this_thread::sleep_for(std::chrono::seconds(1));
  nlohmann::json impostor = network.Status(3);
  EXPECT_EQ(impostor.value("height", uint64_t{99}), 0u) << impostor.dump();
  EXPECT_EQ(impostor.value("peers_connected", uint64_t{99}), 0u) << impostor.dump();
  nlohmann::json honest = network.Status(0);
  EXPECT_EQ(honest.value("tree_size", uint64_t{0}), 3u + 5u);
}

TEST(ProcessCluster, AnotherGenesisIsRejected) {
  ExpectImpostorRejected([](nlohmann::json& genesis, const std::filesystem::path&) {
    genesis["genesis_time_ms"] = genesis["genesis_time_ms"].get<uint64_t>() + 1;
  });
}

TEST(ProcessCluster, UnknownKeyIsRejected) {
  ExpectImpostorRejected([](nlohmann::json& genesis, const std::filesystem::path& dir) {
    crypto::SecretKey key = crypto::SecretKey::Generate();
    ASSERT_TRUE(crypto::WriteKeyFile((dir / "impostor.key").string(), key).ok());
    // In its own genesis the impostor's key replaces validator 3, so the impostor starts. The
    // other nodes use the real genesis, which does not contain that key.
    genesis["validators"][3]["public_key"] = crypto::HexEncode(key.public_key().view());
  });
}

TEST(ProcessCluster, BadGatewayOptionStopsDaemon) {
  LocalNetwork network;
  const std::filesystem::path config_path = network.NodeDir(0) / "config.json";
  std::ifstream config_file(config_path);
  nlohmann::json config = nlohmann::json::parse(config_file);
  config["gateway"] = {{"audience", 7}, {"member_key_file", "gateway.key"}};
  std::ofstream(config_path) << config.dump(2);

  std::string log;
  EXPECT_FALSE(network.Start(0, &log));
  EXPECT_EQ(network.Stop(0, SIGKILL), 2);
  EXPECT_NE(network.Log(0).find("config option \"gateway\""), std::string::npos) << network.Log(0);
  EXPECT_NE(network.Log(0).find("audience"), std::string::npos) << network.Log(0);
}

}  // namespace
}  // namespace imledger::testing

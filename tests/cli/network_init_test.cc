// `imledger network init`: the exact files and modes, a genesis and node configurations that
// the node's own parsers accept, and the refusal of a non-empty folder.

#include "cli/network_init.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include "cli/messages.h"
#include "contracts/genesis.h"
#include "crypto/key_file.h"
#include "node/daemon_config.h"
#include "tests/cli/command_run.h"
#include "tests/support/test_data.h"

namespace imledger::cli {
namespace {

std::string ImledgerBinary() {
  return std::string(IMLEDGER_BINARY_DIR) + "/cli/imledger";
}

unsigned FileMode(const std::filesystem::path& path) {
  struct stat info {};

  EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
  return info.st_mode & 0777;
}

std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::set<std::string> ListFiles(const std::filesystem::path& root) {
  std::set<std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) {
      files.insert(std::filesystem::relative(entry.path(), root).string());
    }
  }
  return files;
}

TEST(NetworkInitTest, WritesExactlyTheExpectedFiles) {
  testing::TemporaryFolder folder;
  NetworkInitOptions options;
  options.validators = 3;
  options.dir = folder.path() / "net";
  ASSERT_TRUE(InitNetwork(options).ok());

  std::set<std::string> expected = {"genesis.json",
                                    "hospital-a/admin.key",
                                    "hospital-a/pseudonym.secret",
                                    "hospital-b/admin.key",
                                    "hospital-b/pseudonym.secret",
                                    "hospital-c/admin.key",
                                    "hospital-c/pseudonym.secret",
                                    "node-0/config.json",
                                    "node-0/validator.key",
                                    "node-1/config.json",
                                    "node-1/validator.key",
                                    "node-2/config.json",
                                    "node-2/validator.key"};
  EXPECT_EQ(ListFiles(options.dir), expected);
}

TEST(NetworkInitTest, KeysAndSecretsAreOwnerOnly) {
  testing::TemporaryFolder folder;
  NetworkInitOptions options;
  options.validators = 2;
  options.dir = folder.path() / "net";
  ASSERT_TRUE(InitNetwork(options).ok());

  for (const char* name :
       {"hospital-a/admin.key", "hospital-a/pseudonym.secret", "hospital-b/admin.key",
        "hospital-b/pseudonym.secret", "node-0/validator.key", "node-1/validator.key"}) {
    EXPECT_EQ(FileMode(options.dir / name), 0600u) << name;
  }
  EXPECT_EQ(FileMode(options.dir / "genesis.json"), 0644u);
  EXPECT_EQ(FileMode(options.dir / "node-0/config.json"), 0644u);
  EXPECT_EQ(std::filesystem::file_size(options.dir / "hospital-a/pseudonym.secret"), 32u);
  EXPECT_NE(ReadText(options.dir / "hospital-a/pseudonym.secret"),
            ReadText(options.dir / "hospital-b/pseudonym.secret"));
}

TEST(NetworkInitTest, GenesisListsValidatorsAtTheirPorts) {
  testing::TemporaryFolder folder;
  NetworkInitOptions options;
  options.validators = 4;
  options.dir = folder.path() / "net";
  options.network_id = "test-net";
  options.base_port = 9100;
  options.genesis_time_ms = 1796378400000;
  Result<InitializedNetwork> network = InitNetwork(options);
  ASSERT_TRUE(network.ok()) << network.status().ToString();

  Result<contracts::Genesis> genesis = contracts::LoadGenesisFile(options.dir / "genesis.json");
  ASSERT_TRUE(genesis.ok()) << genesis.status().ToString();
  EXPECT_EQ(genesis->network_id, "test-net");
  EXPECT_EQ(genesis->genesis_time_ms, 1796378400000u);
  EXPECT_EQ(contracts::GenesisHash(*genesis), network->genesis_hash);
  ASSERT_EQ(genesis->validators.size(), 4u);
  ASSERT_EQ(genesis->organizations.size(), 4u);
  for (int i = 0; i < 4; ++i) {
    const contracts::GenesisValidator& validator = genesis->validators[i];
    EXPECT_EQ(validator.address, "127.0.0.1:" + std::to_string(9100 + 2 * i));
    EXPECT_EQ(validator.name, "validator-" + std::to_string(i));
    EXPECT_EQ(validator.organization, LocalOrganizationName(i));
    EXPECT_EQ(genesis->organizations[i].name, LocalOrganizationName(i));

    Result<crypto::SecretKey> key =
        crypto::ReadKeyFile((options.dir / ("node-" + std::to_string(i)) / "validator.key"));
    ASSERT_TRUE(key.ok());
    EXPECT_EQ(key->public_key(), validator.public_key);
    Result<crypto::SecretKey> admin =
        crypto::ReadKeyFile((options.dir / LocalOrganizationName(i) / "admin.key"));
    ASSERT_TRUE(admin.ok());
    ASSERT_EQ(genesis->organizations[i].admin_keys.size(), 1u);
    EXPECT_EQ(admin->public_key(), genesis->organizations[i].admin_keys[0]);
  }
  EXPECT_EQ(LocalOrganizationName(0), "hospital-a");
  EXPECT_EQ(LocalOrganizationName(3), "hospital-d");
}

TEST(NetworkInitTest, NodeConfigsParseWithTheDaemonParser) {
  testing::TemporaryFolder folder;
  NetworkInitOptions options;
  options.validators = 2;
  options.dir = folder.path() / "net";
  options.base_port = 9200;
  ASSERT_TRUE(InitNetwork(options).ok());

  for (int i = 0; i < 2; ++i) {
    std::filesystem::path node_dir = options.dir / ("node-" + std::to_string(i));
    nlohmann::json config = nlohmann::json::parse(ReadText(node_dir / "config.json"));
    EXPECT_EQ(config["api_host"], "127.0.0.1");
    EXPECT_EQ(config["api_port"], 9200 + 2 * i + 1);
    // The daemon parser does not know the API options yet; the rest must parse as they are.
    config.erase("api_host");
    config.erase("api_port");
    Result<node::DaemonConfig> parsed = node::ParseDaemonConfig(config.dump(), node_dir);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(parsed->listen_host, "127.0.0.1");
    EXPECT_EQ(parsed->listen_port, 9200 + 2 * i);
    EXPECT_EQ(parsed->key_file.lexically_normal(), (node_dir / "validator.key").lexically_normal());
    EXPECT_EQ(parsed->genesis_file.lexically_normal(),
              (options.dir / "genesis.json").lexically_normal());
    EXPECT_EQ(parsed->data_dir.lexically_normal(), (node_dir / "data").lexically_normal());
    EXPECT_FALSE(parsed->peers.has_value());
  }
}

TEST(NetworkInitTest, RefusesNonEmptyFolder) {
  SetLanguage(Language::kEnglish);
  testing::TemporaryFolder folder;
  std::ofstream(folder.File("notes.txt")) << "keep";

  CommandRun run =
      RunLedgerCommand({"network", "init", "--validators", "4", "--dir", folder.path().string()});
  EXPECT_EQ(run.exit_code, kExitInvalidInput);
  EXPECT_EQ(run.err, "error: " + folder.path().string() +
                         " exists and is not an empty folder; give a new path to --dir, or "
                         "remove the old network first\n");
  EXPECT_EQ(ListFiles(folder.path()), std::set<std::string>{"notes.txt"});
}

TEST(NetworkInitTest, RejectsOutOfRangeOptions) {
  testing::TemporaryFolder folder;
  NetworkInitOptions options;
  options.dir = folder.path() / "net";
  options.validators = 27;
  EXPECT_EQ(InitNetwork(options).status().code(), StatusCode::kInvalidArgument);
  options.validators = 0;
  EXPECT_EQ(InitNetwork(options).status().code(), StatusCode::kInvalidArgument);
  options.validators = 4;
  options.base_port = 65530;
  EXPECT_EQ(InitNetwork(options).status().code(), StatusCode::kInvalidArgument);
  options.base_port = 7400;
  options.network_id = "Bad_Id";
  EXPECT_EQ(InitNetwork(options).status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(options.dir));
}

TEST(NetworkInitTest, JsonSummaryNamesFilesAndPorts) {
  testing::TemporaryFolder folder;
  std::string dir = (folder.path() / "net").string();
  CommandRun run = RunLedgerCommand(
      {"network", "init", "--validators", "2", "--dir", dir, "--base-port", "9300", "--json"});
  ASSERT_EQ(run.exit_code, kExitOk) << run.err;
  nlohmann::json out = nlohmann::json::parse(run.out);
  EXPECT_EQ(out["network_id"], "imledger-local");
  EXPECT_EQ(out["genesis_file"], dir + "/genesis.json");
  EXPECT_EQ(out["genesis_hash"].get<std::string>().size(), 64u);
  ASSERT_EQ(out["nodes"].size(), 2u);
  EXPECT_EQ(out["nodes"][1]["peer_address"], "127.0.0.1:9302");
  EXPECT_EQ(out["nodes"][1]["api_url"], "http://127.0.0.1:9303");
  EXPECT_EQ(out["organizations"][1]["secret_file"], dir + "/hospital-b/pseudonym.secret");
}

TEST(NetworkInitTest, PrintsSummaryInChinese) {
  testing::TemporaryFolder folder;
  std::string dir = (folder.path() / "net").string();
  testing::CommandResult result =
      testing::RunCommand("LC_ALL=zh_CN.UTF-8 " + ImledgerBinary() +
                          " network init --validators 1 --base-port 9400 --dir " + dir);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("网络 imledger-local 已初始化，共 1 个验证节点"), std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("对等节点 127.0.0.1:9400，API http://127.0.0.1:9401"),
            std::string::npos)
      << result.output;

  result = testing::RunCommand("LC_ALL=zh_CN.UTF-8 " + ImledgerBinary() +
                               " network init --validators 1 --dir " + dir);
  EXPECT_EQ(result.exit_code, kExitInvalidInput);
  EXPECT_EQ(result.output,
            "错误：" + dir + " 已存在且不是空文件夹；请为 --dir 指定新路径，或先删除旧网络\n");
}

}  // namespace
}  // namespace imledger::cli

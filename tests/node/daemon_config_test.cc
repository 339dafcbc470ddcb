// ParseDaemonConfig and PeersToDial: the imledgerd configuration file.

#include "node/daemon_config.h"

#include <string>

#include <gtest/gtest.h>

#include "crypto/encoding.h"
#include "tests/contracts/test_identities.h"

namespace imledger::node {
namespace {

using contracts::testing::KeyNamed;

const std::filesystem::path kBase = "/etc/imledger";

std::string KeyHex(std::string_view name) {
  return crypto::HexEncode(KeyNamed(name).public_key().view());
}

TEST(DaemonConfigTest, ParsesEveryOption) {
  std::string text = R"({"key_file": "keys/v0.key", "genesis_file": "/srv/genesis.json",
      "data_dir": "data", "listen_host": "127.0.0.1", "listen_port": 7401,
      "peers": [{"public_key": ")" +
                     KeyHex("validator-1") + R"(", "host": "127.0.0.1", "port": 7402}]})";

  Result<DaemonConfig> config = ParseDaemonConfig(text, kBase);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->key_file, kBase / "keys/v0.key");
  EXPECT_EQ(config->genesis_file, std::filesystem::path("/srv/genesis.json"));
  EXPECT_EQ(config->data_dir, kBase / "data");
  EXPECT_EQ(config->listen_host, "127.0.0.1");
  EXPECT_EQ(config->listen_port, 7401);
  ASSERT_TRUE(config->peers.has_value());
  ASSERT_EQ(config->peers->size(), 1u);
  EXPECT_EQ((*config->peers)[0].public_key, KeyNamed("validator-1").public_key());
  EXPECT_EQ((*config->peers)[0].port, 7402);
}

TEST(DaemonConfigTest, ErrorsNameBadOption) {
  struct Case {
    std::string text;
    std::string option;
  };

  const std::string required = R"("key_file": "k", "genesis_file": "g", "data_dir": "d")";
  const Case cases[] = {
      {R"({"genesis_file": "g", "data_dir": "d"})", "\"key_file\" is missing"},
      {R"({"key_file": 7, "genesis_file": "g", "data_dir": "d"})", "\"key_file\" must be"},
      {"{" + required + R"(, "listen_port": 70000})", "\"listen_port\" must be"},
      {"{" + required + R"(, "listen_port": -1})", "\"listen_port\" must be"},
      {"{" + required + R"(, "listen_host": ""})", "\"listen_host\" must be"},
      {"{" + required + R"(, "color": "blue"})", "\"color\" is not a known option"},
      {"{" + required + R"(, "peers": {}})", "\"peers\" must be an array"},
      {"{" + required + R"(, "peers": [{"public_key": "00", "host": "h", "port": 1}]})",
       "\"peers[0].public_key\" is invalid"},
      {"{" + required + R"(, "peers": [{"public_key": ")" + KeyHex("validator-1") +
           R"(", "host": "h"}]})",
       "\"peers[0].port\" is missing"},
      {"{" + required + R"(, "peers": [{"public_key": ")" + KeyHex("validator-1") +
           R"(", "host": "h", "port": 1, "weight": 2}]})",
       "\"peers[0].weight\" is not a known option"},
  };
  for (const Case& test_case : cases) {
    Result<DaemonConfig> config = ParseDaemonConfig(test_case.text, kBase);
    EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument) << test_case.text;
    EXPECT_NE(config.status().message().find(test_case.option), std::string::npos)
        << config.status().message();
  }
}

TEST(DaemonConfigTest, ParsesServiceOptions) {
  std::string text = R"({"key_file": "k", "genesis_file": "g", "data_dir": "d",
      "api_host": "127.0.0.1", "api_port": 8401, "max_pending_requests": 500,
      "log_level": "debug", "key_passphrase_env": "IMLEDGER_KEY_PASSPHRASE",
      "api_max_body_bytes": 2000000, "api_read_timeout_ms": 5000, "api_write_timeout_ms": 6000,
      "api_pending_max_age_ms": 120000})";
  Result<DaemonConfig> config = ParseDaemonConfig(text, kBase);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->api_host, "127.0.0.1");
  EXPECT_EQ(config->api_port, 8401);
  EXPECT_EQ(config->max_pending_requests, 500u);
  EXPECT_EQ(config->log_level, "debug");
  EXPECT_EQ(config->key_passphrase_env, "IMLEDGER_KEY_PASSPHRASE");
  EXPECT_EQ(config->api_max_body_bytes, 2000000u);
  EXPECT_EQ(config->api_read_timeout_ms, 5000u);
  EXPECT_EQ(config->api_write_timeout_ms, 6000u);
  EXPECT_EQ(config->api_pending_max_age_ms, 120000u);
}

TEST(DaemonConfigTest, PendingMaxAgeDefaultsToTenMinutes) {
  Result<DaemonConfig> config =
      ParseDaemonConfig(R"({"key_file": "k", "genesis_file": "g", "data_dir": "d"})", kBase);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->api_pending_max_age_ms, 600000u);
}

TEST(DaemonConfigTest, ServiceOptionErrorsNameTheFix) {
  struct Case {
    std::string option_json;
    std::string message;
  };

  const std::string required = R"("key_file": "k", "genesis_file": "g", "data_dir": "d")";
  const Case cases[] = {
      {R"("api_port": 65536)", "config option \"api_port\" must be an integer from 0 to 65535"},
      {R"("api_host": "")", "config option \"api_host\" must be a non-empty string"},
      {R"("max_pending_requests": 0)",
       "config option \"max_pending_requests\" must be an integer from 1 to 1000000 requests"},
      {R"("log_level": "loud")",
       "config option \"log_level\" must be one of trace, debug, info, warn, error, critical "
       "or off"},
      {R"("key_passphrase_env": "1PASS")",
       "config option \"key_passphrase_env\" must name an environment variable: letters, "
       "digits and '_', not starting with a digit"},
      {R"("api_read_timeout_ms": 10)",
       "config option \"api_read_timeout_ms\" must be an integer from 100 to 600000 ms"},
      {R"("api_pending_max_age_ms": 999)",
       "config option \"api_pending_max_age_ms\" must be an integer from 1000 to 86400000 ms"},
      {R"("api_pending_max_age_ms": 86400001)",
       "config option \"api_pending_max_age_ms\" must be an integer from 1000 to 86400000 ms"},
  };
  for (const Case& test_case : cases) {
    Result<DaemonConfig> config =
        ParseDaemonConfig("{" + required + ", " + test_case.option_json + "}", kBase);
    EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument) << test_case.option_json;
    EXPECT_EQ(config.status().message(), test_case.message);
  }
}

TEST(DaemonConfigTest, RejectsTextThatIsNotObject) {
  Result<DaemonConfig> config = ParseDaemonConfig("[1, 2", kBase);
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
}

TEST(DaemonConfigTest, PeersDefaultToGenesisValidators) {
  Result<DaemonConfig> config =
      ParseDaemonConfig(R"({"key_file": "k", "genesis_file": "g", "data_dir": "d"})", kBase);
  ASSERT_TRUE(config.ok());

  Result<std::vector<network::PeerAddress>> peers =
      PeersToDial(*config, contracts::testing::TestGenesis(), KeyNamed("validator-1").public_key());
  ASSERT_TRUE(peers.ok()) << peers.status().ToString();
  ASSERT_EQ(peers->size(), 3u);
  EXPECT_EQ((*peers)[0].public_key, KeyNamed("validator-0").public_key());
  EXPECT_EQ((*peers)[0].host, "127.0.0.1");
  EXPECT_EQ((*peers)[0].port, 7401);
  EXPECT_EQ((*peers)[1].public_key, KeyNamed("validator-2").public_key());
  EXPECT_EQ((*peers)[1].port, 7403);
  EXPECT_EQ((*peers)[2].port, 7404);
}

}  // namespace
}  // namespace imledger::node

// Runs the real `imledger token issue` program and checks its token with the gateway's verifier.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gateway/token.h"
#include "tests/support/test_data.h"

namespace imledger::gateway {
namespace {

using imledger::testing::CommandResult;

CommandResult RunImledger(const std::string& arguments, const std::string& language = "C") {
  return imledger::testing::RunCommand("env -u LC_ALL -u LC_MESSAGES LANG=" + language + " " +
                                       std::string(IMLEDGER_BINARY_DIR) + "/cli/imledger " +
                                       arguments);
}

uint64_t NowMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

TEST(TokenCli, IssuedTokenVerifiesAtTheGateway) {
  imledger::testing::TemporaryFolder folder;
  std::string key = folder.File("doctor.key");
  CommandResult created = RunImledger("keys new --json " + key);
  ASSERT_EQ(created.exit_code, 0) << created.output;
  std::string public_key = nlohmann::json::parse(created.output)["public_key"];

  CommandResult issued = RunImledger("token issue --key " + key +
                                     " --audience gw-a --purpose ai-training --ttl 90s --json");
  ASSERT_EQ(issued.exit_code, 0) << issued.output;
  nlohmann::json json = nlohmann::json::parse(issued.output);
  EXPECT_EQ(json["sub"], public_key);
  EXPECT_EQ(json["jti"].get<std::string>().size(), 32u);

  Result<AccessClaims> claims =
      VerifyAccessToken(json["token"].get<std::string>(), "gw-a", NowMs(), 3'600'000);
  ASSERT_TRUE(claims.ok()) << claims.status().ToString();
  EXPECT_EQ(claims->subject.ToHex(), public_key);
  EXPECT_EQ(claims->purpose, contracts::Purpose::kAiTraining);
  EXPECT_EQ(claims->expires_at_ms - claims->issued_at_ms, 90'000u);
}

TEST(TokenCli, BadOptionsExplainTheFix) {
  imledger::testing::TemporaryFolder folder;
  std::string key = folder.File("doctor.key");
  ASSERT_EQ(RunImledger("keys new " + key).exit_code, 0);

  CommandResult purpose =
      RunImledger("token issue --key " + key + " --audience gw --purpose billing");
  EXPECT_EQ(purpose.exit_code, 2);
  EXPECT_NE(purpose.output.find("--purpose \"billing\" is invalid; use treatment"),
            std::string::npos)
      << purpose.output;

  CommandResult ttl =
      RunImledger("token issue --key " + key + " --audience gw --purpose treatment --ttl 5d");
  EXPECT_EQ(ttl.exit_code, 2);
  EXPECT_NE(ttl.output.find("--ttl \"5d\" is invalid"), std::string::npos) << ttl.output;

  CommandResult chinese = RunImledger(
      "token issue --key " + key + " --audience gw --purpose treatment --ttl 5d", "zh_CN.UTF-8");
  EXPECT_EQ(chinese.exit_code, 2);
  EXPECT_NE(chinese.output.find("无效"), std::string::npos) << chinese.output;

  CommandResult missing = RunImledger("token issue --key " + folder.File("absent.key") +
                                      " --audience gw --purpose treatment");
  EXPECT_EQ(missing.exit_code, 3) << missing.output;
}

}  // namespace
}  // namespace imledger::gateway

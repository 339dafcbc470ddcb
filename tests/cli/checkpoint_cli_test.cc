// Runs the real `imledger checkpoint verify` program on signed checkpoints and checks its output
// and exit code, as an auditor's script would.

#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ledger/checkpoint.h"
#include "tests/support/test_data.h"

namespace imledger::cli {
namespace {

using testing::CommandResult;

constexpr std::string_view kNetwork = "imledger-test";

CommandResult RunImledger(const std::string& arguments, const std::string& input,
                          const std::string& environment = "LANG=C") {
  return testing::RunCommand("env -u LC_ALL -u LC_MESSAGES " + environment + " " +
                                 std::string(IMLEDGER_BINARY_DIR) + "/cli/imledger " + arguments,
                             input);
}

class CheckpointCli : public ::testing::Test {
 protected:
  void SetUp() override {
    for (uint8_t i = 1; i <= 4; ++i) {
      keys_.push_back(crypto::SecretKey::FromSeed(Bytes(32, i)).value());
      public_keys_.push_back(keys_.back().public_key());
    }
    std::ofstream file(KeysPath());
    file << "# validators of imledger-test\n\n";
    std::vector<ledger::NoteVerifier> verifiers =
        ledger::ValidatorVerifiers(kNetwork, public_keys_).value();
    for (const ledger::NoteVerifier& verifier : verifiers) {
      file << ledger::FormatVerifierKey(verifier) << "\n";
    }
  }

  std::string KeysPath() const { return folder_.File("validators.txt"); }

  std::string SignedBy(size_t signer_count) const {
    crypto::Digest root = crypto::Sha256Of(std::string_view("root"));
    ledger::Checkpoint checkpoint = ledger::MakeCheckpoint(kNetwork, 7, root).value();
    std::span<const crypto::SecretKey> signers(keys_.data(), signer_count);
    return ledger::FormatSignedNote(ledger::SignCheckpoint(checkpoint, signers).value());
  }

  std::string VerifyArguments() const {
    return "checkpoint verify --network imledger-test --keys " + KeysPath();
  }

  testing::TemporaryFolder folder_;
  std::vector<crypto::SecretKey> keys_;
  std::vector<crypto::PublicKey> public_keys_;
};

TEST_F(CheckpointCli, QuorumOfSignaturesExitsZero) {
  CommandResult run = RunImledger(VerifyArguments(), SignedBy(3));
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(run.output, "verified: tree size 7, root " +
                            crypto::Sha256Of(std::string_view("root")).ToHex() + "\n");
}

TEST_F(CheckpointCli, BelowDefaultQuorumExitsOne) {
  CommandResult run = RunImledger(VerifyArguments(), SignedBy(2));
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.output,
            "not verified: checkpoint has 2 valid validator signatures; the quorum "
            "is 3\n");
}

TEST_F(CheckpointCli, ExplicitQuorumIsUsed) {
  CommandResult run = RunImledger(VerifyArguments() + " --quorum 2 --json", SignedBy(2));
  EXPECT_EQ(run.exit_code, 0) << run.output;
  nlohmann::json out = nlohmann::json::parse(run.output);
  EXPECT_EQ(out["verified"], true);
  EXPECT_EQ(out["size"], 7);
}

TEST_F(CheckpointCli, OtherNetworkExitsTwo) {
  CommandResult run =
      RunImledger("checkpoint verify --network imledger-prod --keys " + KeysPath(), SignedBy(3));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.output.find("is not named as a validator of this network"), std::string::npos)
      << run.output;
}

TEST_F(CheckpointCli, MalformedCheckpointExitsTwo) {
  CommandResult run = RunImledger(VerifyArguments(), "imledger-test\n7\n");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.output, "invalid input: note has no blank line before its signatures\n");
}

TEST_F(CheckpointCli, AlteredCheckpointExitsOne) {
  std::string altered = SignedBy(4);
  altered.replace(altered.find("\n7\n"), 3, "\n8\n");
  CommandResult run = RunImledger(VerifyArguments(), altered);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_TRUE(run.output.starts_with("not verified: signature by imledger-test/validator-"))
      << run.output;
}

TEST_F(CheckpointCli, ChineseLocaleTranslatesResult) {
  CommandResult run = RunImledger(VerifyArguments(), SignedBy(2), "LANG=zh_CN.UTF-8");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_TRUE(run.output.starts_with("校验未通过：")) << run.output;
}

TEST_F(CheckpointCli, MissingKeysFileExitsThree) {
  CommandResult run = RunImledger(
      "checkpoint verify --network imledger-test --keys " + folder_.File("absent.txt"), "");
  EXPECT_EQ(run.exit_code, 3);
}

}  // namespace
}  // namespace imledger::cli

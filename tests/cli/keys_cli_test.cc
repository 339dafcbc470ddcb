// Runs the real `imledger keys ...` program as an operator would.

#include <fstream>

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "tests/support/test_data.h"

namespace imledger::cli {
namespace {

using testing::CommandResult;

CommandResult RunImledger(const std::string& arguments, const std::string& language = "C") {
  return testing::RunCommand("env -u LC_ALL -u LC_MESSAGES LANG=" + language + " " +
                             std::string(IMLEDGER_BINARY_DIR) + "/cli/imledger " + arguments);
}

std::string PublicKeyOf(const CommandResult& result) {
  nlohmann::json json = nlohmann::json::parse(result.output);
  return json["public_key"];
}

TEST(KeysCli, NewThenShowPrintTheSamePublicKey) {
  testing::TemporaryFolder folder;
  std::string path = folder.File("node.key");
  CommandResult created = RunImledger("keys new --json " + path);
  ASSERT_EQ(created.exit_code, 0) << created.output;
  CommandResult shown = RunImledger("keys show --json " + path);
  ASSERT_EQ(shown.exit_code, 0) << shown.output;
  EXPECT_EQ(PublicKeyOf(created), PublicKeyOf(shown));
  EXPECT_EQ(PublicKeyOf(shown).size(), 64u);

  struct stat info {};

  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

TEST(KeysCli, NewRefusesToOverwrite) {
  testing::TemporaryFolder folder;
  std::string path = folder.File("node.key");
  ASSERT_EQ(RunImledger("keys new " + path).exit_code, 0);
  CommandResult again = RunImledger("keys new " + path);
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_EQ(again.output, "error: " + path +
                              " already exists; choose another path or pass --force to replace "
                              "it\n");
}

TEST(KeysCli, SealedKeyNeedsItsPassphraseFile) {
  testing::TemporaryFolder folder;
  std::string path = folder.File("sealed.key");
  std::ofstream(folder.File("right")) << "correct horse\n";
  std::ofstream(folder.File("wrong")) << "battery staple\n";
  CommandResult created =
      RunImledger("keys new --json --passphrase-file " + folder.File("right") + " " + path);
  ASSERT_EQ(created.exit_code, 0) << created.output;
  CommandResult wrong =
      RunImledger("keys show --passphrase-file " + folder.File("wrong") + " " + path);
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.output.find("the passphrase is wrong"), std::string::npos);
  CommandResult right =
      RunImledger("keys show --json --passphrase-file " + folder.File("right") + " " + path);
  ASSERT_EQ(right.exit_code, 0) << right.output;
  EXPECT_EQ(PublicKeyOf(right), PublicKeyOf(created));
}

TEST(KeysCli, WorldReadableKeyIsRejectedInChinese) {
  testing::TemporaryFolder folder;
  std::string path = folder.File("open.key");
  ASSERT_EQ(RunImledger("keys new " + path).exit_code, 0);
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  CommandResult shown = RunImledger("keys show " + path, "zh_CN.UTF-8");
  EXPECT_EQ(shown.exit_code, 1);
  EXPECT_EQ(shown.output.rfind("错误：", 0), 0u) << shown.output;
  EXPECT_NE(shown.output.find("chmod 600 " + path), std::string::npos);
}

}  // namespace
}  // namespace imledger::cli

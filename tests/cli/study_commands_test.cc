// `imledger study digest` as a user runs it: exit codes, the JSON output, and the language of
// the messages.

#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/messages.h"
#include "tests/cli/command_run.h"

namespace imledger::cli {
namespace {

std::string Sample(std::string_view relative) {
  return std::string(IMLEDGER_TEST_DATA) + "/dicom/" + std::string(relative);
}

CommandRun RunImledger(const std::vector<std::string>& arguments) {
  CLI::App app{"imledger"};
  AddStudyCommands(app);
  return RunCommandOn(app, arguments);
}

TEST(StudyCommandsTest, DigestPrintsStudyRootAsJson) {
  SetLanguage(Language::kEnglish);
  CommandRun run = RunImledger({"study", "digest", "--json", Sample("basic/MR_small.dcm"),
                                Sample("transfer-syntax/MR_small_implicit.dcm")});
  ASSERT_EQ(run.exit_code, kExitOk) << run.err;
  nlohmann::json out = nlohmann::json::parse(run.out);
  ASSERT_EQ(out["studies"].size(), 1u);
  const nlohmann::json& study = out["studies"][0];
  EXPECT_EQ(study["root"], "0e174d41bb110555dfc5db1d008a831f88fbb3d02800d08264ec9af894a6ca33");
  EXPECT_EQ(study["instance_count"], 1);
  EXPECT_EQ(study["duplicate_files"], 1);
  EXPECT_EQ(study["instances"][0]["instance_digest"],
            "a98c0405924ebdeb9e1a60534fbbe5e67d18878c40d244c143f4a68b4f03941b");
  EXPECT_FALSE(study["instances"][0].contains("patient_id"));
}

TEST(StudyCommandsTest, ProofIsPrintedForNamedInstance) {
  SetLanguage(Language::kEnglish);
  CommandRun run =
      RunImledger({"study", "digest", "--json", "--prove",
                   "1.3.6.1.4.1.5962.1.1.4.1.1.20040826185059.5457", Sample("basic/MR_small.dcm")});
  ASSERT_EQ(run.exit_code, kExitOk) << run.err;
  nlohmann::json proof = nlohmann::json::parse(run.out)["studies"][0]["proof"];
  EXPECT_EQ(proof["index"], 0);
  EXPECT_EQ(proof["size"], 1);
  EXPECT_TRUE(proof["path"].empty());
}

TEST(StudyCommandsTest, InvalidDicomExitsWithFourAndNamesFile) {
  SetLanguage(Language::kEnglish);
  CommandRun run = RunImledger(
      {"study", "digest", Sample("basic/MR_small.dcm"), Sample("malformed/rtplan_truncated.dcm")});
  EXPECT_EQ(run.exit_code, kExitInvalidDicom);
  EXPECT_EQ(run.out, "");
  EXPECT_NE(run.err.find("rtplan_truncated.dcm is not valid DICOM"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("1 of 2 files failed"), std::string::npos) << run.err;
}

TEST(StudyCommandsTest, MissingPathExitsWithThree) {
  SetLanguage(Language::kEnglish);
  CommandRun run = RunImledger({"study", "digest", Sample("no-such-folder")});
  EXPECT_EQ(run.exit_code, kExitUnreadable);
  EXPECT_NE(run.err.find("no-such-folder"), std::string::npos) << run.err;
}

TEST(StudyCommandsTest, ConflictingCopiesExitWithFour) {
  SetLanguage(Language::kEnglish);
  CommandRun run = RunImledger({"study", "digest", Sample("basic/MR_small.dcm"),
                                Sample("transfer-syntax/MR_small_RLE.dcm")});
  EXPECT_EQ(run.exit_code, kExitInvalidDicom);
  EXPECT_NE(run.err.find("has different datasets"), std::string::npos) << run.err;
}

TEST(StudyCommandsTest, UnknownProofInstanceIsInvalidInput) {
  SetLanguage(Language::kEnglish);
  CommandRun run = RunImledger({"study", "digest", "--prove", "1.2", Sample("basic/MR_small.dcm")});
  EXPECT_EQ(run.exit_code, kExitInvalidInput);
  EXPECT_EQ(run.out, "");
}

TEST(StudyCommandsTest, ChineseLocalePrintsChineseLabels) {
  SetLanguage(Language::kChinese);
  CommandRun run = RunImledger({"study", "digest", Sample("basic/MR_small.dcm")});
  SetLanguage(Language::kEnglish);
  ASSERT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_NE(run.out.find("实例数      1"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("根          0e174d41"), std::string::npos) << run.out;
}

}  // namespace
}  // namespace imledger::cli

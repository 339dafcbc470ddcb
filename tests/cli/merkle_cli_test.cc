// Runs the real `imledger merkle ...` program with JSON on standard input and checks its output
// and exit code, as an auditor's script would.

#include <gtest/gtest.h>

#include "tests/support/test_data.h"

namespace imledger::cli {
namespace {

using testing::CommandResult;

CommandResult RunImledger(const std::string& arguments, const std::string& input,
                          const std::string& environment = "LANG=C") {
  return testing::RunCommand("env -u LC_ALL -u LC_MESSAGES " + environment + " " +
                                 std::string(IMLEDGER_BINARY_DIR) + "/cli/imledger " + arguments,
                             input);
}

nlohmann::json Tree() {
  return testing::LoadJson("vectors/rfc6962_reference_tree.json");
}

TEST(MerkleCli, RootOfReferenceLeaves) {
  nlohmann::json input = {{"leaves", Tree()["leaf_inputs_hex"]}};
  CommandResult run = RunImledger("merkle root", input.dump());
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.output, "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328\n");
}

TEST(MerkleCli, VerifyInclusionReferenceVectorsExitZero) {
  nlohmann::json vectors = testing::LoadJson("vectors/rfc6962_inclusion_proofs.json")["vectors"];
  for (const auto& vector : vectors) {
    nlohmann::json input = {{"leaf_hash", vector["leaf_hash"]},
                            {"index", vector["leaf_index"]},
                            {"size", vector["tree_size"]},
                            {"root", vector["root_hash"]},
                            {"proof", vector["audit_path"]}};
    CommandResult run = RunImledger("merkle verify-inclusion", input.dump());
    EXPECT_EQ(run.exit_code, 0) << run.output;
    EXPECT_EQ(run.output, "verified\n");
  }
}

TEST(MerkleCli, WrongRootExitsOneWithReason) {
  nlohmann::json vector = testing::LoadJson("vectors/rfc6962_inclusion_proofs.json")["vectors"][1];
  nlohmann::json input = {{"leaf_hash", vector["leaf_hash"]},
                          {"index", vector["leaf_index"]},
                          {"size", vector["tree_size"]},
                          {"root", std::string(64, '0')},
                          {"proof", vector["audit_path"]}};
  CommandResult run = RunImledger("merkle verify-inclusion --json", input.dump());
  EXPECT_EQ(run.exit_code, 1);
  nlohmann::json out = nlohmann::json::parse(run.output);
  EXPECT_EQ(out["verified"], false);
  EXPECT_NE(out["reason"].get<std::string>().find("differs from expected root"), std::string::npos);
}

TEST(MerkleCli, VerifyConsistencyReferenceVectorsExitZero) {
  nlohmann::json vectors = testing::LoadJson("vectors/rfc6962_consistency_proofs.json")["vectors"];
  for (const auto& vector : vectors) {
    nlohmann::json input = {{"size1", vector["first_size"]},
                            {"size2", vector["second_size"]},
                            {"root1", vector["first_root"]},
                            {"root2", vector["second_root"]},
                            {"proof", vector["consistency_path"]}};
    CommandResult run = RunImledger("merkle verify-consistency", input.dump());
    EXPECT_EQ(run.exit_code, 0) << run.output;
  }
}

TEST(MerkleCli, MissingFieldExitsTwoAndNamesIt) {
  CommandResult run = RunImledger("merkle verify-consistency", R"({"size1": 1, "size2": 2})");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.output,
            "invalid input: field \"root1\" is missing or has the wrong type; expected a 64-digit "
            "hex string\n");
}

TEST(MerkleCli, NegativeSizeAndShortHashAreInvalidInput) {
  CommandResult negative = RunImledger("merkle verify-inclusion",
                                       R"({"leaf_hash": "00", "index": -1, "size": 1, "root": "00",
                                 "proof": []})");
  EXPECT_EQ(negative.exit_code, 2);
  std::string root(64, 'a');
  CommandResult short_hash =
      RunImledger("merkle verify-inclusion", R"({"leaf_hash": ")" + root +
                                                 R"(", "index": 0, "size": 2, "root": ")" + root +
                                                 R"(", "proof": ["abcd"]})");
  EXPECT_EQ(short_hash.exit_code, 2);
  EXPECT_NE(short_hash.output.find("proof[0] must be 32 bytes"), std::string::npos);
}

TEST(MerkleCli, NotJsonIsInvalidInput) {
  CommandResult run = RunImledger("merkle root", "leaves: 00");
  EXPECT_EQ(run.exit_code, 2);
}

TEST(MerkleCli, ChineseLocaleGetsChineseMessages) {
  CommandResult run =
      RunImledger("merkle verify-consistency", R"({"size1": 1})", "LANG=zh_CN.UTF-8");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.output, "输入无效：字段 \"size2\" 缺失或类型错误；应为 64 位无符号整数\n");
}

}  // namespace
}  // namespace imledger::cli

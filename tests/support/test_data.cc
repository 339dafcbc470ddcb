#include "tests/support/test_data.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "crypto/encoding.h"

namespace imledger::testing {

std::string TestDataPath(const std::string& relative) {
  return std::string(IMLEDGER_TEST_DATA) + "/" + relative;
}

nlohmann::json LoadJson(const std::string& relative) {
  std::ifstream in(TestDataPath(relative));
  EXPECT_TRUE(in.good()) << "cannot open " << TestDataPath(relative);
  return nlohmann::json::parse(in);
}

Bytes HexBytes(const std::string& hex) {
  return crypto::HexDecode(hex).value();
}

crypto::Digest HexDigest(const std::string& hex) {
  Bytes bytes = HexBytes(hex);
  crypto::Digest digest;
  EXPECT_EQ(bytes.size(), digest.bytes.size()) << hex;
  std::copy_n(bytes.begin(), std::min(bytes.size(), digest.bytes.size()), digest.bytes.begin());
  return digest;
}

uint32_t TestSeed(const char* test_name) {
  const char* forced = std::getenv("IMLEDGER_SEED");
  uint32_t seed = forced != nullptr ? static_cast<uint32_t>(std::strtoul(forced, nullptr, 10))
                                    : std::random_device{}();
  std::printf("%s: seed %u (replay with IMLEDGER_SEED=%u)\n", test_name, seed, seed);
  return seed;
}

CommandResult RunCommand(const std::string& command_line, const std::string& input) {
  TemporaryFolder folder;
  std::string input_path = folder.File("stdin");
  std::ofstream(input_path) << input;
  std::string command = command_line + " < " + input_path + " 2>&1";
  CommandResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  EXPECT_NE(pipe, nullptr) << command;
  if (pipe == nullptr) {
    return result;
  }
  char buffer[4096];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
    result.output.append(buffer, n);
  }
  int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

TemporaryFolder::TemporaryFolder() {
  std::string pattern = (std::filesystem::temp_directory_path() / "imledger-test-XXXXXX").string();
  char* made = ::mkdtemp(pattern.data());
  EXPECT_NE(made, nullptr) << "mkdtemp failed for " << pattern;
  path_ = pattern;
}

TemporaryFolder::~TemporaryFolder() {
  std::error_code ignored;  // A leftover temporary folder is not worth failing a test over.
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace imledger::testing

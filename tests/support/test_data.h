// Helpers shared by tests: paths under tests/data, JSON loading and temporary folders.

#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "base/bytes.h"
#include "crypto/sha256.h"

namespace imledger::testing {

std::string TestDataPath(const std::string& relative);

nlohmann::json LoadJson(const std::string& relative);

Bytes HexBytes(const std::string& hex);

crypto::Digest HexDigest(const std::string& hex);

// The seed for a randomized test: IMLEDGER_SEED from the environment when set (to replay a
// failure), otherwise a fresh one. Prints it either way.
uint32_t TestSeed(const char* test_name);

struct CommandResult {
  int exit_code = -1;  // -1 when the program did not exit normally.
  std::string output;  // Standard output and standard error together.
};

// Runs `command_line` through /bin/sh with `input` on its standard input.
CommandResult RunCommand(const std::string& command_line, const std::string& input = "");

// A fresh folder under the system temporary directory, removed with its contents on destruction.
class TemporaryFolder {
 public:
  TemporaryFolder();
  ~TemporaryFolder();
  TemporaryFolder(const TemporaryFolder&) = delete;
  TemporaryFolder& operator=(const TemporaryFolder&) = delete;

  const std::filesystem::path& path() const { return path_; }

  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace imledger::testing

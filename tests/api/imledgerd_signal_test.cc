// A real imledgerd process from the build folder: a one-validator network whose key file is
// sealed under a passphrase from the environment. The test commits a transaction through the
// HTTP API, sends SIGTERM to that process alone, expects exit status 0, and restarts it on the
// same data folder at the same height.

#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "contracts/genesis.h"
#include "crypto/key_file.h"
#include "tests/api/api_test_support.h"
#include "tests/contracts/ledger_fixture.h"

namespace imledger::api {
namespace {

using contracts::Role;
using contracts::testing::KeyNamed;
using testing::Enrollment;
using testing::JsonResponse;
using testing::Request;
using testing::SubmitBody;

constexpr char kPassphraseVariable[] = "IMLEDGER_SIGNAL_TEST_PASSPHRASE";

class ImledgerdProcess {
 public:
  // Starts imledgerd with `config`, its output in `log_path`.
  ImledgerdProcess(const std::filesystem::path& config, const std::filesystem::path& log_path)
      : log_path_(log_path) {
    std::string binary = std::string(IMLEDGER_BINARY_DIR) + "/node/imledgerd";
    pid_ = fork();
    if (pid_ == 0) {
      int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      execl(binary.c_str(), binary.c_str(), "--config", config.c_str(), nullptr);
      _exit(127);
    }
  }

  ~ImledgerdProcess() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  // The API port from the "event=api_started port=N" log line, or 0 after `timeout`.
  uint16_t WaitForApiPort(std::chrono::seconds timeout) {
    std::regex started("event=api_started port=([0-9]+)");
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      std::ifstream file(log_path_);
      std::stringstream text;
      text << file.rdbuf();
      std::smatch match;
      std::string log = text.str();
      if (std::regex_search(log, match, started)) {
        return static_cast<uint16_t>(std::stoi(match[1]));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return 0;
  }

  // Sends SIGTERM and returns the exit status, or -1 when the process did not exit normally.
  int Terminate() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    exited_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  pid_t pid() const { return pid_; }

 private:
  std::filesystem::path log_path_;
  pid_t pid_ = -1;
  bool exited_ = false;
};

class ImledgerdSignalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    contracts::Genesis genesis = contracts::testing::TestGenesis();
    genesis.validators.resize(1);
    ASSERT_TRUE(contracts::ValidateGenesis(genesis).ok());
    std::ofstream(folder_.path() / "genesis.json") << contracts::GenesisToJson(genesis);

    crypto::KeyFileOptions key_options;
    key_options.passphrase = "correct horse battery staple";
    key_options.memlimit = 8u << 20;  // Small, so the test stays fast.
    Status written = crypto::WriteKeyFile((folder_.path() / "validator.key").string(),
                                          KeyNamed("validator-0"), key_options);
    ASSERT_TRUE(written.ok()) << written.ToString();
    setenv(kPassphraseVariable, "correct horse battery staple", 1);

    nlohmann::json config = {{"key_file", "validator.key"},
                             {"genesis_file", "genesis.json"},
                             {"data_dir", "data"},
                             {"listen_port", 0},
                             {"api_port", 0},
                             {"log_level", "info"},
                             {"key_passphrase_env", kPassphraseVariable}};
    std::ofstream(folder_.path() / "config.json") << config.dump();
  }

  void TearDown() override { unsetenv(kPassphraseVariable); }

  contracts::testing::TempDirectory folder_;
};

TEST_F(ImledgerdSignalTest, SigtermExitsCleanlyAndRestartKeepsHeight) {
  uint64_t committed_height = 0;
  {
    ImledgerdProcess daemon(folder_.path() / "config.json", folder_.path() / "first.log");
    ASSERT_GT(daemon.pid(), 0);
    uint16_t port = daemon.WaitForApiPort(std::chrono::seconds(30));
    ASSERT_NE(port, 0) << "imledgerd did not start; see " << folder_.path() / "first.log";

    testing::Signer signer;
    Bytes enroll =
        signer.Sign("admin-a", Enrollment("technician-a", "hospital-a", Role::kTechnician));
    JsonResponse committed =
        Request(port, "POST", "/v1/transactions?wait=commit&timeout_ms=20000", SubmitBody(enroll));
    ASSERT_EQ(committed.status, 200) << committed.body;
    EXPECT_EQ(committed.json["result"], "accepted");
    committed_height = committed.json["height"].get<uint64_t>();
    EXPECT_EQ(committed_height, 1u);
    EXPECT_EQ(daemon.Terminate(), 0);
  }

  ImledgerdProcess restarted(folder_.path() / "config.json", folder_.path() / "second.log");
  uint16_t port = restarted.WaitForApiPort(std::chrono::seconds(30));
  ASSERT_NE(port, 0) << "imledgerd did not restart; see " << folder_.path() / "second.log";
  JsonResponse status = Request(port, "GET", "/v1/status");
  ASSERT_EQ(status.status, 200) << status.body;
  EXPECT_EQ(status.json["height"], committed_height);
  EXPECT_EQ(status.json["tree_size"], 1);
  EXPECT_EQ(restarted.Terminate(), 0);
}

}  // namespace
}  // namespace imledger::api

// kill -9 a real writer process at random points, many times, and check after each kill that
// the store reopens at a whole block: every acknowledged block is there, no block is half
// written, and the log, the headers and the caller's state writes agree.

#include <cstdio>
#include <random>
#include <thread>

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/ledger/block_store_fixture.h"
#include "tests/support/test_data.h"

namespace imledger::ledger {
namespace {

struct Child {
  pid_t pid = -1;
  int stdout_fd = -1;
};

Child StartWriter(const std::string& folder) {
  int pipe_fds[2];
  EXPECT_EQ(::pipe(pipe_fds), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    ::close(pipe_fds[0]);
    std::string program = std::string(IMLEDGER_BINARY_DIR) + "/tests/block_store_crash_writer";
    ::execl(program.c_str(), program.c_str(), folder.c_str(), nullptr);
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  return {pid, pipe_fds[0]};
}

// The last height the child printed in full before it died, or `before` if it printed none.
uint64_t LastAcknowledgedHeight(int fd, uint64_t before) {
  std::string output;
  char buffer[4096];
  ssize_t n = 0;
  while ((n = ::read(fd, buffer, sizeof buffer)) > 0) {
    output.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  size_t end = output.rfind('\n');
  if (end == std::string::npos) {
    return before;
  }
  size_t begin = output.rfind('\n', end - 1);
  begin = begin == std::string::npos ? 0 : begin + 1;
  return std::stoull(output.substr(begin, end - begin));
}

// Returns the height the store reopened at.
uint64_t CheckWholeStore(const std::string& folder, uint64_t acknowledged) {
  Result<std::unique_ptr<BlockStore>> opened = BlockStore::Open(folder);
  EXPECT_TRUE(opened.ok()) << opened.status().ToString();
  if (!opened.ok()) {
    return 0;
  }
  BlockStore& store = **opened;
  EXPECT_GE(store.height(), acknowledged) << "an acknowledged block was lost";
  EXPECT_LE(store.height(), acknowledged + 1) << "more blocks than were attempted";

  crypto::Digest previous{};
  crypto::PublicKey signer = testing::BlockSigner().public_key();
  for (uint64_t height = 1; height <= store.height(); ++height) {
    CommitCertificate certificate = store.ReadCertificate(height).value();
    EXPECT_TRUE(
        VerifyCommitCertificate(certificate, testing::kTestNetwork, std::span(&signer, 1), 1).ok());
    EXPECT_EQ(certificate.header.previous_hash, previous) << "height " << height;
    EXPECT_EQ(store.ReadEntries(height).value(), testing::EntriesForHeight(height));
    EXPECT_EQ(store.log().RootAt(certificate.header.tree_size).value(),
              certificate.header.tree_root);
    previous = BlockHash(certificate.header);
  }
  EXPECT_EQ(store.log().size(), store.last_header() ? store.last_header()->tree_size : 0);
  std::string state;
  if (store.height() > 0) {
    EXPECT_TRUE(store.db()->Get(leveldb::ReadOptions(), "sheight", &state).ok());
    EXPECT_EQ(state, std::to_string(store.height())) << "state and block disagree";
  }
  return store.height();
}

TEST(BlockStoreCrash, KillNineLeavesOnlyWholeBlocks) {
  testing::TemporaryFolder folder;
  std::string store = folder.File("store");
  uint32_t seed = testing::TestSeed("BlockStoreCrash");
  std::mt19937 random(seed);
  constexpr int kKills = 30;
  uint64_t height = 0;
  for (int round = 0; round < kKills; ++round) {
    SCOPED_TRACE("round " + std::to_string(round) + ", seed " + std::to_string(seed));
    Child child = StartWriter(store);
    ASSERT_GT(child.pid, 0);
    std::this_thread::sleep_for(
        std::chrono::microseconds(std::uniform_int_distribution<int>(2000, 60000)(random)));
    ASSERT_EQ(::kill(child.pid, SIGKILL), 0);
    int wait_status = 0;
    ASSERT_EQ(::waitpid(child.pid, &wait_status, 0), child.pid);
    ASSERT_TRUE(WIFSIGNALED(wait_status)) << "the writer exited on its own, status " << wait_status;
    height = CheckWholeStore(store, LastAcknowledgedHeight(child.stdout_fd, height));
  }
  auto final_store = BlockStore::Open(store).value();
  std::printf("crash test: %d kills, final height %llu\n", kKills,
              static_cast<unsigned long long>(final_store->height()));
  EXPECT_GT(final_store->height(), 0u);
}

}  // namespace
}  // namespace imledger::ledger

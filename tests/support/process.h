// A child process started by a test, for tests that run real imledgerd and imledger programs.
//
// Start forks and execs `argv` with stdout and stderr appended to a log file, so a failing test
// can show what the process printed. The destructor sends SIGKILL to the child if it still
// runs and reaps it, so a failed assertion never leaves a process behind. Only the PID that
// Start created is ever signalled. Not thread-safe: one owner.

#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace imledger::testing {

class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess();

  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Starts `argv` (argv[0] is the program path) with the environment of the test plus
  // `extra_environment` entries of the form "NAME=value". Returns false when fork or the log
  // file fails; an exec failure shows as exit status 127.
  bool Start(const std::vector<std::string>& argv, const std::filesystem::path& log_path,
             const std::vector<std::string>& extra_environment = {});

  // Sends `signal_number` to the child if it runs.
  void Signal(int signal_number);

  // Waits for the child to exit for at most `timeout`; returns its exit status (or 128 + the
  // signal that ended it), or nothing when it still runs after the timeout. After the child
  // was reaped, returns the status it exited with.
  std::optional<int> Wait(std::chrono::milliseconds timeout);

  // True while the child has been started and not yet reaped.
  bool running();

  pid_t pid() const { return pid_; }

  std::string ReadLog() const;

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_status_;  // Set when the child was reaped.
  std::filesystem::path log_path_;
};

}  // namespace imledger::testing

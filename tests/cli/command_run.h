// Runs `imledger` subcommands inside the test process, as main.cc would, and captures what they
// print. Not thread-safe: it captures the process's standard output and error.

#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <gtest/gtest.h>

#include "cli/commands.h"

namespace imledger::cli {

struct CommandRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Parses `arguments` with the command groups already registered on `app`.
inline CommandRun RunCommandOn(CLI::App& app, const std::vector<std::string>& arguments) {
  std::vector<const char*> argv = {"imledger"};
  for (const std::string& argument : arguments) {
    argv.push_back(argument.c_str());
  }
  CommandRun run;
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
    run.exit_code = kExitOk;
  } catch (const CLI::ParseError& error) {
    run.exit_code = error.get_exit_code();
  }
  run.out = ::testing::internal::GetCapturedStdout();
  run.err = ::testing::internal::GetCapturedStderr();
  return run;
}

// Registers every command group that sets up or uses a network, then parses `arguments`.
inline CommandRun RunLedgerCommand(const std::vector<std::string>& arguments) {
  CLI::App app{"imledger"};
  AddStudyCommands(app);
  AddStudyAnchorCommand(*app.get_subcommand("study"));
  AddNetworkCommands(app);
  AddMemberCommands(app);
  AddClinicalCommands(app);
  AddNodeCommands(app);
  return RunCommandOn(app, arguments);
}

}  // namespace imledger::cli

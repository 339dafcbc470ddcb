// imledger: the command-line tool for operators, technicians, radiologists and auditors.

#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/messages.h"

namespace {

int Run(int argc, char** argv) {
  CLI::App app{imledger::cli::Text("app.help"), "imledger"};
  app.require_subcommand(1);
  imledger::cli::AddKeysCommands(app);
  imledger::cli::AddMerkleCommands(app);
  imledger::cli::AddStudyCommands(app);
  imledger::cli::AddStudyAnchorCommand(*app.get_subcommand("study"));
  imledger::cli::AddCheckpointCommands(app);
  imledger::cli::AddNetworkCommands(app);
  imledger::cli::AddMemberCommands(app);
  imledger::cli::AddClinicalCommands(app);
  imledger::cli::AddNodeCommands(app);
  imledger::cli::AddAuditCommands(app);
  imledger::cli::AddTokenCommands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // Subcommand handlers end by throwing CLI::RuntimeError with their exit code, which CLI11
    // reports through the same path as a parse error.
    return app.exit(error);
  }
  return imledger::cli::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& error) {
    // A bug or an exhausted resource: report it rather than abort with a core dump.
    std::fprintf(stderr, "imledger: %s\n", error.what());
  } catch (...) {
    std::fprintf(stderr, "imledger: unknown exception\n");
  }
  return imledger::cli::kExitInternal;
}

// imledger: the command-line tool for operators, technicians, radiologists and auditors.

#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/messages.h"
#include "cli/usage_error.h"

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
  } catch (const CLI::RuntimeError& error) {
    // Subcommand handlers end by throwing CLI::RuntimeError with their exit code.
    return error.get_exit_code();
  } catch (const CLI::CallForHelp& error) {
    return app.exit(error);
  } catch (const CLI::CallForAllHelp& error) {
    return app.exit(error);
  } catch (const CLI::ParseError& error) {
    // A missing or malformed option: CLI11's own exit codes (106 and so on) are not the ones
    // docs/cli.md documents, so every usage error exits with kExitInvalidInput.
    return imledger::cli::ReportUsageError(error, imledger::cli::JsonRequested(argc, argv));
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

// Subcommand groups of the `imledger` program. Each Add*Commands registers its subcommands on
// the CLI11 app; each handler returns the process exit code.

#pragma once

#include <CLI/CLI.hpp>

namespace imledger::cli {

// Exit codes shared by all commands.
inline constexpr int kExitOk = 0;
inline constexpr int kExitNotVerified = 1;  // A proof or signature was checked and is wrong.
inline constexpr int kExitInvalidInput = 2;
inline constexpr int kExitUnreadable = 3;    // An input file or folder could not be read.
inline constexpr int kExitInvalidDicom = 4;  // An input file is not valid DICOM.
inline constexpr int kExitInternal = 70;  // A bug or an exhausted resource (sysexits EX_SOFTWARE).

void AddMerkleCommands(CLI::App& app);

void AddKeysCommands(CLI::App& app);

void AddStudyCommands(CLI::App& app);

void AddCheckpointCommands(CLI::App& app);

void AddTokenCommands(CLI::App& app);

}  // namespace imledger::cli

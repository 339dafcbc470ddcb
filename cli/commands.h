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
// The node could not be reached or sent a response that is not the API's.
inline constexpr int kExitNodeUnreachable = 5;
// The node rejected the request, or the ledger rejected the committed transaction.
inline constexpr int kExitRejected = 6;
// The transaction was queued but not committed before the wait timed out.
inline constexpr int kExitPending = 7;
inline constexpr int kExitInternal = 70;  // A bug or an exhausted resource (sysexits EX_SOFTWARE).

void AddMerkleCommands(CLI::App& app);

void AddKeysCommands(CLI::App& app);

void AddStudyCommands(CLI::App& app);

void AddCheckpointCommands(CLI::App& app);

void AddAuditCommands(CLI::App& app);

// `network init`.
void AddNetworkCommands(CLI::App& app);

// `member enroll|revoke` and `patient enroll`.
void AddMemberCommands(CLI::App& app);

// `study anchor`, added to the `study` group that AddStudyCommands creates; main.cc adds it.
void AddStudyAnchorCommand(CLI::App& study);

// `report sign`, `consent grant|revoke` and `access emergency`.
void AddClinicalCommands(CLI::App& app);

// `tx show` and `node status`.
void AddNodeCommands(CLI::App& app);
void AddTokenCommands(CLI::App& app);

}  // namespace imledger::cli

// The parts shared by the commands that talk to a node: the --node, --key, --passphrase-file,
// --json and
// --timeout-ms options, submitting a payload signed with the key, and printing the outcome.
//
// SubmitPayload reads the network id from the node's status, so a transaction is always built
// for the network it is sent to. The exit code is kExitOk for an accepted transaction,
// kExitRejected for a rejected one, kExitPending when the wait timed out, and the input or node
// codes of cli/commands.h for earlier failures. Not thread-safe (it prints).

#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "base/bytes.h"
#include "base/status.h"
#include "cli/node_client.h"
#include "contracts/transaction.h"

namespace imledger::cli {

struct LedgerOptions {
  std::string node;
  std::string key_file;
  std::string passphrase_file;
  bool json = false;
  uint32_t timeout_ms = 10000;  // How long the node waits for the commit.
};

// Adds --node and --json; with `signing`, also --key, --passphrase-file and --timeout-ms.
void AddLedgerOptions(CLI::App& command, LedgerOptions& options, bool signing);

// Format of a Detail's value in human output.
enum class DetailFormat {
  kPlain,  // A string as it is, anything else as JSON.
  kTime,   // Unix milliseconds, printed as HumanTime does.
};

// A value printed after the outcome: the JSON key, whose message "field.<key>" labels it in
// human output, and the value, which --json prints unchanged.
struct Detail {
  std::string key;
  nlohmann::json value;
  DetailFormat format = DetailFormat::kPlain;
};

// Unix milliseconds for people: ISO 8601 UTC (FormatTimeMs), "no end" for 2^64 - 1 (a consent
// grant without end) and "N ms since 1970" for other times from the year 10000 on.
std::string HumanTime(uint64_t time_ms);

// Signs and submits a payload, waits for its commit and prints the outcome with `details`.
int SubmitPayload(const LedgerOptions& options, contracts::TransactionType type, Bytes payload,
                  const std::vector<Detail>& details);

// Prints `status` (an error) on standard error, and as {"error": ...} on standard output with
// --json, and returns `exit_code`.
int ReportError(const LedgerOptions& options, const Status& status, int exit_code);

// The exit code of a failed NodeClient call.
int NodeExitCode(const Status& status);

// Reports a failed call of `client` as ReportError does. With --json, the error object also
// carries the node's "node_code" and "http_status" when the node sent an error response.
int ReportNodeError(const LedgerOptions& options, const NodeClient& client, const Status& status);

}  // namespace imledger::cli

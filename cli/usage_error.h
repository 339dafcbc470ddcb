// Reporting a command line that CLI11 cannot parse (a missing, unknown or malformed option).
//
// Every usage error exits with kExitInvalidInput. The message goes to standard error, and when
// the command line requests --json, also to standard output as the JSON error object that the
// other errors use, with "code": "usage", so a script that always passes --json can read it.
// Not thread-safe (it prints).

#pragma once

#include <CLI/CLI.hpp>

namespace imledger::cli {

// True when an argument before any "--" is exactly "--json". The parse failed, so the flag's
// own variable may not be set.
bool JsonRequested(int argc, const char* const* argv);

// Prints `error` and returns kExitInvalidInput.
int ReportUsageError(const CLI::ParseError& error, bool json);

}  // namespace imledger::cli

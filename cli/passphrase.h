// The passphrase of a sealed key file, read from the file that --passphrase-file names.
//
// The passphrase is the first line of that file, so it never appears in the process list or in
// the shell history. Thread-compatible.

#pragma once

#include <optional>
#include <string>

#include "base/status.h"

namespace imledger::cli {

// Nothing for an empty `path` (the key file is not sealed); otherwise the file's first line. A
// missing, unreadable or empty file is an InvalidArgument status that names the path.
Result<std::optional<std::string>> ReadPassphrase(const std::string& path);

}  // namespace imledger::cli

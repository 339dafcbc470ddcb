#include "cli/passphrase.h"

#include <fstream>

#include "cli/messages.h"

namespace imledger::cli {

Result<std::optional<std::string>> ReadPassphrase(const std::string& path) {
  if (path.empty()) {
    return std::optional<std::string>();
  }
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line) || line.empty()) {
    return Status::InvalidArgument(Text("keys.passphrase_unreadable", {path}));
  }
  return std::optional<std::string>(line);
}

}  // namespace imledger::cli

// Usage errors; see usage_error.h.

#include "cli/usage_error.h"

#include <iostream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/messages.h"

namespace imledger::cli {

bool JsonRequested(int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view argument = argv[i];
    if (argument == "--") {
      return false;
    }
    if (argument == "--json") {
      return true;
    }
  }
  return false;
}

int ReportUsageError(const CLI::ParseError& error, bool json) {
  std::string message = Text("error.usage", {error.what()});
  std::cerr << Text("error.prefix", {message}) << "\n";
  if (json) {
    nlohmann::json body = {
        {"exit_code", kExitInvalidInput}, {"code", "usage"}, {"message", message}};
    std::cout << nlohmann::json{{"error", body}}.dump() << "\n";
  }
  return kExitInvalidInput;
}

}  // namespace imledger::cli

// Feeds arbitrary text to the JSON readers behind `imledger merkle ...`, which take what an
// auditor pipes in. Every input must give a value or an InvalidArgument, never a crash.

#include <cstdint>
#include <sstream>
#include <string>

#include "cli/json_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  auto object = imledger::cli::ReadJsonObject(in);
  if (!object.ok()) {
    return 0;
  }
  (void)imledger::cli::GetDigest(*object, "leaf_hash");
  (void)imledger::cli::GetUint64(*object, "index");
  (void)imledger::cli::GetDigestList(*object, "proof");
  (void)imledger::cli::GetHexList(*object, "leaves");
  return 0;
}

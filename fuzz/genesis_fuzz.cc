// Fuzzes the genesis JSON parser and the stored genesis decoder. A parsed genesis must pass
// validation and survive a JSON and a binary round trip unchanged.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/check.h"
#include "contracts/genesis.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace c = imledger::contracts;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  imledger::Result<c::Genesis> genesis = c::ParseGenesis(text);
  if (genesis.ok()) {
    imledger::Check(c::ValidateGenesis(*genesis).ok(), "a parsed genesis validates");
    imledger::Result<c::Genesis> again = c::ParseGenesis(c::GenesisToJson(*genesis));
    imledger::Check(again.ok() && *again == *genesis, "genesis JSON round trip");
    imledger::Result<c::Genesis> decoded = c::DecodeGenesis(c::EncodeGenesis(*genesis));
    imledger::Check(decoded.ok() && *decoded == *genesis, "genesis binary round trip");
  }
  imledger::Result<c::Genesis> stored = c::DecodeGenesis(imledger::ByteView(data, size));
  if (stored.ok()) {
    imledger::Bytes encoded = c::EncodeGenesis(*stored);
    imledger::Check(encoded.size() == size && std::equal(encoded.begin(), encoded.end(), data),
                    "stored genesis re-encodes to its input");
  }
  return 0;
}

// Feeds arbitrary bytes to every ledger decoder. A decoder may reject the input, but whatever it
// accepts must encode back to exactly the same bytes: the encoding is canonical.

#include <cstdint>
#include <cstdlib>

#include "ledger/block.h"

namespace {

using imledger::ByteView;

void CheckSame(const imledger::Bytes& encoded, ByteView input) {
  if (encoded.size() != input.size() ||
      !std::equal(encoded.begin(), encoded.end(), input.begin())) {
    std::abort();  // Two encodings of one value: the codec is not canonical.
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) {
    return 0;
  }
  ByteView input(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      if (auto header = imledger::ledger::DecodeBlockHeader(input); header.ok()) {
        CheckSame(imledger::ledger::EncodeBlockHeader(*header), input);
      }
      break;
    case 1:
      if (auto leaf = imledger::ledger::DecodeLogLeaf(input); leaf.ok()) {
        CheckSame(imledger::ledger::EncodeLogLeaf(*leaf), input);
      }
      break;
    default:
      if (auto certificate = imledger::ledger::DecodeCommitCertificate(input); certificate.ok()) {
        CheckSame(imledger::ledger::EncodeCommitCertificate(*certificate), input);
      }
      break;
  }
  return 0;
}

// Feeds arbitrary bytes to the signed-note, checkpoint and tlog-proof bundle parsers. Each must
// return a Status for every input, and whatever parses must format back to the same bytes,
// because the base64 and decimal fields each accept only their canonical form.

#include <cstdint>
#include <string>
#include <string_view>

#include "base/check.h"
#include "ledger/checkpoint.h"
#include "ledger/signed_note.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  namespace ledger = imledger::ledger;

  imledger::Result<ledger::SignedNote> note = ledger::ParseSignedNote(input);
  if (note.ok()) {
    imledger::CheckEq(ledger::FormatSignedNote(note.value()), std::string(input),
                      "signed note round trip");
  }

  imledger::Result<ledger::Checkpoint> checkpoint = ledger::ParseCheckpointText(input);
  if (checkpoint.ok()) {
    imledger::CheckEq(ledger::FormatCheckpointText(checkpoint.value()), std::string(input),
                      "checkpoint round trip");
  }

  imledger::Result<ledger::InclusionProofBundle> bundle = ledger::ParseInclusionProofBundle(input);
  if (bundle.ok()) {
    imledger::CheckEq(ledger::FormatInclusionProofBundle(bundle.value()), std::string(input),
                      "inclusion proof bundle round trip");
  }

  imledger::Result<ledger::NoteVerifier> verifier = ledger::ParseVerifierKey(input);
  if (verifier.ok()) {
    imledger::CheckEq(ledger::FormatVerifierKey(verifier.value()), std::string(input),
                      "verifier key round trip");
  }
  return 0;
}

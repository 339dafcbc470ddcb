#include "contracts/ledger_state.h"

namespace imledger::contracts {

uint64_t LedgerState::LastNonce(const crypto::PublicKey& signer) {
  std::optional<std::string> value = overlay_.Get(TableKey(kNonceTable, signer.view()));
  if (!value) {
    return 0;
  }
  ledger::Decoder decoder(AsBytes(*value));
  uint64_t nonce = decoder.ReadVarint("nonce");
  Status status = decoder.Finish();
  if (!status.ok()) {
    overlay_.RecordFailure(Status::Corruption("stored nonce does not decode: " + status.message()));
  }
  return nonce;
}

void LedgerState::SetLastNonce(const crypto::PublicKey& signer, uint64_t nonce) {
  ledger::Encoder encoder;
  encoder.PutVarint(nonce);
  overlay_.Put(TableKey(kNonceTable, signer.view()), std::string(AsChars(encoder.bytes())));
}

}  // namespace imledger::contracts

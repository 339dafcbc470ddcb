// The transaction rules: Validate decides accepted or a typed rejection, Apply writes the effects.
//
// Rules are deterministic functions of the transaction, the state and the block (height and
// time agreed by consensus): they read no clock, no random source and iterate no unordered
// container. Validate writes nothing. Envelope checks come first and in this order: network id,
// signature, nonce. A transaction that passes them consumes its nonce even if its type rules
// then reject it, so the same bytes can never be replayed later into a state where they would
// pass. Not thread-safe: the state is one block's overlay.

#pragma once

#include <cstdint>
#include <string_view>

#include "contracts/ledger_state.h"
#include "contracts/rejection.h"
#include "contracts/transaction.h"

namespace imledger::contracts {

enum class SignatureCheck : uint8_t {
  kVerify,
  // The caller has already checked every signature with VerifyTransactionSignature, for
  // example in parallel when the transactions were admitted.
  kAlreadyVerified,
};

struct RuleContext {
  LedgerState& state;
  const Transaction& transaction;
  const crypto::Digest& transaction_id;
  std::string_view network_id;  // This ledger's network id.
  uint64_t height = 0;
  uint64_t block_time_ms = 0;
  SignatureCheck signature_check = SignatureCheck::kVerify;
};

// Checks the envelope and the type's rules against the state; writes nothing.
Verdict Validate(const RuleContext& context);

// Validates, then writes the transaction's effects when accepted and its nonce whenever the
// envelope checks passed. Returns the verdict.
Verdict Execute(const RuleContext& context);

}  // namespace imledger::contracts

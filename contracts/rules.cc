#include "contracts/rules.h"

#include "contracts/rules_internal.h"

namespace imledger::contracts {

namespace {

Verdict ValidateEnvelope(const RuleContext& context) {
  const Transaction& transaction = context.transaction;
  if (transaction.network_id != context.network_id) {
    return Verdict::Reject(RejectCode::kWrongNetwork, "network_id: \"" + transaction.network_id +
                                                          "\" is not this ledger's \"" +
                                                          std::string(context.network_id) + "\"");
  }
  if (context.signature_check == SignatureCheck::kVerify &&
      !VerifyTransactionSignature(transaction)) {
    return Verdict::Reject(RejectCode::kBadSignature,
                           "signature: does not verify under signer " + transaction.signer.ToHex());
  }
  uint64_t last_nonce = context.state.LastNonce(transaction.signer);
  if (transaction.nonce <= last_nonce) {
    return Verdict::Reject(RejectCode::kStaleNonce, "nonce: " + std::to_string(transaction.nonce) +
                                                        " is not above the signer's last nonce " +
                                                        std::to_string(last_nonce) +
                                                        "; the transaction is a replay or "
                                                        "arrived out of order");
  }
  return Verdict::Accept();
}

// Decodes the payload as `Payload`, validates it and, when `apply` is set and it is accepted,
// applies it.
template <typename Payload>
Verdict RunTyped(const RuleContext& context, bool apply) {
  Result<Payload> payload = DecodePayload<Payload>(context.transaction.payload);
  if (!payload.ok()) {
    return Verdict::Reject(RejectCode::kMalformedPayload,
                           "payload: " + payload.status().message() + " for type " +
                               std::string(TransactionTypeName(Payload::kType)));
  }
  Verdict verdict = rules::Validate(context, *payload);
  if (apply && verdict.accepted()) {
    rules::Apply(context, *payload);
  }
  return verdict;
}

Verdict Dispatch(const RuleContext& context, bool apply) {
  switch (context.transaction.type) {
    case TransactionType::kMemberEnroll:
      return RunTyped<MemberEnroll>(context, apply);
    case TransactionType::kMemberRevoke:
      return RunTyped<MemberRevoke>(context, apply);
    case TransactionType::kPatientEnroll:
      return RunTyped<PatientEnroll>(context, apply);
    case TransactionType::kPatientRotateKey:
      return RunTyped<PatientRotateKey>(context, apply);
    case TransactionType::kStudyAnchor:
      return RunTyped<StudyAnchor>(context, apply);
    case TransactionType::kReportSign:
      return RunTyped<ReportSign>(context, apply);
    case TransactionType::kConsentGrant:
      return RunTyped<ConsentGrant>(context, apply);
    case TransactionType::kConsentRevoke:
      return RunTyped<ConsentRevoke>(context, apply);
    case TransactionType::kAccessEmergency:
      return RunTyped<AccessEmergency>(context, apply);
    case TransactionType::kAccessRecord:
      return RunTyped<AccessRecord>(context, apply);
    case TransactionType::kAnnotationRecord:
      return RunTyped<AnnotationRecord>(context, apply);
    case TransactionType::kDatasetSeal:
      return RunTyped<DatasetSeal>(context, apply);
  }
  return Verdict::Reject(RejectCode::kMalformedTransaction, "type: unknown transaction type");
}

}  // namespace

Verdict Validate(const RuleContext& context) {
  Verdict verdict = ValidateEnvelope(context);
  if (!verdict.accepted()) {
    return verdict;
  }
  return Dispatch(context, /*apply=*/false);
}

Verdict Execute(const RuleContext& context) {
  Verdict verdict = ValidateEnvelope(context);
  if (!verdict.accepted()) {
    return verdict;
  }
  context.state.SetLastNonce(context.transaction.signer, context.transaction.nonce);
  return Dispatch(context, /*apply=*/true);
}

}  // namespace imledger::contracts

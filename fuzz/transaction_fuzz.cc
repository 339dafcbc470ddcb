// Fuzzes the transaction envelope and payload decoders with untrusted bytes. Any input must
// decode or fail with a Status; whatever decodes must re-encode to the same bytes, because the
// codec admits one encoding per value.

#include <cstddef>
#include <cstdint>

#include "base/check.h"
#include "contracts/payload.h"
#include "contracts/transaction.h"

namespace {

template <typename Payload>
void CheckPayload(imledger::ByteView bytes) {
  imledger::Result<Payload> payload = imledger::contracts::DecodePayload<Payload>(bytes);
  if (payload.ok()) {
    imledger::Bytes encoded = imledger::contracts::EncodePayload(*payload);
    imledger::Check(imledger::ByteView(encoded).size() == bytes.size() &&
                        std::equal(encoded.begin(), encoded.end(), bytes.begin()),
                    "payload re-encodes to its input");
  }
}

void CheckAnyPayload(imledger::contracts::TransactionType type, imledger::ByteView bytes) {
  using imledger::contracts::TransactionType;
  namespace c = imledger::contracts;
  switch (type) {
    case TransactionType::kMemberEnroll:
      return CheckPayload<c::MemberEnroll>(bytes);
    case TransactionType::kMemberRevoke:
      return CheckPayload<c::MemberRevoke>(bytes);
    case TransactionType::kPatientEnroll:
      return CheckPayload<c::PatientEnroll>(bytes);
    case TransactionType::kPatientRotateKey:
      return CheckPayload<c::PatientRotateKey>(bytes);
    case TransactionType::kStudyAnchor:
      return CheckPayload<c::StudyAnchor>(bytes);
    case TransactionType::kReportSign:
      return CheckPayload<c::ReportSign>(bytes);
    case TransactionType::kConsentGrant:
      return CheckPayload<c::ConsentGrant>(bytes);
    case TransactionType::kConsentRevoke:
      return CheckPayload<c::ConsentRevoke>(bytes);
    case TransactionType::kAccessEmergency:
      return CheckPayload<c::AccessEmergency>(bytes);
    case TransactionType::kAccessRecord:
      return CheckPayload<c::AccessRecord>(bytes);
    case TransactionType::kAnnotationRecord:
      return CheckPayload<c::AnnotationRecord>(bytes);
    case TransactionType::kDatasetSeal:
      return CheckPayload<c::DatasetSeal>(bytes);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  imledger::ByteView input(data, size);
  imledger::Result<imledger::contracts::Transaction> transaction =
      imledger::contracts::DecodeTransaction(input);
  if (transaction.ok()) {
    imledger::Bytes encoded = imledger::contracts::EncodeTransaction(*transaction);
    imledger::Check(encoded.size() == size && std::equal(encoded.begin(), encoded.end(), data),
                    "envelope re-encodes to its input");
    CheckAnyPayload(transaction->type, transaction->payload);
  }

  // The same bytes as a bare payload of every type, so payload decoders see raw input too.
  if (size > 0) {
    auto type = static_cast<imledger::contracts::TransactionType>(
        data[0] % imledger::contracts::kTransactionTypeCount);
    CheckAnyPayload(type, input.subspan(1));
  }
  return 0;
}

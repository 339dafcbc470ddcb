#include "contracts/transaction.h"

#include <array>

#include "crypto/signature_cache.h"
#include "ledger/codec.h"

namespace imledger::contracts {

namespace {

constexpr std::array<std::string_view, kTransactionTypeCount> kTypeNames = {
    "member.enroll",    "member.revoke", "patient.enroll",    "patient.rotate_key",
    "study.anchor",     "report.sign",   "consent.grant",     "consent.revoke",
    "access.emergency", "access.record", "annotation.record", "dataset.seal",
};

void EncodeUnsignedFields(ledger::Encoder& encoder, const Transaction& transaction) {
  encoder.PutString(transaction.network_id);
  encoder.PutVarint(static_cast<uint64_t>(transaction.type));
  encoder.PutPublicKey(transaction.signer);
  encoder.PutVarint(transaction.nonce);
  encoder.PutVarint(transaction.client_time_ms);
  encoder.PutBytes(transaction.payload);
}

}  // namespace

std::string_view TransactionTypeName(TransactionType type) {
  auto index = static_cast<size_t>(type);
  return index < kTypeNames.size() ? kTypeNames[index] : "unknown";
}

Result<TransactionType> TransactionTypeFromName(std::string_view name) {
  for (size_t i = 0; i < kTypeNames.size(); ++i) {
    if (kTypeNames[i] == name) {
      return static_cast<TransactionType>(i);
    }
  }
  return Status::InvalidArgument("unknown transaction type \"" + std::string(name) +
                                 "\"; expected one such as member.enroll or consent.grant");
}

Bytes EncodeTransaction(const Transaction& transaction) {
  ledger::Encoder encoder;
  EncodeUnsignedFields(encoder, transaction);
  encoder.PutSignature(transaction.signature);
  return encoder.Take();
}

Result<Transaction> DecodeTransaction(ByteView bytes) {
  if (bytes.size() > kMaxTransactionBytes) {
    return Status::Corruption("transaction is " + std::to_string(bytes.size()) +
                              " bytes, maximum " + std::to_string(kMaxTransactionBytes));
  }
  ledger::Decoder decoder(bytes);
  Transaction transaction;
  transaction.network_id = decoder.ReadString("network_id");
  transaction.type = static_cast<TransactionType>(decoder.ReadTag("type", kTransactionTypeCount));
  transaction.signer = decoder.ReadPublicKey("signer");
  transaction.nonce = decoder.ReadVarint("nonce");
  transaction.client_time_ms = decoder.ReadVarint("client_time_ms");
  transaction.payload = decoder.ReadBytes("payload");
  transaction.signature = decoder.ReadSignature("signature");
  Status status = decoder.Finish();
  if (!status.ok()) {
    return status;
  }
  return transaction;
}

Bytes TransactionSigningBytes(const Transaction& transaction) {
  ledger::Encoder encoder;
  encoder.PutString(kTransactionDomain);
  EncodeUnsignedFields(encoder, transaction);
  return encoder.Take();
}

crypto::Digest TransactionId(const Transaction& transaction) {
  return crypto::Sha256Of(EncodeTransaction(transaction));
}

crypto::Digest TransactionIdOf(ByteView encoded) {
  return crypto::Sha256Of(encoded);
}

void SignTransaction(Transaction& transaction, const crypto::SecretKey& key) {
  transaction.signer = key.public_key();
  transaction.signature = key.Sign(TransactionSigningBytes(transaction));
}

bool VerifyTransactionSignature(const Transaction& transaction) {
#ifdef IMLEDGER_BENCH_NO_CLIENT_SIGNATURES
  // Only in a build made to measure the consensus engine alone (the CMake option of the same
  // name, off by default). imledgerd from such a build starts only with an explicit flag.
  (void)transaction;
  return true;
#else
  return crypto::VerifyCached(transaction.signer, TransactionSigningBytes(transaction),
                              transaction.signature);
#endif
}

}  // namespace imledger::contracts

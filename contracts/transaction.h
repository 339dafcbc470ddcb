// The signed transaction envelope, its canonical encoding, identity and signature.
//
// Envelope fields, in encoding order: network id (text), type tag, signer public key, nonce,
// client time in milliseconds, payload (byte string) and the Ed25519 signature. The signature
// covers the signing bytes: the domain tag "imledger/tx/v1", the network id, then every envelope
// field before the signature, so a signature cannot be replayed across networks or as another
// structure. The transaction id is SHA-256 of the whole encoded envelope, signature included.
// The payload is kept as bytes here; payload.h decodes it by type. All functions are pure and
// thread-safe.

#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/ed25519.h"
#include "crypto/sha256.h"

namespace imledger::contracts {

inline constexpr std::string_view kTransactionDomain = "imledger/tx/v1";

// Type tags as they appear on the wire. The values are part of the format: never renumber.
enum class TransactionType : uint8_t {
  kMemberEnroll = 0,
  kMemberRevoke = 1,
  kPatientEnroll = 2,
  kPatientRotateKey = 3,
  kStudyAnchor = 4,
  kReportSign = 5,
  kConsentGrant = 6,
  kConsentRevoke = 7,
  kAccessEmergency = 8,
  kAccessRecord = 9,
  kAnnotationRecord = 10,
  kDatasetSeal = 11,
};

inline constexpr uint64_t kTransactionTypeCount = 12;

// "member.enroll", "consent.grant", ...: the names used in JSON, the CLI and messages.
std::string_view TransactionTypeName(TransactionType type);

Result<TransactionType> TransactionTypeFromName(std::string_view name);

struct Transaction {
  std::string network_id;
  TransactionType type = TransactionType::kMemberEnroll;
  crypto::PublicKey signer;
  uint64_t nonce = 0;           // Strictly increasing per signer; 0 is never accepted.
  uint64_t client_time_ms = 0;  // The signer's clock; informational, rules use block time.
  Bytes payload;                // The canonical encoding of the payload struct for `type`.
  crypto::Signature signature;

  bool operator==(const Transaction&) const = default;
};

// Largest encoded envelope the decoder accepts; an access.record batch is the largest payload.
inline constexpr size_t kMaxTransactionBytes = 1u << 20;

Bytes EncodeTransaction(const Transaction& transaction);

// Decodes exactly one canonical envelope; any other byte string is a Corruption status that
// names the field and byte offset.
Result<Transaction> DecodeTransaction(ByteView bytes);

// The bytes the signer signs: domain tag, network id, and every field except the signature.
Bytes TransactionSigningBytes(const Transaction& transaction);

crypto::Digest TransactionId(const Transaction& transaction);

// The id of already encoded envelope bytes; equal to TransactionId of their decoding.
crypto::Digest TransactionIdOf(ByteView encoded);

// Fills in transaction.signer and transaction.signature from `key`.
void SignTransaction(Transaction& transaction, const crypto::SecretKey& key);

// Checks the signature through crypto::VerifyCached, so the API, the replica and the contracts
// verify one transaction once per process.
[[nodiscard]] bool VerifyTransactionSignature(const Transaction& transaction);

}  // namespace imledger::contracts

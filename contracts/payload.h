// One payload struct per transaction type, with its canonical encoding.
//
// Payloads use the codec of ledger/codec.h. Lists whose order carries no meaning (roles,
// purposes, modalities, study keys) must be strictly ascending, so each value has one encoding.
// The decoder rejects an unsorted or duplicated list and any text outside its character set,
// naming the field. Checks that need ledger state (does the study exist, is the grant active)
// belong to the rules. Types are plain values, and the functions are pure and thread-safe.

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "contracts/transaction.h"
#include "crypto/ed25519.h"
#include "crypto/sha256.h"
#include "ledger/codec.h"

namespace imledger::contracts {

// Member roles. Wire tags are stable; kAdmin is assigned only by genesis and never enrolled.
enum class Role : uint8_t {
  kRegistrar = 0,
  kTechnician = 1,
  kRadiologist = 2,
  kClinician = 3,
  kGateway = 4,
  kAnnotator = 5,
  kAuditor = 6,
  kAdmin = 7,
};

inline constexpr uint64_t kEnrollableRoleCount = 7;  // Tags 0 to 6; kAdmin cannot be enrolled.

std::string_view RoleName(Role role);

Result<Role> RoleFromName(std::string_view name);

// A set of roles as a bit mask, bit i for tag i.
using RoleSet = uint32_t;

inline RoleSet RoleBit(Role role) {
  return RoleSet{1} << static_cast<unsigned>(role);
}

// Purposes of use, after HL7 PurposeOfUse where one exists (TREAT, ETREAT, HRESCH).
enum class Purpose : uint8_t {
  kTreatment = 0,
  kEmergency = 1,
  kResearch = 2,
  kAiTraining = 3,
  kConsultation = 4,
};

inline constexpr uint64_t kPurposeCount = 5;

std::string_view PurposeName(Purpose purpose);  // "treatment", "ai-training", ...

Result<Purpose> PurposeFromName(std::string_view name);

struct MemberEnroll {
  static constexpr TransactionType kType = TransactionType::kMemberEnroll;
  crypto::PublicKey member;
  std::string organization;  // Must be the signing admin's organization.
  std::vector<Role> roles;   // Non-empty, strictly ascending, no kAdmin.

  bool operator==(const MemberEnroll&) const = default;
};

struct MemberRevoke {
  static constexpr TransactionType kType = TransactionType::kMemberRevoke;
  crypto::PublicKey member;
  std::string organization;

  bool operator==(const MemberRevoke&) const = default;
};

struct PatientEnroll {
  static constexpr TransactionType kType = TransactionType::kPatientEnroll;
  crypto::Digest pseudonym;  // MakePseudonym under the enrolling hospital's secret.
  crypto::PublicKey patient_key;

  bool operator==(const PatientEnroll&) const = default;
};

struct PatientRotateKey {
  static constexpr TransactionType kType = TransactionType::kPatientRotateKey;
  crypto::PublicKey new_key;

  bool operator==(const PatientRotateKey&) const = default;
};

struct StudyAnchor {
  static constexpr TransactionType kType = TransactionType::kStudyAnchor;
  crypto::Digest study_key;  // SHA-256 of the StudyInstanceUID.
  crypto::Digest pseudonym;
  crypto::Digest study_root;  // RFC 6962 root over the instance digests.
  uint64_t instance_count = 0;
  uint64_t total_bytes = 0;
  std::vector<std::string> modalities;  // DICOM modality codes ("CT", "MR"), ascending.
  // The transaction id of the study's latest anchor; absent exactly for the first anchor.
  std::optional<crypto::Digest> previous_anchor;

  bool operator==(const StudyAnchor&) const = default;
};

struct ReportSign {
  static constexpr TransactionType kType = TransactionType::kReportSign;
  crypto::Digest study_key;
  crypto::Digest report_digest;  // SHA-256 of the report document.
  std::string media_type;        // "application/pdf", "text/plain", ...
  // The report id (transaction id) this report corrects; it must be the latest of its chain.
  std::optional<crypto::Digest> supersedes;

  bool operator==(const ReportSign&) const = default;
};

enum class GranteeKind : uint8_t { kOrganization = 0, kMember = 1 };

struct Grantee {
  GranteeKind kind = GranteeKind::kOrganization;
  std::string organization;  // Set when kind is kOrganization.
  crypto::PublicKey member;  // Set when kind is kMember.

  bool operator==(const Grantee&) const = default;
};

struct ConsentGrant {
  static constexpr TransactionType kType = TransactionType::kConsentGrant;
  Grantee grantee;
  bool all_studies = false;                // Every study of the patient, present and future.
  std::vector<crypto::Digest> study_keys;  // Ascending; empty exactly when all_studies.
  std::vector<Purpose> purposes;           // Non-empty, ascending.
  uint64_t valid_from_ms = 0;              // Inclusive.
  uint64_t valid_until_ms = 0;             // Exclusive.

  bool operator==(const ConsentGrant&) const = default;
};

struct ConsentRevoke {
  static constexpr TransactionType kType = TransactionType::kConsentRevoke;
  crypto::Digest grant_id;  // The transaction id of the consent.grant.

  bool operator==(const ConsentRevoke&) const = default;
};

struct AccessEmergency {
  static constexpr TransactionType kType = TransactionType::kAccessEmergency;
  crypto::Digest study_key;
  // A short printable ASCII justification; it must not name the patient.
  std::string reason;

  bool operator==(const AccessEmergency&) const = default;
};

struct AccessEvent {
  crypto::PublicKey requester;
  crypto::Digest study_key;
  Purpose purpose = Purpose::kTreatment;
  bool allowed = false;
  std::optional<crypto::Digest> grant_used;  // The grant that allowed it, if one did.
  uint64_t time_ms = 0;                      // The gateway's time of the decision.
  uint64_t bytes_served = 0;                 // Response body bytes sent; 0 when denied.

  bool operator==(const AccessEvent&) const = default;
};

inline constexpr size_t kMaxAccessEvents = 1024;

struct AccessRecord {
  static constexpr TransactionType kType = TransactionType::kAccessRecord;
  std::vector<AccessEvent> events;  // 1 to kMaxAccessEvents, in the gateway's order.

  bool operator==(const AccessRecord&) const = default;
};

struct AnnotationRecord {
  static constexpr TransactionType kType = TransactionType::kAnnotationRecord;
  crypto::Digest study_key;
  crypto::Digest annotation_digest;
  std::string kind;  // "segmentation", "label", "model-output", ...
  std::string tool;
  std::string tool_version;
  std::string dataset_id;
  crypto::Digest grant_used;  // An active ai-training grant covering the study.

  bool operator==(const AnnotationRecord&) const = default;
};

struct DatasetSeal {
  static constexpr TransactionType kType = TransactionType::kDatasetSeal;
  std::string dataset_id;
  uint64_t entry_count = 0;
  crypto::Digest entries_root;  // RFC 6962 root over the dataset's entries, see DatasetEntryLeaf.

  bool operator==(const DatasetSeal&) const = default;
};

void EncodeFields(ledger::Encoder& encoder, const MemberEnroll& payload);
void EncodeFields(ledger::Encoder& encoder, const MemberRevoke& payload);
void EncodeFields(ledger::Encoder& encoder, const PatientEnroll& payload);
void EncodeFields(ledger::Encoder& encoder, const PatientRotateKey& payload);
void EncodeFields(ledger::Encoder& encoder, const StudyAnchor& payload);
void EncodeFields(ledger::Encoder& encoder, const ReportSign& payload);
void EncodeFields(ledger::Encoder& encoder, const ConsentGrant& payload);
void EncodeFields(ledger::Encoder& encoder, const ConsentRevoke& payload);
void EncodeFields(ledger::Encoder& encoder, const AccessEmergency& payload);
void EncodeFields(ledger::Encoder& encoder, const AccessRecord& payload);
void EncodeFields(ledger::Encoder& encoder, const AnnotationRecord& payload);
void EncodeFields(ledger::Encoder& encoder, const DatasetSeal& payload);

void DecodeFields(ledger::Decoder& decoder, MemberEnroll& payload);
void DecodeFields(ledger::Decoder& decoder, MemberRevoke& payload);
void DecodeFields(ledger::Decoder& decoder, PatientEnroll& payload);
void DecodeFields(ledger::Decoder& decoder, PatientRotateKey& payload);
void DecodeFields(ledger::Decoder& decoder, StudyAnchor& payload);
void DecodeFields(ledger::Decoder& decoder, ReportSign& payload);
void DecodeFields(ledger::Decoder& decoder, ConsentGrant& payload);
void DecodeFields(ledger::Decoder& decoder, ConsentRevoke& payload);
void DecodeFields(ledger::Decoder& decoder, AccessEmergency& payload);
void DecodeFields(ledger::Decoder& decoder, AccessRecord& payload);
void DecodeFields(ledger::Decoder& decoder, AnnotationRecord& payload);
void DecodeFields(ledger::Decoder& decoder, DatasetSeal& payload);

template <typename Payload>
Bytes EncodePayload(const Payload& payload) {
  ledger::Encoder encoder;
  EncodeFields(encoder, payload);
  return encoder.Take();
}

template <typename Payload>
Result<Payload> DecodePayload(ByteView bytes) {
  ledger::Decoder decoder(bytes);
  Payload payload;
  DecodeFields(decoder, payload);
  Status status = decoder.Finish();
  if (!status.ok()) {
    return status;
  }
  return payload;
}

// Builds and signs an envelope carrying `payload`.
template <typename Payload>
Transaction MakeTransaction(std::string_view network_id, uint64_t nonce, uint64_t client_time_ms,
                            const Payload& payload, const crypto::SecretKey& key) {
  Transaction transaction;
  transaction.network_id = std::string(network_id);
  transaction.type = Payload::kType;
  transaction.nonce = nonce;
  transaction.client_time_ms = client_time_ms;
  transaction.payload = EncodePayload(payload);
  SignTransaction(transaction, key);
  return transaction;
}

// Organization names: 1 to 64 characters from a-z, 0-9, '-' and '.', as in DNS labels.
bool IsValidOrganizationName(std::string_view name);

// The leaf data of one dataset entry in DatasetSeal::entries_root: annotation id, study key,
// annotation digest, 96 bytes in that order.
Bytes DatasetEntryLeaf(const crypto::Digest& annotation_id, const crypto::Digest& study_key,
                       const crypto::Digest& annotation_digest);

}  // namespace imledger::contracts

// The state tables of contracts/: one record type and one LevelDB key prefix per table.
//
// Every key starts with 's' (the prefix contracts/ owns) and a second byte naming the table.
// Fixed-size ids (keys, digests) are stored raw. Sequence numbers are 8-byte big-endian so keys
// sort numerically. Per-patient lists store the sequence inverted (2^64 - 1 - n), so a forward
// scan returns newest first. Records use the canonical codec, and docs/contracts.md lists the
// tables. Plain values and pure functions, so thread-safe.

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "contracts/payload.h"
#include "crypto/ed25519.h"
#include "crypto/sha256.h"
#include "ledger/codec.h"

namespace imledger::contracts {

// Table prefixes. The byte values are part of the stored format.
inline constexpr std::string_view kMetaKey = "sM";            // StateMeta, one record.
inline constexpr std::string_view kGenesisKey = "sG";         // Encoded Genesis, one record.
inline constexpr std::string_view kOrganizationTable = "sO";  // name -> OrganizationRecord
inline constexpr std::string_view kMemberTable = "sK";        // key -> MemberRecord
inline constexpr std::string_view kNonceTable = "sN";         // signer key -> last nonce
inline constexpr std::string_view kPatientTable = "sP";       // patient id -> PatientRecord
inline constexpr std::string_view kPatientKeyTable = "sp";    // key -> PatientKeyRecord
inline constexpr std::string_view kPseudonymTable = "sY";     // pseudonym -> PseudonymRecord
inline constexpr std::string_view kStudyTable = "sS";         // study key -> StudyRecord
inline constexpr std::string_view kAnchorTable = "sA";        // study key, version -> AnchorRecord
inline constexpr std::string_view kPatientStudyTable = "sI";  // patient id, ~seq -> study key
inline constexpr std::string_view kReportTable = "sR";        // report id -> ReportRecord
inline constexpr std::string_view kGrantTable = "sC";         // grant id -> GrantRecord
inline constexpr std::string_view kPatientGrantTable = "sc";  // patient id, ~seq -> grant id
inline constexpr std::string_view kTrailTable = "sT";         // patient id, ~seq -> TrailEvent
inline constexpr std::string_view kEmergencyTable = "sE";     // study key, requester -> time
inline constexpr std::string_view kAnnotationTable = "sW";    // annotation id -> AnnotationEntry
inline constexpr std::string_view kDatasetTable = "sD";       // dataset id -> DatasetRecord
inline constexpr std::string_view kDatasetEntryTable = "sd";  // dataset id, index -> entry id

// The engine's position: the last committed height, its block time and state digest.
struct StateMeta {
  uint64_t height = 0;
  uint64_t block_time_ms = 0;
  crypto::Digest state_digest;
  crypto::Digest genesis_hash;
  std::string network_id;

  bool operator==(const StateMeta&) const = default;
};

struct OrganizationRecord {
  std::vector<crypto::PublicKey> admin_keys;

  bool operator==(const OrganizationRecord&) const = default;
};

struct MemberRecord {
  std::string organization;
  RoleSet roles = 0;
  uint64_t enrolled_ms = 0;
  std::optional<uint64_t> revoked_ms;  // Block time of the member.revoke.

  bool HasRole(Role role) const { return (roles & RoleBit(role)) != 0; }

  bool operator==(const MemberRecord&) const = default;
};

// A patient; the id is the transaction id of the patient's first patient.enroll and never
// changes, while the key may rotate.
struct PatientRecord {
  crypto::PublicKey current_key;
  uint64_t enrolled_ms = 0;
  uint64_t pseudonym_count = 0;
  uint64_t study_count = 0;  // Sequence numbers of the per-patient lists.
  uint64_t grant_count = 0;
  uint64_t trail_count = 0;

  bool operator==(const PatientRecord&) const = default;
};

struct PatientKeyRecord {
  crypto::Digest patient_id;
  bool retired = false;  // Replaced by patient.rotate_key; it may sign nothing more.

  bool operator==(const PatientKeyRecord&) const = default;
};

struct PseudonymRecord {
  crypto::Digest patient_id;
  std::string organization;  // The enrolling hospital.

  bool operator==(const PseudonymRecord&) const = default;
};

struct StudyRecord {
  crypto::Digest pseudonym;
  crypto::Digest patient_id;
  std::string organization;  // The acquiring organization: the one that anchored version 1.
  uint64_t version_count = 0;
  crypto::Digest latest_anchor;  // Transaction id of version version_count.

  bool operator==(const StudyRecord&) const = default;
};

struct AnchorRecord {
  uint64_t version = 0;  // 1 for the first anchor.
  crypto::Digest anchor_id;
  crypto::Digest study_root;
  uint64_t instance_count = 0;
  uint64_t total_bytes = 0;
  std::vector<std::string> modalities;
  crypto::PublicKey technician;
  uint64_t height = 0;
  uint64_t time_ms = 0;

  bool operator==(const AnchorRecord&) const = default;
};

struct ReportRecord {
  crypto::Digest study_key;
  crypto::Digest report_digest;
  std::string media_type;
  crypto::PublicKey radiologist;
  std::string organization;
  uint64_t height = 0;
  uint64_t time_ms = 0;
  std::optional<crypto::Digest> supersedes;
  std::optional<crypto::Digest> superseded_by;

  bool operator==(const ReportRecord&) const = default;
};

struct GrantRecord {
  crypto::Digest patient_id;
  ConsentGrant grant;
  uint64_t granted_ms = 0;
  std::optional<uint64_t> revoked_ms;

  // Active at `time_ms`: within the validity window and not revoked at or before that time.
  bool ActiveAt(uint64_t time_ms) const;

  bool operator==(const GrantRecord&) const = default;
};

enum class TrailKind : uint8_t { kAccess = 0, kEmergency = 1 };

// One entry of a patient's access trail.
struct TrailEvent {
  TrailKind kind = TrailKind::kAccess;
  crypto::Digest transaction_id;
  crypto::PublicKey requester;
  crypto::Digest study_key;
  Purpose purpose = Purpose::kTreatment;
  bool allowed = false;
  std::optional<crypto::Digest> grant_used;
  uint64_t time_ms = 0;  // Event time: the gateway's for access events, block time for emergency.
  uint64_t bytes_served = 0;  // Access events only: response body bytes the gateway sent.
  std::string reason;         // Emergency access only.

  // Break-glass access: allowed without consent, so the trail shows it apart.
  bool flagged() const { return kind == TrailKind::kEmergency || purpose == Purpose::kEmergency; }

  bool operator==(const TrailEvent&) const = default;
};

struct AnnotationEntry {
  crypto::Digest study_key;
  crypto::Digest annotation_digest;
  std::string kind;
  std::string tool;
  std::string tool_version;
  std::string dataset_id;
  crypto::Digest grant_used;
  crypto::PublicKey annotator;
  std::string organization;
  uint64_t time_ms = 0;

  bool operator==(const AnnotationEntry&) const = default;
};

struct DatasetRecord {
  std::string organization;  // The organization of the first entry's annotator.
  uint64_t entry_count = 0;
  std::optional<crypto::Digest> sealed_root;
  uint64_t sealed_ms = 0;

  bool operator==(const DatasetRecord&) const = default;
};

void EncodeFields(ledger::Encoder& encoder, const StateMeta& record);
void EncodeFields(ledger::Encoder& encoder, const OrganizationRecord& record);
void EncodeFields(ledger::Encoder& encoder, const MemberRecord& record);
void EncodeFields(ledger::Encoder& encoder, const PatientRecord& record);
void EncodeFields(ledger::Encoder& encoder, const PatientKeyRecord& record);
void EncodeFields(ledger::Encoder& encoder, const PseudonymRecord& record);
void EncodeFields(ledger::Encoder& encoder, const StudyRecord& record);
void EncodeFields(ledger::Encoder& encoder, const AnchorRecord& record);
void EncodeFields(ledger::Encoder& encoder, const ReportRecord& record);
void EncodeFields(ledger::Encoder& encoder, const GrantRecord& record);
void EncodeFields(ledger::Encoder& encoder, const TrailEvent& record);
void EncodeFields(ledger::Encoder& encoder, const AnnotationEntry& record);
void EncodeFields(ledger::Encoder& encoder, const DatasetRecord& record);

void DecodeFields(ledger::Decoder& decoder, StateMeta& record);
void DecodeFields(ledger::Decoder& decoder, OrganizationRecord& record);
void DecodeFields(ledger::Decoder& decoder, MemberRecord& record);
void DecodeFields(ledger::Decoder& decoder, PatientRecord& record);
void DecodeFields(ledger::Decoder& decoder, PatientKeyRecord& record);
void DecodeFields(ledger::Decoder& decoder, PseudonymRecord& record);
void DecodeFields(ledger::Decoder& decoder, StudyRecord& record);
void DecodeFields(ledger::Decoder& decoder, AnchorRecord& record);
void DecodeFields(ledger::Decoder& decoder, ReportRecord& record);
void DecodeFields(ledger::Decoder& decoder, GrantRecord& record);
void DecodeFields(ledger::Decoder& decoder, TrailEvent& record);
void DecodeFields(ledger::Decoder& decoder, AnnotationEntry& record);
void DecodeFields(ledger::Decoder& decoder, DatasetRecord& record);

// Key builders.
std::string TableKey(std::string_view table, ByteView id);
std::string TableKey(std::string_view table, std::string_view id);
std::string SequenceKey(std::string_view table, ByteView id, uint64_t sequence);
// Per-patient lists: the sequence inverted, so newer entries sort first.
std::string NewestFirstKey(std::string_view table, ByteView id, uint64_t sequence);
uint64_t NewestFirstSequence(std::string_view key);  // The sequence of a NewestFirstKey.
std::string EmergencyKey(const crypto::Digest& study_key, const crypto::PublicKey& requester);
std::string DatasetEntryKey(std::string_view dataset_id, uint64_t index);

void PutBigEndian64(std::string& out, uint64_t value);

}  // namespace imledger::contracts

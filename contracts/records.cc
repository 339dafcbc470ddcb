#include "contracts/records.h"

namespace imledger::contracts {

namespace {

void PutOptionalDigest(ledger::Encoder& encoder, const std::optional<crypto::Digest>& value) {
  encoder.PutBool(value.has_value());
  if (value) {
    encoder.PutDigest(*value);
  }
}

std::optional<crypto::Digest> ReadOptionalDigest(ledger::Decoder& decoder, std::string_view field) {
  if (!decoder.ReadBool(field)) {
    return std::nullopt;
  }
  return decoder.ReadDigest(field);
}

void PutOptionalVarint(ledger::Encoder& encoder, const std::optional<uint64_t>& value) {
  encoder.PutBool(value.has_value());
  if (value) {
    encoder.PutVarint(*value);
  }
}

std::optional<uint64_t> ReadOptionalVarint(ledger::Decoder& decoder, std::string_view field) {
  if (!decoder.ReadBool(field)) {
    return std::nullopt;
  }
  return decoder.ReadVarint(field);
}

void PutKeyList(ledger::Encoder& encoder, const std::vector<crypto::PublicKey>& keys) {
  encoder.PutVarint(keys.size());
  for (const crypto::PublicKey& key : keys) {
    encoder.PutPublicKey(key);
  }
}

std::vector<crypto::PublicKey> ReadKeyList(ledger::Decoder& decoder, std::string_view field) {
  uint64_t count = decoder.ReadCount(field);
  std::vector<crypto::PublicKey> keys;
  for (uint64_t i = 0; i < count && decoder.ok(); ++i) {
    keys.push_back(decoder.ReadPublicKey(field));
  }
  return keys;
}

}  // namespace

bool GrantRecord::ActiveAt(uint64_t time_ms) const {
  if (time_ms < grant.valid_from_ms || time_ms >= grant.valid_until_ms) {
    return false;
  }
  return !revoked_ms.has_value() || time_ms < *revoked_ms;
}

void EncodeFields(ledger::Encoder& encoder, const StateMeta& record) {
  encoder.PutVarint(record.height);
  encoder.PutVarint(record.block_time_ms);
  encoder.PutDigest(record.state_digest);
  encoder.PutDigest(record.genesis_hash);
  encoder.PutString(record.network_id);
}

void DecodeFields(ledger::Decoder& decoder, StateMeta& record) {
  record.height = decoder.ReadVarint("height");
  record.block_time_ms = decoder.ReadVarint("block_time_ms");
  record.state_digest = decoder.ReadDigest("state_digest");
  record.genesis_hash = decoder.ReadDigest("genesis_hash");
  record.network_id = decoder.ReadString("network_id");
}

void EncodeFields(ledger::Encoder& encoder, const OrganizationRecord& record) {
  PutKeyList(encoder, record.admin_keys);
}

void DecodeFields(ledger::Decoder& decoder, OrganizationRecord& record) {
  record.admin_keys = ReadKeyList(decoder, "admin_keys");
}

void EncodeFields(ledger::Encoder& encoder, const MemberRecord& record) {
  encoder.PutString(record.organization);
  encoder.PutVarint(record.roles);
  encoder.PutVarint(record.enrolled_ms);
  PutOptionalVarint(encoder, record.revoked_ms);
}

void DecodeFields(ledger::Decoder& decoder, MemberRecord& record) {
  record.organization = decoder.ReadString("organization");
  record.roles = static_cast<RoleSet>(decoder.ReadVarint("roles"));
  record.enrolled_ms = decoder.ReadVarint("enrolled_ms");
  record.revoked_ms = ReadOptionalVarint(decoder, "revoked_ms");
}

void EncodeFields(ledger::Encoder& encoder, const PatientRecord& record) {
  encoder.PutPublicKey(record.current_key);
  encoder.PutVarint(record.enrolled_ms);
  encoder.PutVarint(record.pseudonym_count);
  encoder.PutVarint(record.study_count);
  encoder.PutVarint(record.grant_count);
  encoder.PutVarint(record.trail_count);
}

void DecodeFields(ledger::Decoder& decoder, PatientRecord& record) {
  record.current_key = decoder.ReadPublicKey("current_key");
  record.enrolled_ms = decoder.ReadVarint("enrolled_ms");
  record.pseudonym_count = decoder.ReadVarint("pseudonym_count");
  record.study_count = decoder.ReadVarint("study_count");
  record.grant_count = decoder.ReadVarint("grant_count");
  record.trail_count = decoder.ReadVarint("trail_count");
}

void EncodeFields(ledger::Encoder& encoder, const PatientKeyRecord& record) {
  encoder.PutDigest(record.patient_id);
  encoder.PutBool(record.retired);
}

void DecodeFields(ledger::Decoder& decoder, PatientKeyRecord& record) {
  record.patient_id = decoder.ReadDigest("patient_id");
  record.retired = decoder.ReadBool("retired");
}

void EncodeFields(ledger::Encoder& encoder, const PseudonymRecord& record) {
  encoder.PutDigest(record.patient_id);
  encoder.PutString(record.organization);
}

void DecodeFields(ledger::Decoder& decoder, PseudonymRecord& record) {
  record.patient_id = decoder.ReadDigest("patient_id");
  record.organization = decoder.ReadString("organization");
}

void EncodeFields(ledger::Encoder& encoder, const StudyRecord& record) {
  encoder.PutDigest(record.pseudonym);
  encoder.PutDigest(record.patient_id);
  encoder.PutString(record.organization);
  encoder.PutVarint(record.version_count);
  encoder.PutDigest(record.latest_anchor);
}

void DecodeFields(ledger::Decoder& decoder, StudyRecord& record) {
  record.pseudonym = decoder.ReadDigest("pseudonym");
  record.patient_id = decoder.ReadDigest("patient_id");
  record.organization = decoder.ReadString("organization");
  record.version_count = decoder.ReadVarint("version_count");
  record.latest_anchor = decoder.ReadDigest("latest_anchor");
}

void EncodeFields(ledger::Encoder& encoder, const AnchorRecord& record) {
  encoder.PutVarint(record.version);
  encoder.PutDigest(record.anchor_id);
  encoder.PutDigest(record.study_root);
  encoder.PutVarint(record.instance_count);
  encoder.PutVarint(record.total_bytes);
  encoder.PutVarint(record.modalities.size());
  for (const std::string& modality : record.modalities) {
    encoder.PutString(modality);
  }
  encoder.PutPublicKey(record.technician);
  encoder.PutVarint(record.height);
  encoder.PutVarint(record.time_ms);
}

void DecodeFields(ledger::Decoder& decoder, AnchorRecord& record) {
  record.version = decoder.ReadVarint("version");
  record.anchor_id = decoder.ReadDigest("anchor_id");
  record.study_root = decoder.ReadDigest("study_root");
  record.instance_count = decoder.ReadVarint("instance_count");
  record.total_bytes = decoder.ReadVarint("total_bytes");
  uint64_t count = decoder.ReadCount("modalities");
  for (uint64_t i = 0; i < count && decoder.ok(); ++i) {
    record.modalities.push_back(decoder.ReadString("modalities"));
  }
  record.technician = decoder.ReadPublicKey("technician");
  record.height = decoder.ReadVarint("height");
  record.time_ms = decoder.ReadVarint("time_ms");
}

void EncodeFields(ledger::Encoder& encoder, const ReportRecord& record) {
  encoder.PutDigest(record.study_key);
  encoder.PutDigest(record.report_digest);
  encoder.PutString(record.media_type);
  encoder.PutPublicKey(record.radiologist);
  encoder.PutString(record.organization);
  encoder.PutVarint(record.height);
  encoder.PutVarint(record.time_ms);
  PutOptionalDigest(encoder, record.supersedes);
  PutOptionalDigest(encoder, record.superseded_by);
}

void DecodeFields(ledger::Decoder& decoder, ReportRecord& record) {
  record.study_key = decoder.ReadDigest("study_key");
  record.report_digest = decoder.ReadDigest("report_digest");
  record.media_type = decoder.ReadString("media_type");
  record.radiologist = decoder.ReadPublicKey("radiologist");
  record.organization = decoder.ReadString("organization");
  record.height = decoder.ReadVarint("height");
  record.time_ms = decoder.ReadVarint("time_ms");
  record.supersedes = ReadOptionalDigest(decoder, "supersedes");
  record.superseded_by = ReadOptionalDigest(decoder, "superseded_by");
}

void EncodeFields(ledger::Encoder& encoder, const GrantRecord& record) {
  encoder.PutDigest(record.patient_id);
  EncodeFields(encoder, record.grant);
  encoder.PutVarint(record.granted_ms);
  PutOptionalVarint(encoder, record.revoked_ms);
}

void DecodeFields(ledger::Decoder& decoder, GrantRecord& record) {
  record.patient_id = decoder.ReadDigest("patient_id");
  DecodeFields(decoder, record.grant);
  record.granted_ms = decoder.ReadVarint("granted_ms");
  record.revoked_ms = ReadOptionalVarint(decoder, "revoked_ms");
}

void EncodeFields(ledger::Encoder& encoder, const TrailEvent& record) {
  encoder.PutVarint(static_cast<uint64_t>(record.kind));
  encoder.PutDigest(record.transaction_id);
  encoder.PutPublicKey(record.requester);
  encoder.PutDigest(record.study_key);
  encoder.PutVarint(static_cast<uint64_t>(record.purpose));
  encoder.PutBool(record.allowed);
  PutOptionalDigest(encoder, record.grant_used);
  encoder.PutVarint(record.time_ms);
  encoder.PutVarint(record.bytes_served);
  encoder.PutString(record.reason);
}

void DecodeFields(ledger::Decoder& decoder, TrailEvent& record) {
  record.kind = static_cast<TrailKind>(decoder.ReadTag("kind", 2));
  record.transaction_id = decoder.ReadDigest("transaction_id");
  record.requester = decoder.ReadPublicKey("requester");
  record.study_key = decoder.ReadDigest("study_key");
  record.purpose = static_cast<Purpose>(decoder.ReadTag("purpose", kPurposeCount));
  record.allowed = decoder.ReadBool("allowed");
  record.grant_used = ReadOptionalDigest(decoder, "grant_used");
  record.time_ms = decoder.ReadVarint("time_ms");
  record.bytes_served = decoder.ReadVarint("bytes_served");
  record.reason = decoder.ReadString("reason");
}

void EncodeFields(ledger::Encoder& encoder, const AnnotationEntry& record) {
  encoder.PutDigest(record.study_key);
  encoder.PutDigest(record.annotation_digest);
  encoder.PutString(record.kind);
  encoder.PutString(record.tool);
  encoder.PutString(record.tool_version);
  encoder.PutString(record.dataset_id);
  encoder.PutDigest(record.grant_used);
  encoder.PutPublicKey(record.annotator);
  encoder.PutString(record.organization);
  encoder.PutVarint(record.time_ms);
}

void DecodeFields(ledger::Decoder& decoder, AnnotationEntry& record) {
  record.study_key = decoder.ReadDigest("study_key");
  record.annotation_digest = decoder.ReadDigest("annotation_digest");
  record.kind = decoder.ReadString("kind");
  record.tool = decoder.ReadString("tool");
  record.tool_version = decoder.ReadString("tool_version");
  record.dataset_id = decoder.ReadString("dataset_id");
  record.grant_used = decoder.ReadDigest("grant_used");
  record.annotator = decoder.ReadPublicKey("annotator");
  record.organization = decoder.ReadString("organization");
  record.time_ms = decoder.ReadVarint("time_ms");
}

void EncodeFields(ledger::Encoder& encoder, const DatasetRecord& record) {
  encoder.PutString(record.organization);
  encoder.PutVarint(record.entry_count);
  PutOptionalDigest(encoder, record.sealed_root);
  encoder.PutVarint(record.sealed_ms);
}

void DecodeFields(ledger::Decoder& decoder, DatasetRecord& record) {
  record.organization = decoder.ReadString("organization");
  record.entry_count = decoder.ReadVarint("entry_count");
  record.sealed_root = ReadOptionalDigest(decoder, "sealed_root");
  record.sealed_ms = decoder.ReadVarint("sealed_ms");
}

void PutBigEndian64(std::string& out, uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

std::string TableKey(std::string_view table, ByteView id) {
  std::string key(table);
  key.append(AsChars(id));
  return key;
}

std::string TableKey(std::string_view table, std::string_view id) {
  std::string key(table);
  key.append(id);
  return key;
}

std::string SequenceKey(std::string_view table, ByteView id, uint64_t sequence) {
  std::string key = TableKey(table, id);
  PutBigEndian64(key, sequence);
  return key;
}

std::string NewestFirstKey(std::string_view table, ByteView id, uint64_t sequence) {
  return SequenceKey(table, id, ~sequence);
}

uint64_t NewestFirstSequence(std::string_view key) {
  CheckLe(size_t{8}, key.size(), "newest-first key length");
  uint64_t inverted = 0;
  for (size_t i = key.size() - 8; i < key.size(); ++i) {
    inverted = (inverted << 8) | static_cast<uint8_t>(key[i]);
  }
  return ~inverted;
}

std::string EmergencyKey(const crypto::Digest& study_key, const crypto::PublicKey& requester) {
  std::string key = TableKey(kEmergencyTable, study_key.view());
  key.append(AsChars(requester.view()));
  return key;
}

std::string DatasetEntryKey(std::string_view dataset_id, uint64_t index) {
  // The id's length comes first, so no id is a prefix of another id's entries.
  std::string key(kDatasetEntryTable);
  key.push_back(static_cast<char>(dataset_id.size()));
  key.append(dataset_id);
  PutBigEndian64(key, index);
  return key;
}

}  // namespace imledger::contracts

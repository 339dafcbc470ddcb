#include "contracts/payload.h"

#include <algorithm>
#include <array>

namespace imledger::contracts {

namespace {

constexpr std::array<std::string_view, 8> kRoleNames = {
    "registrar", "technician", "radiologist", "clinician",
    "gateway",   "annotator",  "auditor",     "admin",
};

constexpr std::array<std::string_view, kPurposeCount> kPurposeNames = {
    "treatment", "emergency", "research", "ai-training", "consultation",
};

bool IsPrintableAscii(char c) {
  return c >= 0x20 && c <= 0x7e;
}

bool IsLowerAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool IsUpperAlnum(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Reads a text field of 1 to `max_length` bytes whose every character passes `allowed`.
template <typename Predicate>
std::string ReadText(ledger::Decoder& decoder, std::string_view field, size_t max_length,
                     Predicate allowed, std::string_view charset) {
  std::string text = decoder.ReadString(field);
  if (!decoder.ok()) {
    return text;
  }
  if (text.empty() || text.size() > max_length) {
    decoder.Reject(field, "length " + std::to_string(text.size()) + ", expected 1 to " +
                              std::to_string(max_length) + " bytes");
  } else if (!std::all_of(text.begin(), text.end(), allowed)) {
    decoder.Reject(field, "characters outside " + std::string(charset));
  }
  return text;
}

std::string ReadPrintable(ledger::Decoder& decoder, std::string_view field, size_t max_length) {
  return ReadText(decoder, field, max_length, IsPrintableAscii, "printable ASCII");
}

std::string ReadOrganization(ledger::Decoder& decoder, std::string_view field) {
  std::string name = decoder.ReadString(field);
  if (decoder.ok() && !IsValidOrganizationName(name)) {
    decoder.Reject(field, "organization names are 1 to 64 characters of a-z, 0-9, '-' and '.'");
  }
  return name;
}

// Checks that `items` is strictly ascending, which also rules out duplicates.
template <typename T>
void RequireAscending(ledger::Decoder& decoder, std::string_view field,
                      const std::vector<T>& items) {
  for (size_t i = 1; i < items.size(); ++i) {
    if (!(items[i - 1] < items[i])) {
      decoder.Reject(field, "items must be strictly ascending; item " + std::to_string(i) +
                                " is not greater than the one before");
      return;
    }
  }
}

template <typename Enum>
void PutTagList(ledger::Encoder& encoder, const std::vector<Enum>& tags) {
  encoder.PutVarint(tags.size());
  for (Enum tag : tags) {
    encoder.PutVarint(static_cast<uint64_t>(tag));
  }
}

template <typename Enum>
std::vector<Enum> ReadTagList(ledger::Decoder& decoder, std::string_view field,
                              uint64_t tag_count) {
  uint64_t count = decoder.ReadCount(field);
  std::vector<Enum> tags;
  for (uint64_t i = 0; i < count && decoder.ok(); ++i) {
    tags.push_back(static_cast<Enum>(decoder.ReadTag(field, tag_count)));
  }
  if (decoder.ok() && tags.empty()) {
    decoder.Reject(field, "the list must not be empty");
  }
  RequireAscending(decoder, field, tags);
  return tags;
}

void PutOptionalDigest(ledger::Encoder& encoder, const std::optional<crypto::Digest>& digest) {
  encoder.PutBool(digest.has_value());
  if (digest) {
    encoder.PutDigest(*digest);
  }
}

std::optional<crypto::Digest> ReadOptionalDigest(ledger::Decoder& decoder, std::string_view field) {
  if (!decoder.ReadBool(field)) {
    return std::nullopt;
  }
  return decoder.ReadDigest(field);
}

}  // namespace

std::string_view RoleName(Role role) {
  auto index = static_cast<size_t>(role);
  return index < kRoleNames.size() ? kRoleNames[index] : "unknown";
}

Result<Role> RoleFromName(std::string_view name) {
  for (size_t i = 0; i < kRoleNames.size(); ++i) {
    if (kRoleNames[i] == name) {
      return static_cast<Role>(i);
    }
  }
  return Status::InvalidArgument("unknown role \"" + std::string(name) +
                                 "\"; expected registrar, technician, radiologist, clinician, "
                                 "gateway, annotator or auditor");
}

std::string_view PurposeName(Purpose purpose) {
  auto index = static_cast<size_t>(purpose);
  return index < kPurposeNames.size() ? kPurposeNames[index] : "unknown";
}

Result<Purpose> PurposeFromName(std::string_view name) {
  for (size_t i = 0; i < kPurposeNames.size(); ++i) {
    if (kPurposeNames[i] == name) {
      return static_cast<Purpose>(i);
    }
  }
  return Status::InvalidArgument("unknown purpose \"" + std::string(name) +
                                 "\"; expected treatment, emergency, research, ai-training or "
                                 "consultation");
}

bool IsValidOrganizationName(std::string_view name) {
  if (name.empty() || name.size() > 64) {
    return false;
  }
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return IsLowerAlnum(c) || c == '-' || c == '.'; });
}

Bytes DatasetEntryLeaf(const crypto::Digest& annotation_id, const crypto::Digest& study_key,
                       const crypto::Digest& annotation_digest) {
  Bytes leaf;
  Append(leaf, annotation_id.view());
  Append(leaf, study_key.view());
  Append(leaf, annotation_digest.view());
  return leaf;
}

void EncodeFields(ledger::Encoder& encoder, const MemberEnroll& payload) {
  encoder.PutPublicKey(payload.member);
  encoder.PutString(payload.organization);
  PutTagList(encoder, payload.roles);
}

void DecodeFields(ledger::Decoder& decoder, MemberEnroll& payload) {
  payload.member = decoder.ReadPublicKey("member");
  payload.organization = ReadOrganization(decoder, "organization");
  payload.roles = ReadTagList<Role>(decoder, "roles", kEnrollableRoleCount);
}

void EncodeFields(ledger::Encoder& encoder, const MemberRevoke& payload) {
  encoder.PutPublicKey(payload.member);
  encoder.PutString(payload.organization);
}

void DecodeFields(ledger::Decoder& decoder, MemberRevoke& payload) {
  payload.member = decoder.ReadPublicKey("member");
  payload.organization = ReadOrganization(decoder, "organization");
}

void EncodeFields(ledger::Encoder& encoder, const PatientEnroll& payload) {
  encoder.PutDigest(payload.pseudonym);
  encoder.PutPublicKey(payload.patient_key);
}

void DecodeFields(ledger::Decoder& decoder, PatientEnroll& payload) {
  payload.pseudonym = decoder.ReadDigest("pseudonym");
  payload.patient_key = decoder.ReadPublicKey("patient_key");
}

void EncodeFields(ledger::Encoder& encoder, const PatientRotateKey& payload) {
  encoder.PutPublicKey(payload.new_key);
}

void DecodeFields(ledger::Decoder& decoder, PatientRotateKey& payload) {
  payload.new_key = decoder.ReadPublicKey("new_key");
}

void EncodeFields(ledger::Encoder& encoder, const StudyAnchor& payload) {
  encoder.PutDigest(payload.study_key);
  encoder.PutDigest(payload.pseudonym);
  encoder.PutDigest(payload.study_root);
  encoder.PutVarint(payload.instance_count);
  encoder.PutVarint(payload.total_bytes);
  encoder.PutVarint(payload.modalities.size());
  for (const std::string& modality : payload.modalities) {
    encoder.PutString(modality);
  }
  PutOptionalDigest(encoder, payload.previous_anchor);
}

void DecodeFields(ledger::Decoder& decoder, StudyAnchor& payload) {
  payload.study_key = decoder.ReadDigest("study_key");
  payload.pseudonym = decoder.ReadDigest("pseudonym");
  payload.study_root = decoder.ReadDigest("study_root");
  payload.instance_count = decoder.ReadVarint("instance_count");
  payload.total_bytes = decoder.ReadVarint("total_bytes");
  uint64_t count = decoder.ReadCount("modalities");
  for (uint64_t i = 0; i < count && decoder.ok(); ++i) {
    payload.modalities.push_back(ReadText(decoder, "modalities", 16, IsUpperAlnum, "A-Z and 0-9"));
  }
  RequireAscending(decoder, "modalities", payload.modalities);
  payload.previous_anchor = ReadOptionalDigest(decoder, "previous_anchor");
}

void EncodeFields(ledger::Encoder& encoder, const ReportSign& payload) {
  encoder.PutDigest(payload.study_key);
  encoder.PutDigest(payload.report_digest);
  encoder.PutString(payload.media_type);
  PutOptionalDigest(encoder, payload.supersedes);
}

void DecodeFields(ledger::Decoder& decoder, ReportSign& payload) {
  payload.study_key = decoder.ReadDigest("study_key");
  payload.report_digest = decoder.ReadDigest("report_digest");
  payload.media_type = ReadPrintable(decoder, "media_type", 128);
  payload.supersedes = ReadOptionalDigest(decoder, "supersedes");
}

void EncodeFields(ledger::Encoder& encoder, const ConsentGrant& payload) {
  encoder.PutVarint(static_cast<uint64_t>(payload.grantee.kind));
  if (payload.grantee.kind == GranteeKind::kOrganization) {
    encoder.PutString(payload.grantee.organization);
  } else {
    encoder.PutPublicKey(payload.grantee.member);
  }
  encoder.PutBool(payload.all_studies);
  if (!payload.all_studies) {
    encoder.PutVarint(payload.study_keys.size());
    for (const crypto::Digest& key : payload.study_keys) {
      encoder.PutDigest(key);
    }
  }
  PutTagList(encoder, payload.purposes);
  encoder.PutVarint(payload.valid_from_ms);
  encoder.PutVarint(payload.valid_until_ms);
}

void DecodeFields(ledger::Decoder& decoder, ConsentGrant& payload) {
  payload.grantee.kind = static_cast<GranteeKind>(decoder.ReadTag("grantee.kind", 2));
  if (payload.grantee.kind == GranteeKind::kOrganization) {
    payload.grantee.organization = ReadOrganization(decoder, "grantee.organization");
  } else {
    payload.grantee.member = decoder.ReadPublicKey("grantee.member");
  }
  payload.all_studies = decoder.ReadBool("all_studies");
  if (!payload.all_studies) {
    uint64_t count = decoder.ReadCount("study_keys");
    for (uint64_t i = 0; i < count && decoder.ok(); ++i) {
      payload.study_keys.push_back(decoder.ReadDigest("study_keys"));
    }
    if (decoder.ok() && payload.study_keys.empty()) {
      decoder.Reject("study_keys", "a grant that is not for all studies must list at least one");
    }
    RequireAscending(decoder, "study_keys", payload.study_keys);
  }
  payload.purposes = ReadTagList<Purpose>(decoder, "purposes", kPurposeCount);
  payload.valid_from_ms = decoder.ReadVarint("valid_from_ms");
  payload.valid_until_ms = decoder.ReadVarint("valid_until_ms");
}

void EncodeFields(ledger::Encoder& encoder, const ConsentRevoke& payload) {
  encoder.PutDigest(payload.grant_id);
}

void DecodeFields(ledger::Decoder& decoder, ConsentRevoke& payload) {
  payload.grant_id = decoder.ReadDigest("grant_id");
}

void EncodeFields(ledger::Encoder& encoder, const AccessEmergency& payload) {
  encoder.PutDigest(payload.study_key);
  encoder.PutString(payload.reason);
}

void DecodeFields(ledger::Decoder& decoder, AccessEmergency& payload) {
  payload.study_key = decoder.ReadDigest("study_key");
  payload.reason = ReadPrintable(decoder, "reason", 256);
}

void EncodeFields(ledger::Encoder& encoder, const AccessRecord& payload) {
  encoder.PutVarint(payload.events.size());
  for (const AccessEvent& event : payload.events) {
    encoder.PutPublicKey(event.requester);
    encoder.PutDigest(event.study_key);
    encoder.PutVarint(static_cast<uint64_t>(event.purpose));
    encoder.PutBool(event.allowed);
    PutOptionalDigest(encoder, event.grant_used);
    encoder.PutVarint(event.time_ms);
    encoder.PutVarint(event.bytes_served);
  }
}

void DecodeFields(ledger::Decoder& decoder, AccessRecord& payload) {
  uint64_t count = decoder.ReadCount("events");
  if (decoder.ok() && (count == 0 || count > kMaxAccessEvents)) {
    decoder.Reject("events", std::to_string(count) + " events, expected 1 to " +
                                 std::to_string(kMaxAccessEvents));
  }
  for (uint64_t i = 0; i < count && decoder.ok(); ++i) {
    AccessEvent event;
    event.requester = decoder.ReadPublicKey("events.requester");
    event.study_key = decoder.ReadDigest("events.study_key");
    event.purpose = static_cast<Purpose>(decoder.ReadTag("events.purpose", kPurposeCount));
    event.allowed = decoder.ReadBool("events.allowed");
    event.grant_used = ReadOptionalDigest(decoder, "events.grant_used");
    event.time_ms = decoder.ReadVarint("events.time_ms");
    event.bytes_served = decoder.ReadVarint("events.bytes_served");
    payload.events.push_back(event);
  }
}

void EncodeFields(ledger::Encoder& encoder, const AnnotationRecord& payload) {
  encoder.PutDigest(payload.study_key);
  encoder.PutDigest(payload.annotation_digest);
  encoder.PutString(payload.kind);
  encoder.PutString(payload.tool);
  encoder.PutString(payload.tool_version);
  encoder.PutString(payload.dataset_id);
  encoder.PutDigest(payload.grant_used);
}

void DecodeFields(ledger::Decoder& decoder, AnnotationRecord& payload) {
  payload.study_key = decoder.ReadDigest("study_key");
  payload.annotation_digest = decoder.ReadDigest("annotation_digest");
  payload.kind = ReadPrintable(decoder, "kind", 64);
  payload.tool = ReadPrintable(decoder, "tool", 128);
  payload.tool_version = ReadPrintable(decoder, "tool_version", 64);
  payload.dataset_id = ReadPrintable(decoder, "dataset_id", 128);
  payload.grant_used = decoder.ReadDigest("grant_used");
}

void EncodeFields(ledger::Encoder& encoder, const DatasetSeal& payload) {
  encoder.PutString(payload.dataset_id);
  encoder.PutVarint(payload.entry_count);
  encoder.PutDigest(payload.entries_root);
}

void DecodeFields(ledger::Decoder& decoder, DatasetSeal& payload) {
  payload.dataset_id = ReadPrintable(decoder, "dataset_id", 128);
  payload.entry_count = decoder.ReadVarint("entry_count");
  payload.entries_root = decoder.ReadDigest("entries_root");
}

}  // namespace imledger::contracts

// annotation.record and dataset.seal: AI-training provenance. An annotation needs an active
// ai-training grant for the annotator; a seal fixes a dataset's entries under one Merkle root.

#include "contracts/consent_match.h"
#include "contracts/rules_internal.h"
#include "crypto/merkle.h"

namespace imledger::contracts::rules {

namespace {

// The RFC 6962 root over the dataset's first `count` entries, in the order they were recorded.
std::optional<crypto::Digest> DatasetRoot(LedgerState& state, std::string_view dataset_id,
                                          uint64_t count) {
  std::vector<crypto::Digest> leaves;
  leaves.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    std::optional<std::string> id_bytes = state.overlay().Get(DatasetEntryKey(dataset_id, i));
    if (!id_bytes || id_bytes->size() != crypto::Digest::kSize) {
      state.overlay().RecordFailure(Status::Corruption("entry " + std::to_string(i) +
                                                       " of dataset \"" + std::string(dataset_id) +
                                                       "\" is missing or malformed"));
      return std::nullopt;
    }
    crypto::Digest annotation_id;
    std::copy(id_bytes->begin(), id_bytes->end(), annotation_id.bytes.begin());
    std::optional<AnnotationEntry> entry =
        state.Read<AnnotationEntry>(TableKey(kAnnotationTable, annotation_id.view()));
    if (!entry) {
      return std::nullopt;
    }
    leaves.push_back(crypto::MerkleLeafHash(
        DatasetEntryLeaf(annotation_id, entry->study_key, entry->annotation_digest)));
  }
  return crypto::MerkleTree(std::move(leaves)).Root();
}

}  // namespace

Verdict Validate(const RuleContext& context, const AnnotationRecord& payload) {
  MemberRecord annotator;
  Verdict verdict = RequireMemberRole(context, Role::kAnnotator, annotator);
  if (!verdict.accepted()) {
    return verdict;
  }
  std::optional<StudyRecord> study = context.state.Study(payload.study_key);
  if (!study) {
    return Verdict::Reject(RejectCode::kNotFound, "payload.study_key: study " +
                                                      Hex(payload.study_key) + " is not anchored");
  }

  std::optional<GrantRecord> grant = context.state.Grant(payload.grant_used);
  if (!grant) {
    return Verdict::Reject(RejectCode::kNotFound,
                           "payload.grant_used: grant " + Hex(payload.grant_used) + " is unknown");
  }
  std::optional<std::string> mismatch =
      GrantMismatch(*grant, payload.study_key, study->patient_id, Purpose::kAiTraining,
                    context.transaction.signer, annotator.organization, context.block_time_ms);
  if (mismatch) {
    return Verdict::Reject(RejectCode::kNoConsent, "payload.grant_used: " + *mismatch);
  }

  std::optional<DatasetRecord> dataset = context.state.Dataset(payload.dataset_id);
  if (dataset && dataset->sealed_root) {
    return Verdict::Reject(RejectCode::kDatasetSealed,
                           "payload.dataset_id: dataset \"" + payload.dataset_id +
                               "\" is sealed; record into a new dataset");
  }
  if (dataset && dataset->organization != annotator.organization) {
    return Verdict::Reject(RejectCode::kWrongOrganization,
                           "payload.dataset_id: dataset \"" + payload.dataset_id +
                               "\" belongs to \"" + dataset->organization + "\"");
  }
  return Verdict::Accept();
}

void Apply(const RuleContext& context, const AnnotationRecord& payload) {
  LedgerState& state = context.state;
  std::optional<MemberRecord> annotator = state.Member(context.transaction.signer);
  if (!annotator) {
    return;  // Only a read failure gets here; the overlay recorded it and the block fails.
  }
  AnnotationEntry entry;
  entry.study_key = payload.study_key;
  entry.annotation_digest = payload.annotation_digest;
  entry.kind = payload.kind;
  entry.tool = payload.tool;
  entry.tool_version = payload.tool_version;
  entry.dataset_id = payload.dataset_id;
  entry.grant_used = payload.grant_used;
  entry.annotator = context.transaction.signer;
  entry.organization = annotator->organization;
  entry.time_ms = context.block_time_ms;
  state.Write(TableKey(kAnnotationTable, context.transaction_id.view()), entry);

  DatasetRecord dataset = state.Dataset(payload.dataset_id).value_or(DatasetRecord{});
  if (dataset.entry_count == 0) {
    dataset.organization = annotator->organization;
  }
  state.overlay().Put(DatasetEntryKey(payload.dataset_id, dataset.entry_count),
                      std::string(AsChars(context.transaction_id.view())));
  dataset.entry_count += 1;
  state.Write(TableKey(kDatasetTable, payload.dataset_id), dataset);
}

Verdict Validate(const RuleContext& context, const DatasetSeal& payload) {
  MemberRecord annotator;
  Verdict verdict = RequireMemberRole(context, Role::kAnnotator, annotator);
  if (!verdict.accepted()) {
    return verdict;
  }
  std::optional<DatasetRecord> dataset = context.state.Dataset(payload.dataset_id);
  if (!dataset) {
    return Verdict::Reject(RejectCode::kNotFound, "payload.dataset_id: dataset \"" +
                                                      payload.dataset_id + "\" has no entries");
  }
  if (dataset->organization != annotator.organization) {
    return Verdict::Reject(RejectCode::kWrongOrganization,
                           "payload.dataset_id: dataset \"" + payload.dataset_id +
                               "\" belongs to \"" + dataset->organization + "\"");
  }
  if (dataset->sealed_root) {
    return Verdict::Reject(
        RejectCode::kDatasetSealed,
        "payload.dataset_id: dataset \"" + payload.dataset_id + "\" is already sealed");
  }
  if (payload.entry_count != dataset->entry_count) {
    return Verdict::Reject(RejectCode::kInvalidField,
                           "payload.entry_count: " + std::to_string(payload.entry_count) +
                               ", but the dataset has " + std::to_string(dataset->entry_count) +
                               " entries");
  }
  std::optional<crypto::Digest> root =
      DatasetRoot(context.state, payload.dataset_id, dataset->entry_count);
  if (root && *root != payload.entries_root) {
    return Verdict::Reject(RejectCode::kRootMismatch,
                           "payload.entries_root: " + Hex(payload.entries_root) +
                               " differs from the root " + Hex(*root) + " of the recorded entries");
  }
  return Verdict::Accept();
}

void Apply(const RuleContext& context, const DatasetSeal& payload) {
  std::optional<DatasetRecord> dataset = context.state.Dataset(payload.dataset_id);
  if (!dataset) {
    return;  // Only a read failure gets here; the overlay recorded it and the block fails.
  }
  dataset->sealed_root = payload.entries_root;
  dataset->sealed_ms = context.block_time_ms;
  context.state.Write(TableKey(kDatasetTable, payload.dataset_id), *dataset);
}

}  // namespace imledger::contracts::rules

#include "contracts/queries.h"

#include <memory>

#include "contracts/ledger_state.h"
#include "contracts/state_overlay.h"

namespace imledger::contracts {

namespace {

// Reads one record of the committed state.
template <typename Record>
Result<std::optional<Record>> ReadCommitted(leveldb::DB* db, const leveldb::Snapshot* snapshot,
                                            const std::string& key) {
  StateOverlay overlay(db, snapshot);
  LedgerState state(overlay);
  std::optional<Record> record = state.Read<Record>(key);
  if (!overlay.status().ok()) {
    return overlay.status();
  }
  return record;
}

template <typename Record>
Result<Record> DecodeStored(std::string_view value, std::string_view description) {
  ledger::Decoder decoder(AsBytes(value));
  Record record;
  DecodeFields(decoder, record);
  Status status = decoder.Finish();
  if (!status.ok()) {
    return Status::Corruption("stored " + std::string(description) +
                              " does not decode: " + status.message());
  }
  return record;
}

Result<crypto::Digest> DigestFromValue(std::string_view value, std::string_view description) {
  if (value.size() != crypto::Digest::kSize) {
    return Status::Corruption("stored " + std::string(description) + " is " +
                              std::to_string(value.size()) + " bytes, expected 32");
  }
  crypto::Digest digest;
  std::copy(value.begin(), value.end(), digest.bytes.begin());
  return digest;
}

// Walks a per-patient newest-first list. `convert(sequence, value)` returns the item, no value
// to skip the entry, or a failure that ends the scan.
template <typename Item, typename Convert>
Result<Page<Item>> ScanNewestFirst(leveldb::DB* db, const leveldb::ReadOptions& options,
                                   std::string_view table, const crypto::Digest& patient_id,
                                   const PageRequest& request, Convert convert) {
  if (request.limit == 0 || request.limit > kMaxPageSize) {
    return Status::InvalidArgument("page limit " + std::to_string(request.limit) +
                                   " must be from 1 to " + std::to_string(kMaxPageSize));
  }
  Page<Item> page;
  if (request.before_sequence == 0) {
    return page;
  }
  std::string prefix = TableKey(table, patient_id.view());
  std::string start = request.before_sequence
                          ? NewestFirstKey(table, patient_id.view(), *request.before_sequence - 1)
                          : prefix;
  std::unique_ptr<leveldb::Iterator> it(db->NewIterator(options));
  for (it->Seek(start); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    std::string_view key(it->key().data(), it->key().size());
    uint64_t sequence = NewestFirstSequence(key);
    if (page.items.size() == request.limit) {
      page.next_before = page.items.back().sequence;
      break;
    }
    Result<std::optional<Item>> item =
        convert(sequence, std::string_view(it->value().data(), it->value().size()));
    if (!item.ok()) {
      return item.status();
    }
    if (*item) {
      page.items.push_back(**item);
    }
  }
  if (!it->status().ok()) {
    return Status::IoError("scanning state table " + std::string(table) +
                           " failed: " + it->status().ToString());
  }
  return page;
}

}  // namespace

leveldb::ReadOptions LedgerQueries::ReadOptions() const {
  leveldb::ReadOptions options;
  options.snapshot = snapshot_;
  return options;
}

Result<std::optional<crypto::Digest>> LedgerQueries::PatientIdForKey(
    const crypto::PublicKey& key) const {
  Result<std::optional<PatientKeyRecord>> record =
      ReadCommitted<PatientKeyRecord>(db_, snapshot_, TableKey(kPatientKeyTable, key.view()));
  if (!record.ok()) {
    return record.status();
  }
  if (!*record) {
    return std::optional<crypto::Digest>();
  }
  return std::optional<crypto::Digest>((*record)->patient_id);
}

Result<std::optional<PatientRecord>> LedgerQueries::Patient(
    const crypto::Digest& patient_id) const {
  return ReadCommitted<PatientRecord>(db_, snapshot_, TableKey(kPatientTable, patient_id.view()));
}

Result<std::optional<MemberRecord>> LedgerQueries::Member(const crypto::PublicKey& key) const {
  return ReadCommitted<MemberRecord>(db_, snapshot_, TableKey(kMemberTable, key.view()));
}

Result<std::optional<StudyRecord>> LedgerQueries::Study(const crypto::Digest& study_key) const {
  return ReadCommitted<StudyRecord>(db_, snapshot_, TableKey(kStudyTable, study_key.view()));
}

Result<std::optional<GrantRecord>> LedgerQueries::Grant(const crypto::Digest& grant_id) const {
  return ReadCommitted<GrantRecord>(db_, snapshot_, TableKey(kGrantTable, grant_id.view()));
}

Result<Page<StudySummary>> LedgerQueries::PatientStudies(const crypto::Digest& patient_id,
                                                         const PageRequest& page) const {
  if (snapshot_ == nullptr) {
    ScopedSnapshot snapshot(db_);
    return LedgerQueries(db_, snapshot.get()).PatientStudies(patient_id, page);
  }
  auto convert = [this](uint64_t sequence,
                        std::string_view value) -> Result<std::optional<StudySummary>> {
    Result<crypto::Digest> study_key = DigestFromValue(value, "patient study index entry");
    if (!study_key.ok()) {
      return study_key.status();
    }
    Result<std::optional<StudyRecord>> study = Study(*study_key);
    if (!study.ok()) {
      return study.status();
    }
    if (!*study) {
      return Status::Corruption("study " + study_key->ToHex() + " in a patient index is missing");
    }
    return std::optional<StudySummary>(StudySummary{sequence, *study_key, **study});
  };
  return ScanNewestFirst<StudySummary>(db_, ReadOptions(), kPatientStudyTable, patient_id, page,
                                       convert);
}

Result<Page<GrantSummary>> LedgerQueries::PatientGrants(const crypto::Digest& patient_id,
                                                        GrantFilter filter, uint64_t time_ms,
                                                        const PageRequest& page) const {
  if (snapshot_ == nullptr) {
    ScopedSnapshot snapshot(db_);
    return LedgerQueries(db_, snapshot.get()).PatientGrants(patient_id, filter, time_ms, page);
  }
  auto convert = [this, filter, time_ms](
                     uint64_t sequence,
                     std::string_view value) -> Result<std::optional<GrantSummary>> {
    Result<crypto::Digest> grant_id = DigestFromValue(value, "patient grant index entry");
    if (!grant_id.ok()) {
      return grant_id.status();
    }
    Result<std::optional<GrantRecord>> grant = Grant(*grant_id);
    if (!grant.ok()) {
      return grant.status();
    }
    if (!*grant) {
      return Status::Corruption("grant " + grant_id->ToHex() + " in a patient index is missing");
    }
    bool active = (*grant)->ActiveAt(time_ms);
    if ((filter == GrantFilter::kActive && !active) || (filter == GrantFilter::kPast && active)) {
      return std::optional<GrantSummary>();
    }
    return std::optional<GrantSummary>(GrantSummary{sequence, *grant_id, **grant, active});
  };
  return ScanNewestFirst<GrantSummary>(db_, ReadOptions(), kPatientGrantTable, patient_id, page,
                                       convert);
}

Result<Page<TrailEntry>> LedgerQueries::AccessTrail(const crypto::Digest& patient_id,
                                                    const PageRequest& page) const {
  if (snapshot_ == nullptr) {
    ScopedSnapshot snapshot(db_);
    return LedgerQueries(db_, snapshot.get()).AccessTrail(patient_id, page);
  }
  auto convert = [](uint64_t sequence,
                    std::string_view value) -> Result<std::optional<TrailEntry>> {
    Result<TrailEvent> event = DecodeStored<TrailEvent>(value, "access trail event");
    if (!event.ok()) {
      return event.status();
    }
    return std::optional<TrailEntry>(TrailEntry{sequence, *event});
  };
  return ScanNewestFirst<TrailEntry>(db_, ReadOptions(), kTrailTable, patient_id, page, convert);
}

Result<std::vector<AnchorRecord>> LedgerQueries::StudyAnchors(
    const crypto::Digest& study_key) const {
  if (snapshot_ == nullptr) {
    ScopedSnapshot snapshot(db_);
    return LedgerQueries(db_, snapshot.get()).StudyAnchors(study_key);
  }
  Result<std::optional<StudyRecord>> study = Study(study_key);
  if (!study.ok()) {
    return study.status();
  }
  std::vector<AnchorRecord> anchors;
  uint64_t count = *study ? (*study)->version_count : 0;
  for (uint64_t version = 1; version <= count; ++version) {
    Result<std::optional<AnchorRecord>> anchor = ReadCommitted<AnchorRecord>(
        db_, snapshot_, SequenceKey(kAnchorTable, study_key.view(), version));
    if (!anchor.ok()) {
      return anchor.status();
    }
    if (!*anchor) {
      return Status::Corruption("anchor version " + std::to_string(version) + " of study " +
                                study_key.ToHex() + " is missing");
    }
    anchors.push_back(**anchor);
  }
  return anchors;
}

Result<std::vector<ReportVersion>> LedgerQueries::ReportChain(
    const crypto::Digest& report_id) const {
  if (snapshot_ == nullptr) {
    ScopedSnapshot snapshot(db_);
    return LedgerQueries(db_, snapshot.get()).ReportChain(report_id);
  }
  auto read = [this](const crypto::Digest& id) {
    return ReadCommitted<ReportRecord>(db_, snapshot_, TableKey(kReportTable, id.view()));
  };
  Result<std::optional<ReportRecord>> start = read(report_id);
  if (!start.ok()) {
    return start.status();
  }
  if (!*start) {
    return Status::NotFound("report " + report_id.ToHex() + " is unknown");
  }

  // Walk back to the first version, then forward through superseded_by to the latest.
  crypto::Digest first_id = report_id;
  ReportRecord first = **start;
  while (first.supersedes) {
    first_id = *first.supersedes;
    Result<std::optional<ReportRecord>> previous = read(first_id);
    if (!previous.ok() || !*previous) {
      return previous.ok() ? Status::Corruption("report " + first_id.ToHex() + " is missing")
                           : previous.status();
    }
    first = **previous;
  }
  std::vector<ReportVersion> chain{{first_id, first}};
  while (chain.back().report.superseded_by) {
    crypto::Digest next_id = *chain.back().report.superseded_by;
    Result<std::optional<ReportRecord>> next = read(next_id);
    if (!next.ok() || !*next) {
      return next.ok() ? Status::Corruption("report " + next_id.ToHex() + " is missing")
                       : next.status();
    }
    chain.push_back({next_id, **next});
  }
  return chain;
}

Result<DatasetContents> LedgerQueries::Dataset(const std::string& dataset_id) const {
  if (snapshot_ == nullptr) {
    ScopedSnapshot snapshot(db_);
    return LedgerQueries(db_, snapshot.get()).Dataset(dataset_id);
  }
  Result<std::optional<DatasetRecord>> dataset =
      ReadCommitted<DatasetRecord>(db_, snapshot_, TableKey(kDatasetTable, dataset_id));
  if (!dataset.ok()) {
    return dataset.status();
  }
  if (!*dataset) {
    return Status::NotFound("dataset \"" + dataset_id + "\" has no entries");
  }
  DatasetContents contents{**dataset, {}};
  for (uint64_t index = 0; index < contents.dataset.entry_count; ++index) {
    std::string value;
    leveldb::Status status = db_->Get(ReadOptions(), DatasetEntryKey(dataset_id, index), &value);
    if (!status.ok()) {
      return Status::Corruption("entry " + std::to_string(index) + " of dataset \"" + dataset_id +
                                "\" cannot be read: " + status.ToString());
    }
    Result<crypto::Digest> annotation_id = DigestFromValue(value, "dataset entry");
    if (!annotation_id.ok()) {
      return annotation_id.status();
    }
    Result<std::optional<AnnotationEntry>> annotation = ReadCommitted<AnnotationEntry>(
        db_, snapshot_, TableKey(kAnnotationTable, annotation_id->view()));
    if (!annotation.ok() || !*annotation) {
      return annotation.ok() ? Status::Corruption("annotation " + annotation_id->ToHex() +
                                                  " of a dataset is missing")
                             : annotation.status();
    }
    contents.entries.push_back({index, *annotation_id, **annotation});
  }
  return contents;
}

Result<StateMeta> LedgerQueries::Meta() const {
  Result<std::optional<StateMeta>> meta =
      ReadCommitted<StateMeta>(db_, snapshot_, std::string(kMetaKey));
  if (!meta.ok()) {
    return meta.status();
  }
  if (!*meta) {
    return Status::NotFound("the state holds no genesis yet");
  }
  return **meta;
}

}  // namespace imledger::contracts

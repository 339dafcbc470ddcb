// Typed access to the state tables through a StateOverlay.
//
// Each accessor reads or writes one record of records.h. A stored record that fails to decode
// is recorded in the overlay as a Corruption failure and read as absent; the engine then fails
// the block. Not thread-safe, like the overlay it wraps, which must outlive it.

#pragma once

#include <optional>
#include <string>

#include "contracts/records.h"
#include "contracts/state_overlay.h"

namespace imledger::contracts {

class LedgerState {
 public:
  explicit LedgerState(StateOverlay& overlay) : overlay_(overlay) {}

  template <typename Record>
  std::optional<Record> Read(const std::string& key) {
    std::optional<std::string> value = overlay_.Get(key);
    if (!value) {
      return std::nullopt;
    }
    ledger::Decoder decoder(AsBytes(*value));
    Record record;
    DecodeFields(decoder, record);
    Status status = decoder.Finish();
    if (!status.ok()) {
      overlay_.RecordFailure(Status::Corruption("stored state record in table " + key.substr(0, 2) +
                                                " does not decode: " + status.message()));
      return std::nullopt;
    }
    return record;
  }

  template <typename Record>
  void Write(std::string key, const Record& record) {
    ledger::Encoder encoder;
    EncodeFields(encoder, record);
    Bytes bytes = encoder.Take();
    overlay_.Put(std::move(key), std::string(AsChars(bytes)));
  }

  std::optional<MemberRecord> Member(const crypto::PublicKey& key) {
    return Read<MemberRecord>(TableKey(kMemberTable, key.view()));
  }

  std::optional<OrganizationRecord> Organization(std::string_view name) {
    return Read<OrganizationRecord>(TableKey(kOrganizationTable, name));
  }

  std::optional<PatientRecord> Patient(const crypto::Digest& patient_id) {
    return Read<PatientRecord>(TableKey(kPatientTable, patient_id.view()));
  }

  std::optional<PatientKeyRecord> PatientKey(const crypto::PublicKey& key) {
    return Read<PatientKeyRecord>(TableKey(kPatientKeyTable, key.view()));
  }

  std::optional<PseudonymRecord> Pseudonym(const crypto::Digest& pseudonym) {
    return Read<PseudonymRecord>(TableKey(kPseudonymTable, pseudonym.view()));
  }

  std::optional<StudyRecord> Study(const crypto::Digest& study_key) {
    return Read<StudyRecord>(TableKey(kStudyTable, study_key.view()));
  }

  std::optional<ReportRecord> Report(const crypto::Digest& report_id) {
    return Read<ReportRecord>(TableKey(kReportTable, report_id.view()));
  }

  std::optional<GrantRecord> Grant(const crypto::Digest& grant_id) {
    return Read<GrantRecord>(TableKey(kGrantTable, grant_id.view()));
  }

  std::optional<DatasetRecord> Dataset(std::string_view dataset_id) {
    return Read<DatasetRecord>(TableKey(kDatasetTable, dataset_id));
  }

  // The last accepted nonce of `signer`, 0 when it has none.
  uint64_t LastNonce(const crypto::PublicKey& signer);

  void SetLastNonce(const crypto::PublicKey& signer, uint64_t nonce);

  std::optional<StateMeta> Meta() { return Read<StateMeta>(std::string(kMetaKey)); }

  StateOverlay& overlay() { return overlay_; }

 private:
  StateOverlay& overlay_;
};

}  // namespace imledger::contracts

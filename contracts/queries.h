// Read-only queries over the committed state, for the gateway, the portal API and the auditor.
//
// Queries read the database directly, never an uncommitted block, so they see the state as of
// the last committed block. Lists of a patient come newest first and are paginated by
// sequence number: pass a page's next_before to get the following page. Decide is the one
// access-control decision the gateway makes; it uses the same grant check as the
// annotation.record rule. Every query that reads more than one record reads from one LevelDB
// snapshot, so a block committed meanwhile is seen entirely or not at all. LedgerQueries stores
// only pointers and is thread-safe because LevelDB reads are.

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <leveldb/db.h>

#include "base/status.h"
#include "contracts/genesis.h"
#include "contracts/payload.h"
#include "contracts/records.h"

namespace imledger::contracts {

// How long after an access.emergency the declaring clinician is allowed emergency access to
// the study. NOTE: a policy value sized for one clinical shift, because no standard fixes it.
inline constexpr uint64_t kEmergencyAccessWindowMs = 12ull * 60 * 60 * 1000;

struct AccessDecision {
  bool allowed = false;
  std::optional<crypto::Digest> grant_id;  // The grant that allowed access, if one did.
  // Why: the rule that allowed it ("acquiring organization, treatment"), or why it was denied.
  std::string rule;
};

struct PageRequest {
  uint64_t limit = 50;                      // 1 to kMaxPageSize items.
  std::optional<uint64_t> before_sequence;  // Only items older than this; none for the newest.
};

inline constexpr uint64_t kMaxPageSize = 1000;

template <typename Item>
struct Page {
  std::vector<Item> items;
  std::optional<uint64_t> next_before;  // Set when older items remain.
};

struct StudySummary {
  uint64_t sequence = 0;
  crypto::Digest study_key;
  StudyRecord study;
};

enum class GrantFilter : uint8_t { kAll, kActive, kPast };

struct GrantSummary {
  uint64_t sequence = 0;
  crypto::Digest grant_id;
  GrantRecord grant;
  bool active = false;  // Active at the query time.
};

struct TrailEntry {
  uint64_t sequence = 0;
  TrailEvent event;
};

struct ReportVersion {
  crypto::Digest report_id;
  ReportRecord report;
};

struct DatasetEntry {
  uint64_t index = 0;
  crypto::Digest annotation_id;
  AnnotationEntry annotation;
};

struct DatasetContents {
  DatasetRecord dataset;
  std::vector<DatasetEntry> entries;  // In recording order, as the seal's Merkle tree uses.
};

// A LevelDB snapshot released on destruction. `db` must outlive it.
class ScopedSnapshot {
 public:
  explicit ScopedSnapshot(leveldb::DB* db) : db_(db), snapshot_(db->GetSnapshot()) {}

  ~ScopedSnapshot() { db_->ReleaseSnapshot(snapshot_); }

  ScopedSnapshot(const ScopedSnapshot&) = delete;
  ScopedSnapshot& operator=(const ScopedSnapshot&) = delete;

  const leveldb::Snapshot* get() const { return snapshot_; }

 private:
  leveldb::DB* db_;
  const leveldb::Snapshot* snapshot_;
};

class LedgerQueries {
 public:
  // `db` must outlive the queries object. With a `snapshot`, which must stay valid as long,
  // every query reads that snapshot, so several queries can share one view of the state.
  explicit LedgerQueries(leveldb::DB* db, const leveldb::Snapshot* snapshot = nullptr)
      : db_(db), snapshot_(snapshot) {}

  // Decides whether `requester` may access `study_key` for `purpose` at `time_ms`. The rules, in
  // order: a requester that is not an active member is denied. Members of the acquiring
  // organization get treatment access. A clinician who declared access.emergency for the study
  // within kEmergencyAccessWindowMs gets emergency access. Otherwise the patient's newest grant
  // that covers the request allows it, and without one the request is denied.
  Result<AccessDecision> Decide(const crypto::PublicKey& requester, const crypto::Digest& study_key,
                                Purpose purpose, uint64_t time_ms) const;

  Result<std::optional<crypto::Digest>> PatientIdForKey(const crypto::PublicKey& key) const;

  Result<std::optional<PatientRecord>> Patient(const crypto::Digest& patient_id) const;

  Result<std::optional<MemberRecord>> Member(const crypto::PublicKey& key) const;

  Result<std::optional<StudyRecord>> Study(const crypto::Digest& study_key) const;

  Result<std::optional<GrantRecord>> Grant(const crypto::Digest& grant_id) const;

  Result<Page<StudySummary>> PatientStudies(const crypto::Digest& patient_id,
                                            const PageRequest& page) const;

  // Grants newest first; kActive and kPast are judged at `time_ms`.
  Result<Page<GrantSummary>> PatientGrants(const crypto::Digest& patient_id, GrantFilter filter,
                                           uint64_t time_ms, const PageRequest& page) const;

  Result<Page<TrailEntry>> AccessTrail(const crypto::Digest& patient_id,
                                       const PageRequest& page) const;

  // Every anchor of the study, version 1 first; empty when the study is not anchored.
  Result<std::vector<AnchorRecord>> StudyAnchors(const crypto::Digest& study_key) const;

  // The whole correction chain that `report_id` belongs to, oldest first; NotFound when the
  // report is unknown. Superseded versions stay in the chain, so each remains verifiable.
  Result<std::vector<ReportVersion>> ReportChain(const crypto::Digest& report_id) const;

  // NotFound when the dataset has no entries.
  Result<DatasetContents> Dataset(const std::string& dataset_id) const;

  Result<StateMeta> Meta() const;

  Result<Genesis> LoadGenesis() const;

 private:
  leveldb::ReadOptions ReadOptions() const;

  leveldb::DB* db_;
  const leveldb::Snapshot* snapshot_;
};

}  // namespace imledger::contracts

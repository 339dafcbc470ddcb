// LedgerQueries::Decide and the genesis lookup: the gateway's access decision over the
// committed state.

#include <memory>

#include "contracts/consent_match.h"
#include "contracts/queries.h"

namespace imledger::contracts {

namespace {

AccessDecision Deny(std::string reason) {
  return AccessDecision{false, std::nullopt, std::move(reason)};
}

AccessDecision Allow(std::string rule, std::optional<crypto::Digest> grant_id = std::nullopt) {
  return AccessDecision{true, grant_id, std::move(rule)};
}

// The time of the requester's latest access.emergency for the study, if any.
Result<std::optional<uint64_t>> EmergencyDeclaredAt(leveldb::DB* db,
                                                    const leveldb::ReadOptions& options,
                                                    const crypto::Digest& study_key,
                                                    const crypto::PublicKey& requester) {
  std::string value;
  leveldb::Status status = db->Get(options, EmergencyKey(study_key, requester), &value);
  if (status.IsNotFound()) {
    return std::optional<uint64_t>();
  }
  if (!status.ok() || value.size() != 8) {
    return Status::Corruption("emergency access record cannot be read: " + status.ToString());
  }
  uint64_t time_ms = 0;
  for (char byte : value) {
    time_ms = (time_ms << 8) | static_cast<uint8_t>(byte);
  }
  return std::optional<uint64_t>(time_ms);
}

}  // namespace

Result<AccessDecision> LedgerQueries::Decide(const crypto::PublicKey& requester,
                                             const crypto::Digest& study_key, Purpose purpose,
                                             uint64_t time_ms) const {
  if (snapshot_ == nullptr) {
    ScopedSnapshot snapshot(db_);
    return LedgerQueries(db_, snapshot.get()).Decide(requester, study_key, purpose, time_ms);
  }
  Result<std::optional<StudyRecord>> study = Study(study_key);
  if (!study.ok()) {
    return study.status();
  }
  if (!*study) {
    return Deny("study " + study_key.ToHex() + " is not anchored");
  }
  Result<std::optional<MemberRecord>> member = Member(requester);
  if (!member.ok()) {
    return member.status();
  }
  if (!*member) {
    return Deny("requester " + requester.ToHex() + " is not an enrolled member");
  }
  if ((*member)->revoked_ms) {
    return Deny("requester " + requester.ToHex() + " was revoked");
  }
  const std::string& organization = (*member)->organization;

  if (purpose == Purpose::kTreatment && organization == (*study)->organization) {
    return Allow("acquiring organization, treatment");
  }

  if (purpose == Purpose::kEmergency && (*member)->HasRole(Role::kClinician)) {
    Result<std::optional<uint64_t>> declared =
        EmergencyDeclaredAt(db_, ReadOptions(), study_key, requester);
    if (!declared.ok()) {
      return declared.status();
    }
    if (*declared && **declared <= time_ms && time_ms - **declared < kEmergencyAccessWindowMs) {
      return Allow("emergency access declared at " + std::to_string(**declared) + " ms");
    }
  }

  // The newest covering grant wins, so the decision names the most recent consent.
  PageRequest request{kMaxPageSize, std::nullopt};
  do {
    Result<Page<GrantSummary>> page =
        PatientGrants((*study)->patient_id, GrantFilter::kActive, time_ms, request);
    if (!page.ok()) {
      return page.status();
    }
    for (const GrantSummary& summary : page->items) {
      if (!GrantMismatch(summary.grant, study_key, (*study)->patient_id, purpose, requester,
                         organization, time_ms)) {
        return Allow("consent grant", summary.grant_id);
      }
    }
    request.before_sequence = page->next_before;
  } while (request.before_sequence);

  return Deny("no active grant of the patient allows " + std::string(PurposeName(purpose)) +
              " access for " + requester.ToHex() + " of organization " + organization);
}

Result<Genesis> LedgerQueries::LoadGenesis() const {
  std::string value;
  leveldb::Status status = db_->Get(ReadOptions(), std::string(kGenesisKey), &value);
  if (status.IsNotFound()) {
    return Status::NotFound("the state holds no genesis yet");
  }
  if (!status.ok()) {
    return Status::IoError("reading the genesis record failed: " + status.ToString());
  }
  return DecodeGenesis(AsBytes(value));
}

}  // namespace imledger::contracts

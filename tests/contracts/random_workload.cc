#include "tests/contracts/random_workload.h"

#include <algorithm>
#include <map>
#include <random>
#include <string>

#include "contracts/payload.h"
#include "tests/contracts/test_identities.h"

namespace imledger::contracts::testing {

namespace {

class WorkloadBuilder {
 public:
  explicit WorkloadBuilder(uint64_t seed) : random_(seed) {}

  Bytes Next(bool include_invalid_envelopes);

 private:
  // Modulo reduction instead of std::uniform_int_distribution, whose output differs between
  // standard libraries; the slight bias does not matter here.
  uint64_t Uniform(uint64_t bound) { return random_() % bound; }

  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[Uniform(items.size())];
  }

  const crypto::SecretKey& Key(const std::string& name) {
    auto it = keys_.find(name);
    if (it == keys_.end()) {
      it = keys_.emplace(name, KeyNamed(name)).first;
    }
    return it->second;
  }

  template <typename Payload>
  Bytes Sign(const std::string& signer, const Payload& payload) {
    uint64_t& nonce = nonces_[signer];
    nonce += 1 + Uniform(2);  // Gaps are allowed; nonces only need to increase.
    Transaction transaction = MakeTransaction(kNetworkId, nonce, 0, payload, Key(signer));
    Bytes bytes = EncodeTransaction(transaction);
    history_.push_back(bytes);
    last_id_ = TransactionIdOf(bytes);
    return bytes;
  }

  std::string Member(std::string_view kind) {
    return std::string(kind) + "-" + std::to_string(Uniform(6));
  }

  std::string Patient() { return "patient-" + std::to_string(Uniform(kPatients)); }

  // Pseudonym k belongs to patient k mod kPatients; study j to pseudonym j mod kPseudonyms.
  static constexpr uint64_t kPatients = 30;
  static constexpr uint64_t kPseudonyms = 60;
  static constexpr uint64_t kStudies = 120;

  crypto::Digest Study() { return StudyNamed(Uniform(kStudies)); }

  static crypto::Digest StudyNamed(uint64_t j) { return DigestNamed("study-" + std::to_string(j)); }

  static crypto::Digest PseudonymNamed(uint64_t k) {
    return DigestNamed("pseudonym-" + std::to_string(k));
  }

  std::string Organization() { return Pick(organizations_); }

  std::string Admin(const std::string& organization) {
    return organization == "hospital-a"   ? "admin-a"
           : organization == "hospital-b" ? "admin-b"
                                          : "admin-lab";
  }

  crypto::Digest Reference(const std::vector<crypto::Digest>& ids) {
    return ids.empty() || Uniform(10) == 0 ? DigestNamed("unknown-" + std::to_string(Uniform(5)))
                                           : Pick(ids);
  }

  Bytes Membership();
  Bytes Clinical();
  Bytes Consent();
  Bytes Provenance();
  Bytes InvalidEnvelope();

  std::mt19937_64 random_;
  std::map<std::string, crypto::SecretKey> keys_;
  std::map<std::string, uint64_t> nonces_;
  std::vector<Bytes> history_;
  crypto::Digest last_id_;
  std::vector<std::string> organizations_ = {"hospital-a", "hospital-b", "ai-lab"};
  std::vector<std::string> kinds_ = {"registrar", "technician", "radiologist",
                                     "clinician", "gateway",    "annotator"};
  std::vector<crypto::Digest> anchors_, reports_, grants_;
  std::map<uint64_t, crypto::Digest> latest_anchor_;
  std::map<uint64_t, std::string> patient_keys_;  // Patient index -> name of its current key.
  uint64_t next_pseudonym_ = 0;                   // Study index -> last generated anchor.
};

Bytes WorkloadBuilder::Membership() {
  std::string kind = Pick(kinds_);
  uint64_t index = Uniform(6);
  std::string member = kind + "-" + std::to_string(index);
  // Annotators work for the lab, other staff for one of the hospitals; one in ten tries the
  // wrong organization.
  std::string organization = kind == "annotator" ? "ai-lab"
                             : index % 2 == 0    ? "hospital-a"
                                                 : "hospital-b";
  if (Uniform(10) == 0) {
    organization = Organization();
  }
  if (Uniform(8) == 0) {
    // Only member 5 of each kind leaves, so the others keep working.
    return Sign(Admin(organization), MemberRevoke{Key(kind + "-5").public_key(), organization});
  }
  auto role = static_cast<Role>(std::find(kinds_.begin(), kinds_.end(), kind) - kinds_.begin());
  return Sign(Admin(organization), MemberEnroll{Key(member).public_key(), organization, {role}});
}

Bytes WorkloadBuilder::Clinical() {
  switch (Uniform(5)) {
    case 0: {
      // Mostly the next pseudonym not yet enrolled; sometimes a repeat.
      uint64_t k = Uniform(4) == 0 ? Uniform(kPseudonyms) : next_pseudonym_++ % kPseudonyms;
      std::string patient = "patient-" + std::to_string(k % kPatients);
      return Sign(Member("registrar"), PatientEnroll{PseudonymNamed(k), Key(patient).public_key()});
    }
    case 1: {
      uint64_t j = Uniform(kStudies);
      std::optional<crypto::Digest> previous;
      auto latest = latest_anchor_.find(j);
      if (latest != latest_anchor_.end() && Uniform(8) != 0) {
        previous = Uniform(6) == 0 ? Reference(anchors_) : latest->second;
      }
      StudyAnchor anchor{StudyNamed(j),
                         PseudonymNamed(j % kPseudonyms),
                         DigestNamed(std::to_string(Uniform(1000))),
                         1 + Uniform(500),
                         Uniform(1u << 30),
                         {"CT"},
                         previous};
      Bytes bytes = Sign(Member("technician"), anchor);
      anchors_.push_back(last_id_);
      latest_anchor_[j] = last_id_;
      return bytes;
    }
    case 2: {
      std::optional<crypto::Digest> supersedes;
      if (Uniform(3) == 0) {
        supersedes = Reference(reports_);
      }
      Bytes bytes = Sign(Member("radiologist"),
                         ReportSign{Study(), DigestNamed(std::to_string(Uniform(1u << 20))),
                                    "text/plain", supersedes});
      reports_.push_back(last_id_);
      return bytes;
    }
    case 3:
      return Sign(Member("clinician"), AccessEmergency{Study(), "emergency"});
    default: {
      AccessRecord record;
      for (uint64_t i = 0, count = 1 + Uniform(4); i < count; ++i) {
        bool allowed = Uniform(2) == 0;
        std::optional<crypto::Digest> grant;
        if (allowed && Uniform(2) == 0) {
          grant = Reference(grants_);
        }
        uint64_t time_ms = Uniform(1000);
        uint64_t bytes_served = allowed ? Uniform(1 << 20) : 0;
        record.events.push_back({Key(Member("clinician")).public_key(), Study(),
                                 Purpose::kTreatment, allowed, grant, time_ms, bytes_served});
      }
      return Sign(Member("gateway"), record);
    }
  }
}

Bytes WorkloadBuilder::Consent() {
  uint64_t patient_index = Uniform(kPatients);
  std::string& current_key = patient_keys_[patient_index];
  if (current_key.empty()) {
    current_key = "patient-" + std::to_string(patient_index);
  }
  // One in twenty signs with the patient's first key, which may have been rotated away.
  std::string patient = Uniform(20) == 0 ? "patient-" + std::to_string(patient_index) : current_key;
  if (Uniform(4) == 0) {
    return Sign(patient, ConsentRevoke{Reference(grants_)});
  }
  if (Uniform(40) == 0) {
    // A rotated-away key signs nothing more, which later transactions of it exercise.
    std::string new_key =
        "patient-" + std::to_string(patient_index) + "-rotated-" + std::to_string(Uniform(1000));
    Bytes bytes = Sign(patient, PatientRotateKey{Key(new_key).public_key()});
    current_key = new_key;
    return bytes;
  }
  ConsentGrant grant;
  grant.grantee = Grantee{GranteeKind::kOrganization, Organization(), {}};
  grant.all_studies = Uniform(3) != 0;
  if (!grant.all_studies) {
    grant.study_keys = {Study()};
  }
  grant.purposes = {Uniform(2) == 0 ? Purpose::kTreatment : Purpose::kAiTraining};
  grant.valid_from_ms = kGenesisTimeMs;
  grant.valid_until_ms = kGenesisTimeMs + 1000 * (1 + Uniform(20'000));
  Bytes bytes = Sign(patient, grant);
  grants_.push_back(last_id_);
  return bytes;
}

Bytes WorkloadBuilder::Provenance() {
  std::string dataset = "set-" + std::to_string(Uniform(4));
  if (Uniform(10) == 0) {
    return Sign(Member("annotator"),
                DatasetSeal{dataset, Uniform(5), DigestNamed(std::to_string(Uniform(3)))});
  }
  return Sign(Member("annotator"),
              AnnotationRecord{Study(), DigestNamed(std::to_string(Uniform(1u << 20))), "label",
                               "tool", "1", dataset, Reference(grants_)});
}

Bytes WorkloadBuilder::InvalidEnvelope() {
  switch (Uniform(4)) {
    case 0: {
      Bytes garbage(1 + Uniform(40));
      for (uint8_t& byte : garbage) {
        byte = static_cast<uint8_t>(Uniform(256));
      }
      return garbage;
    }
    case 1: {
      Transaction transaction =
          MakeTransaction("other-network", 1, 0, ConsentRevoke{}, Key(Patient()));
      return EncodeTransaction(transaction);
    }
    case 2: {
      Bytes bytes = history_.empty() ? Bytes{0} : Pick(history_);
      bytes[bytes.size() - 1 - Uniform(64)] ^= 0x01;  // Inside the signature.
      return bytes;
    }
    default:
      return history_.empty() ? Bytes{} : Pick(history_);  // A replay.
  }
}

Bytes WorkloadBuilder::Next(bool include_invalid_envelopes) {
  uint64_t choice = Uniform(20);
  if (include_invalid_envelopes && choice == 0) {
    return InvalidEnvelope();
  }
  if (choice < 4) {
    return Membership();
  }
  if (choice < 11) {
    return Clinical();
  }
  if (choice < 16) {
    return Consent();
  }
  return Provenance();
}

}  // namespace

std::vector<std::vector<Bytes>> MakeRandomWorkload(const WorkloadOptions& options) {
  WorkloadBuilder builder(options.seed);
  std::vector<std::vector<Bytes>> blocks;
  for (size_t i = 0; i < options.transaction_count; ++i) {
    if (i % options.block_size == 0) {
      blocks.emplace_back();
    }
    blocks.back().push_back(builder.Next(options.include_invalid_envelopes));
  }
  return blocks;
}

}  // namespace imledger::contracts::testing

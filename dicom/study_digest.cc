#include "dicom/study_digest.h"

#include <algorithm>
#include <map>

#include "crypto/merkle.h"

namespace imledger::dicom {

namespace {

Status CheckPlaceable(const InstanceDigest& instance) {
  if (instance.attributes.study_instance_uid.empty()) {
    return Status::Corruption(instance.path.string() +
                              " has no StudyInstanceUID (0020,000D), so it belongs to no study");
  }
  if (instance.attributes.sop_instance_uid.empty()) {
    return Status::Corruption(instance.path.string() +
                              " has no SOPInstanceUID (0008,0018), so it cannot be a leaf of "
                              "its study's tree");
  }
  return Status::Ok();
}

// Sorts `study.instances` by SOPInstanceUID, drops identical copies, then fills in the root,
// byte count and modalities.
Status FinishStudy(StudyDigest& study) {
  std::vector<InstanceDigest>& instances = study.instances;
  std::stable_sort(instances.begin(), instances.end(),
                   [](const InstanceDigest& a, const InstanceDigest& b) {
                     return a.attributes.sop_instance_uid < b.attributes.sop_instance_uid;
                   });
  std::vector<InstanceDigest> unique;
  for (InstanceDigest& instance : instances) {
    if (!unique.empty() &&
        unique.back().attributes.sop_instance_uid == instance.attributes.sop_instance_uid) {
      if (unique.back().instance_digest != instance.instance_digest) {
        return Status::Corruption("SOPInstanceUID " + instance.attributes.sop_instance_uid +
                                  " has different datasets in " + unique.back().path.string() +
                                  " and " + instance.path.string());
      }
      ++study.duplicate_files;
      continue;
    }
    unique.push_back(std::move(instance));
  }
  instances = std::move(unique);

  std::vector<crypto::Digest> leaves;
  leaves.reserve(instances.size());
  for (const InstanceDigest& instance : instances) {
    leaves.push_back(StudyLeafHash(instance.instance_digest));
    study.file_bytes += instance.file_bytes;
    if (!instance.attributes.modality.empty()) {
      study.modalities.push_back(instance.attributes.modality);
    }
  }
  study.root = crypto::MerkleTree(std::move(leaves)).Root();
  std::sort(study.modalities.begin(), study.modalities.end());
  study.modalities.erase(std::unique(study.modalities.begin(), study.modalities.end()),
                         study.modalities.end());
  return Status::Ok();
}

}  // namespace

crypto::Digest StudyLeafHash(const crypto::Digest& instance_digest) {
  return crypto::MerkleLeafHash(instance_digest.view());
}

Result<std::vector<StudyDigest>> BuildStudyDigests(std::vector<InstanceDigest> instances) {
  std::map<std::string, StudyDigest> by_study;
  for (InstanceDigest& instance : instances) {
    Status placeable = CheckPlaceable(instance);
    if (!placeable.ok()) {
      return placeable;
    }
    StudyDigest& study = by_study[instance.attributes.study_instance_uid];
    study.study_instance_uid = instance.attributes.study_instance_uid;
    study.instances.push_back(std::move(instance));
  }
  std::vector<StudyDigest> studies;
  studies.reserve(by_study.size());
  for (auto& [uid, study] : by_study) {
    Status status = FinishStudy(study);
    if (!status.ok()) {
      return status;
    }
    studies.push_back(std::move(study));
  }
  return studies;
}

Result<StudyInclusionProof> ProveInstance(const StudyDigest& study,
                                          std::string_view sop_instance_uid) {
  auto found = std::lower_bound(study.instances.begin(), study.instances.end(), sop_instance_uid,
                                [](const InstanceDigest& instance, std::string_view uid) {
                                  return instance.attributes.sop_instance_uid < uid;
                                });
  if (found == study.instances.end() || found->attributes.sop_instance_uid != sop_instance_uid) {
    return Status::NotFound("study " + study.study_instance_uid + " has no instance " +
                            std::string(sop_instance_uid));
  }
  std::vector<crypto::Digest> leaves;
  leaves.reserve(study.instances.size());
  for (const InstanceDigest& instance : study.instances) {
    leaves.push_back(StudyLeafHash(instance.instance_digest));
  }
  crypto::MerkleTree tree(std::move(leaves));
  StudyInclusionProof proof;
  proof.index = static_cast<uint64_t>(found - study.instances.begin());
  proof.size = tree.size();
  Result<std::vector<crypto::Digest>> path = tree.InclusionProof(proof.index);
  if (!path.ok()) {
    return path.status();
  }
  proof.path = std::move(*path);
  return proof;
}

Status VerifyInstanceInStudy(const crypto::Digest& instance_digest,
                             const StudyInclusionProof& proof, const crypto::Digest& root) {
  return crypto::VerifyMerkleInclusion(StudyLeafHash(instance_digest), proof.index, proof.size,
                                       proof.path, root);
}

}  // namespace imledger::dicom

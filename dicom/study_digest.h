// Study digests: the instances of a study, their RFC 6962 Merkle root, and inclusion proofs.
//
// The leaves of a study's tree are the 32-byte instance digests, ordered by SOPInstanceUID
// compared byte by byte, so leaf i hashes as SHA-256(0x00 || instance_digest_i). One
// SOPInstanceUID is one leaf: identical copies (the same instance digest) count once, and two
// different datasets with one SOPInstanceUID are an error. Pure functions over values;
// thread-safe.

#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "crypto/sha256.h"
#include "dicom/instance_digest.h"

namespace imledger::dicom {

struct StudyDigest {
  std::string study_instance_uid;
  std::vector<InstanceDigest> instances;  // Sorted by SOPInstanceUID; one per UID.
  crypto::Digest root;                    // RFC 6962 root over the instance digests.
  uint64_t file_bytes = 0;                // Sum over `instances`, copies left out.
  uint64_t duplicate_files = 0;           // Identical copies that were counted once.
  std::vector<std::string> modalities;    // Sorted, without repeats or empty values.
};

// An RFC 9162 inclusion proof of one instance digest in a study root.
struct StudyInclusionProof {
  uint64_t index = 0;  // Position of the instance in SOPInstanceUID order.
  uint64_t size = 0;   // Number of instances in the study.
  std::vector<crypto::Digest> path;
};

// The Merkle leaf hash of an instance: SHA-256(0x00 || instance_digest).
crypto::Digest StudyLeafHash(const crypto::Digest& instance_digest);

// Groups instances by StudyInstanceUID (studies sorted by it) and computes each root. Fails
// with kCorruption, naming the files, when an instance has no StudyInstanceUID or
// SOPInstanceUID, or when two files carry one SOPInstanceUID with different datasets.
Result<std::vector<StudyDigest>> BuildStudyDigests(std::vector<InstanceDigest> instances);

// Proves that the instance `sop_instance_uid` is a leaf of `study.root`; kNotFound when the
// study has no such instance.
Result<StudyInclusionProof> ProveInstance(const StudyDigest& study,
                                          std::string_view sop_instance_uid);

// Checks `proof` for `instance_digest` against a study root, as an auditor would.
Status VerifyInstanceInStudy(const crypto::Digest& instance_digest,
                             const StudyInclusionProof& proof, const crypto::Digest& root);

}  // namespace imledger::dicom

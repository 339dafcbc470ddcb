// The digests of one DICOM file and the attributes needed to anchor it in its study. The
// instance digest is SHA-256 of the canonical dataset, the same for every wrapping of one
// dataset. The file digest is SHA-256 of the file bytes.
//
// A file that cannot be opened or read fails with kIoError; a file that is empty, not DICOM,
// truncated or otherwise unparsable fails with kCorruption. Both messages name the file and
// the reason, and neither ever comes with a digest. Large values are streamed from the file,
// so memory stays bounded whatever the file size. DigestInstanceFile is thread-safe: the first
// call configures DCMTK for the whole process (see ConfigureDcmtk).

#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "base/status.h"
#include "crypto/sha256.h"

namespace imledger::dicom {

// Identifying attributes of an instance, with padding removed. patient_id and
// issuer_of_patient_id identify a person: they exist to compute a pseudonym and must never be
// written to the ledger or to logs.
struct InstanceAttributes {
  std::string study_instance_uid;    // (0020,000D)
  std::string series_instance_uid;   // (0020,000E)
  std::string sop_instance_uid;      // (0008,0018)
  std::string sop_class_uid;         // (0008,0016)
  std::string modality;              // (0008,0060)
  std::string patient_id;            // (0010,0020)
  std::string issuer_of_patient_id;  // (0010,0021)
  uint32_t number_of_frames = 0;  // (0028,0008); 1 without it when Pixel Data is present, else 0.
  bool media_storage_directory = false;  // A DICOMDIR, which indexes files and is no instance.
};

struct InstanceDigest {
  std::filesystem::path path;
  crypto::Digest instance_digest;  // SHA-256 of the canonical dataset.
  crypto::Digest file_digest;      // SHA-256 of the file bytes, as `sha256sum` prints it.
  uint64_t file_bytes = 0;
  uint64_t canonical_bytes = 0;  // Length of the canonical serialization.
  InstanceAttributes attributes;
};

// Sets the process-wide DCMTK options the digest depends on (UN elements of known tags are
// read with their dictionary VR) and silences DCMTK's own logging, whose warnings would
// otherwise go to standard error. Idempotent and thread-safe; DigestInstanceFile calls it.
void ConfigureDcmtk();

Result<InstanceDigest> DigestInstanceFile(const std::filesystem::path& path);

}  // namespace imledger::dicom

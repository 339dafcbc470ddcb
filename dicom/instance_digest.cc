#include "dicom/instance_digest.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcobject.h>
#include <dcmtk/dcmdata/dcvr.h>
#include <dcmtk/oflog/oflog.h>

#include "dicom/canonical_dataset.h"

namespace imledger::dicom {

namespace {

constexpr size_t kReadChunkBytes = 1 << 20;

// Values longer than this stay in the file until the serializer streams them.
constexpr Uint32 kMaxInMemoryValueBytes = 4096;

constexpr size_t kPreambleBytes = 128;

constexpr char kMediaStorageDirectoryUid[] = "1.2.840.10008.1.3.10";

class Sha256Sink final : public ByteSink {
 public:
  void Write(ByteView bytes) override { hasher_.Update(bytes); }

  crypto::Digest Finish() { return hasher_.Finish(); }

 private:
  crypto::Sha256 hasher_;
};

struct FileScan {
  crypto::Digest digest;
  uint64_t bytes = 0;
  bool has_dicm_prefix = false;  // "DICM" after the 128-byte preamble.
};

struct FileCloser {
  // NOLINTNEXTLINE(cppcoreguidelines-owning-memory): the unique_ptr below owns the FILE.
  void operator()(std::FILE* file) const { std::fclose(file); }
};

// Hashes the file bytes and notes whether the file starts like a DICOM Part 10 file.
Result<FileScan> ScanFile(const std::filesystem::path& path) {
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (file == nullptr) {
    return Status::IoError("cannot open " + path.string() + ": " + std::strerror(errno));
  }
  FileScan scan;
  crypto::Sha256 hasher;
  thread_local Bytes chunk(kReadChunkBytes);  // Reused: a fresh megabyte per file is slow.
  while (true) {
    size_t count = std::fread(chunk.data(), 1, chunk.size(), file.get());
    if (scan.bytes == 0 && count >= kPreambleBytes + 4) {
      scan.has_dicm_prefix = std::memcmp(chunk.data() + kPreambleBytes, "DICM", 4) == 0;
    }
    hasher.Update(ByteView(chunk.data(), count));
    scan.bytes += count;
    if (count < chunk.size()) {
      break;
    }
  }
  if (std::ferror(file.get()) != 0) {
    return Status::IoError("cannot read " + path.string() + ": " + std::strerror(errno));
  }
  scan.digest = hasher.Finish();
  return scan;
}

std::string GetString(DcmItem& item, const DcmTagKey& tag) {
  OFString value;
  if (item.findAndGetOFStringArray(tag, value).bad()) {
    return "";
  }
  return value.c_str();
}

InstanceAttributes ReadAttributes(DcmFileFormat& file) {
  DcmDataset& dataset = *file.getDataset();
  InstanceAttributes attributes;
  attributes.study_instance_uid = GetString(dataset, DCM_StudyInstanceUID);
  attributes.series_instance_uid = GetString(dataset, DCM_SeriesInstanceUID);
  attributes.sop_instance_uid = GetString(dataset, DCM_SOPInstanceUID);
  attributes.sop_class_uid = GetString(dataset, DCM_SOPClassUID);
  attributes.modality = GetString(dataset, DCM_Modality);
  attributes.patient_id = GetString(dataset, DCM_PatientID);
  attributes.issuer_of_patient_id = GetString(dataset, DCM_IssuerOfPatientID);

  Sint32 frames = 0;
  if (dataset.findAndGetSint32(DCM_NumberOfFrames, frames).good() && frames > 0) {
    attributes.number_of_frames = static_cast<uint32_t>(frames);
  } else {
    attributes.number_of_frames = dataset.tagExists(DCM_PixelData) ? 1 : 0;
  }

  std::string media_class = GetString(*file.getMetaInfo(), DCM_MediaStorageSOPClassUID);
  attributes.media_storage_directory =
      media_class == kMediaStorageDirectoryUid || dataset.tagExists(DCM_DirectoryRecordSequence);
  return attributes;
}

}  // namespace

void ConfigureDcmtk() {
  static std::once_flag once;
  std::call_once(once, [] {
    // An explicit-VR UN element whose tag the dictionary lists is read with the dictionary VR,
    // so a sequence sent as UN is hashed as the sequence it is.
    dcmEnableUnknownVRConversion.set(OFTrue);
    OFLog::configure(OFLogger::OFF_LOG_LEVEL);
  });
}

Result<InstanceDigest> DigestInstanceFile(const std::filesystem::path& path) {
  ConfigureDcmtk();
  Result<FileScan> scan = ScanFile(path);
  if (!scan.ok()) {
    return scan.status();
  }
  std::string name = path.string();
  if (scan->bytes == 0) {
    return Status::Corruption(name + " is not a DICOM file: it is empty");
  }

  DcmFileFormat file;
  OFCondition condition = file.loadFile(OFFilename(name.c_str()), EXS_Unknown, EGL_noChange,
                                        kMaxInMemoryValueBytes, ERM_autoDetect);
  if (condition.bad()) {
    return Status::Corruption(name + " is not valid DICOM: " + condition.text());
  }
  DcmDataset& dataset = *file.getDataset();
  if (!scan->has_dicm_prefix && !dataset.tagExists(DCM_SOPClassUID) &&
      !dataset.tagExists(DCM_SOPInstanceUID)) {
    // Without the "DICM" prefix, DCMTK parses any bytes as a bare dataset. A dataset with
    // neither SOP UID is far more likely some other file than an instance.
    return Status::Corruption(name +
                              " is not a DICOM file: no \"DICM\" prefix at byte 128 and no "
                              "SOP Class UID or SOP Instance UID");
  }

  Sha256Sink sink;
  Result<uint64_t> canonical_bytes = WriteCanonicalDataset(dataset, sink);
  if (!canonical_bytes.ok()) {
    return Status::Corruption(name + " is not valid DICOM: " + canonical_bytes.status().message());
  }

  InstanceDigest digest;
  digest.path = path;
  digest.instance_digest = sink.Finish();
  digest.file_digest = scan->digest;
  digest.file_bytes = scan->bytes;
  digest.canonical_bytes = *canonical_bytes;
  digest.attributes = ReadAttributes(file);
  return digest;
}

}  // namespace imledger::dicom

// Verify on read: the study digest of a spooled WADO-RS multipart response.
//
// A WADO-RS study retrieval is multipart/related (RFC 2387) with one application/dicom part per
// instance. DigestMultipartStudy maps the spooled response file, writes each part to its own
// file in `work_dir`, digests it with dicom::DigestInstanceFile and returns the study digest, so
// the caller can compare its root with the anchored one. Memory stays bounded by one part's
// headers: the response is read through a file mapping and never copied whole. Thread-safe for
// distinct work folders.

#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "base/status.h"
#include "dicom/study_digest.h"

namespace imledger::gateway {

// The boundary parameter of a multipart Content-Type value; InvalidArgument without one.
Result<std::string> MultipartBoundary(std::string_view content_type);

// Digests every part of the multipart file `spooled`. Fails with Corruption when the body is
// not multipart with `boundary`, a part is not DICOM, or the parts span other than one study.
Result<dicom::StudyDigest> DigestMultipartStudy(const std::filesystem::path& spooled,
                                                std::string_view boundary,
                                                const std::filesystem::path& work_dir);

}  // namespace imledger::gateway

// libFuzzer target: arbitrary bytes as a DICOM file through the instance digest path. Any
// input must end in a digest or an error Status; a crash, leak or sanitizer report is a bug.
// The bytes go through a file because DCMTK streams large values from the file it parsed.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <unistd.h>

#include "dicom/instance_digest.h"

namespace {

const std::string& InputPath() {
  static const std::string path = [] {
    std::string pattern = (std::filesystem::temp_directory_path() / "dicom-fuzz-XXXXXX").string();
    int descriptor = mkstemp(pattern.data());
    if (descriptor < 0) {
      std::abort();  // The harness cannot run without its scratch file.
    }
    close(descriptor);
    return pattern;
  }();
  static const bool removed_at_exit = [] {
    return std::atexit([] { std::remove(path.c_str()); }) == 0;
  }();
  static_cast<void>(removed_at_exit);  // A leftover scratch file in /tmp is harmless.
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = InputPath();
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) {
    return 0;
  }
  std::fwrite(data, 1, size, file);
  std::fclose(file);

  imledger::Result<imledger::dicom::InstanceDigest> digest =
      imledger::dicom::DigestInstanceFile(path);
  if (!digest.ok() && digest.status().message().find(path) == std::string::npos) {
    std::abort();  // Every error must name the file.
  }
  return 0;
}

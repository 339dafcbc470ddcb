// Helpers shared by the dicom/ tests: sample file paths, a fresh temporary folder, and an
// explicit VR little endian element encoder for hand-made datasets.

#pragma once

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/check.h"

namespace imledger::dicom::testing {

inline std::filesystem::path SamplePath(std::string_view relative) {
  return std::filesystem::path(IMLEDGER_TEST_DATA) / "dicom" / relative;
}

// A folder under the system temporary directory, removed with its contents on destruction.
class TempFolder {
 public:
  TempFolder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "imledger-dicom-XXXXXX");
    Check(mkdtemp(pattern.data()) != nullptr, "mkdtemp failed");
    path_ = pattern;
  }

  ~TempFolder() {
    std::error_code ignored;  // Removal is best effort; a leftover folder fails no test.
    std::filesystem::remove_all(path_, ignored);
  }

  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;

  const std::filesystem::path& path() const { return path_; }

  std::filesystem::path Write(std::string_view name, ByteView bytes) const {
    std::filesystem::path file = path_ / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    Check(out.good(), "writing a test file failed");
    return file;
  }

 private:
  std::filesystem::path path_;
};

inline void PutLittleEndian(Bytes& out, uint64_t value, int size) {
  for (int i = 0; i < size; ++i) {
    out.push_back(static_cast<uint8_t>(value >> (8 * i)));
  }
}

// One explicit VR little endian element with a defined length, written without any padding,
// so callers control odd lengths and pad bytes.
inline Bytes ExplicitElement(uint16_t group, uint16_t element, std::string_view vr,
                             ByteView value) {
  Bytes out;
  PutLittleEndian(out, group, 2);
  PutLittleEndian(out, element, 2);
  Append(out, AsBytes(vr));
  bool long_length = vr == "OB" || vr == "OW" || vr == "SQ" || vr == "UN" || vr == "UT";
  if (long_length) {
    PutLittleEndian(out, 0, 2);
    PutLittleEndian(out, value.size(), 4);
  } else {
    PutLittleEndian(out, value.size(), 2);
  }
  Append(out, value);
  return out;
}

inline Bytes ExplicitElement(uint16_t group, uint16_t element, std::string_view vr,
                             std::string_view value) {
  return ExplicitElement(group, element, vr, AsBytes(value));
}

// An item or delimiter header: tag (FFFE,eeee) and a 32-bit length.
inline Bytes ItemHeader(uint16_t element, uint32_t length) {
  Bytes out;
  PutLittleEndian(out, 0xFFFE, 2);
  PutLittleEndian(out, element, 2);
  PutLittleEndian(out, length, 4);
  return out;
}

}  // namespace imledger::dicom::testing

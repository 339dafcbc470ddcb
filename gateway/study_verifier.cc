#include "gateway/study_verifier.h"

#include <cstring>
#include <fstream>
#include <vector>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace imledger::gateway {
namespace {

// A read-only mapping of a whole file, unmapped on destruction.
class MappedFile {
 public:
  static Result<MappedFile> Open(const std::filesystem::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      return Status::IoError("opening spooled response " + path.string() +
                             " failed: " + std::strerror(errno));
    }

    struct stat info {};

    if (::fstat(fd, &info) != 0) {
      ::close(fd);
      return Status::IoError("reading the size of " + path.string() + " failed");
    }
    MappedFile file;
    file.size_ = static_cast<size_t>(info.st_size);
    if (file.size_ > 0) {
      void* data = ::mmap(nullptr, file.size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (data == MAP_FAILED) {
        ::close(fd);
        return Status::IoError("mapping " + path.string() + " failed: " + std::strerror(errno));
      }
      file.data_ = static_cast<const char*>(data);
    }
    ::close(fd);
    return file;
  }

  MappedFile(MappedFile&& other) noexcept : data_(other.data_), size_(other.size_) {
    other.data_ = nullptr;
    other.size_ = 0;
  }

  MappedFile& operator=(MappedFile&&) = delete;

  ~MappedFile() {
    if (data_ != nullptr) {
      ::munmap(const_cast<char*>(data_), size_);
    }
  }

  std::string_view view() const { return {data_, size_}; }

 private:
  MappedFile() = default;

  const char* data_ = nullptr;
  size_t size_ = 0;
};

struct PartRange {
  size_t begin = 0;
  size_t end = 0;
};

// The body ranges of the parts of `body`, delimited by "--boundary" lines (RFC 2046 5.1.1).
Result<std::vector<PartRange>> FindParts(std::string_view body, std::string_view boundary) {
  const std::string delimiter = "--" + std::string(boundary);
  std::vector<PartRange> parts;
  size_t position = body.find(delimiter);
  if (position == std::string_view::npos) {
    return Status::Corruption("the response has no multipart delimiter \"" + delimiter + "\"");
  }
  for (;;) {
    position += delimiter.size();
    if (body.substr(position, 2) == "--") {
      return parts;
    }
    size_t headers_end = body.find("\r\n\r\n", position);
    if (headers_end == std::string_view::npos) {
      return Status::Corruption("a multipart part has no end of headers");
    }
    size_t part_begin = headers_end + 4;
    size_t next = body.find("\r\n" + delimiter, part_begin);
    if (next == std::string_view::npos) {
      return Status::Corruption("the multipart body ends before its closing delimiter");
    }
    parts.push_back({part_begin, next});
    position = next + 2;
  }
}

Status WritePart(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) {
    return Status::IoError("writing spooled instance " + path.string() + " failed");
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> MultipartBoundary(std::string_view content_type) {
  size_t found = content_type.find("boundary=");
  if (found == std::string_view::npos) {
    return Status::InvalidArgument("Content-Type \"" + std::string(content_type) +
                                   "\" has no multipart boundary");
  }
  std::string_view value = content_type.substr(found + 9);
  if (value.starts_with('"')) {
    size_t close = value.find('"', 1);
    if (close == std::string_view::npos) {
      return Status::InvalidArgument("the multipart boundary has no closing quote");
    }
    return std::string(value.substr(1, close - 1));
  }
  size_t end = value.find_first_of("; \t");
  std::string boundary(value.substr(0, end));
  if (boundary.empty()) {
    return Status::InvalidArgument("the multipart boundary is empty");
  }
  return boundary;
}

Result<dicom::StudyDigest> DigestMultipartStudy(const std::filesystem::path& spooled,
                                                std::string_view boundary,
                                                const std::filesystem::path& work_dir) {
  Result<MappedFile> file = MappedFile::Open(spooled);
  if (!file.ok()) {
    return file.status();
  }
  Result<std::vector<PartRange>> parts = FindParts(file->view(), boundary);
  if (!parts.ok()) {
    return parts.status();
  }
  std::vector<dicom::InstanceDigest> instances;
  for (size_t i = 0; i < parts->size(); ++i) {
    const PartRange& range = (*parts)[i];
    std::filesystem::path part_path = work_dir / ("part-" + std::to_string(i) + ".dcm");
    Status written =
        WritePart(part_path, file->view().substr(range.begin, range.end - range.begin));
    if (!written.ok()) {
      return written;
    }
    Result<dicom::InstanceDigest> digest = dicom::DigestInstanceFile(part_path);
    std::error_code ignored;  // A part file left behind is removed with work_dir.
    std::filesystem::remove(part_path, ignored);
    if (!digest.ok()) {
      return Status::Corruption("part " + std::to_string(i) +
                                " of the response: " + digest.status().message());
    }
    instances.push_back(std::move(*digest));
  }
  Result<std::vector<dicom::StudyDigest>> studies = dicom::BuildStudyDigests(std::move(instances));
  if (!studies.ok()) {
    return studies.status();
  }
  if (studies->size() != 1) {
    return Status::Corruption("the response holds " + std::to_string(studies->size()) +
                              " studies; a study retrieval must hold exactly one");
  }
  return std::move(studies->front());
}

}  // namespace imledger::gateway

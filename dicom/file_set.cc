#include "dicom/file_set.h"

#include <algorithm>
#include <optional>
#include <system_error>
#include <thread>

namespace imledger::dicom {

namespace {

Status ListFolder(const std::filesystem::path& folder, std::vector<std::filesystem::path>& out) {
  std::error_code error;
  std::filesystem::recursive_directory_iterator walker(folder, error);
  for (; !error && walker != std::filesystem::recursive_directory_iterator();
       walker.increment(error)) {
    std::error_code type_error;
    if (walker->is_regular_file(type_error)) {
      out.push_back(walker->path());
    }
  }
  if (error) {
    return Status::IoError("cannot list folder " + folder.string() + ": " + error.message());
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<std::filesystem::path>> ListInputFiles(std::span<const std::string> paths) {
  std::vector<std::filesystem::path> files;
  for (const std::string& path : paths) {
    std::error_code error;
    std::filesystem::file_status status = std::filesystem::status(path, error);
    if (error) {
      return Status::IoError("cannot read " + path + ": " + error.message());
    }
    if (std::filesystem::is_directory(status)) {
      Status listed = ListFolder(path, files);
      if (!listed.ok()) {
        return listed;
      }
    } else if (std::filesystem::is_regular_file(status)) {
      files.emplace_back(path);
    } else {
      // A pipe or device could block a worker forever or yield different bytes on each read.
      return Status::IoError("cannot read " + path + ": not a regular file or folder");
    }
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

FileSetDigest DigestFiles(std::span<const std::filesystem::path> files, int threads,
                          std::atomic<uint64_t>* bytes_done) {
  std::vector<std::optional<Result<InstanceDigest>>> results(files.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next.fetch_add(1); i < files.size(); i = next.fetch_add(1)) {
      results[i].emplace(DigestInstanceFile(files[i]));
      if (bytes_done != nullptr && results[i]->ok()) {
        bytes_done->fetch_add((*results[i])->file_bytes);
      }
    }
  };
  size_t worker_count = std::clamp<size_t>(threads, 1, std::max<size_t>(files.size(), 1));
  std::vector<std::thread> workers;
  for (size_t i = 1; i < worker_count; ++i) {
    workers.emplace_back(work);
  }
  work();
  for (std::thread& worker : workers) {
    worker.join();
  }

  FileSetDigest digest;
  for (size_t i = 0; i < files.size(); ++i) {
    Result<InstanceDigest>& result = *results[i];
    if (result.ok()) {
      digest.instances.push_back(std::move(*result));
    } else {
      digest.failures.push_back({files[i], result.status()});
    }
  }
  return digest;
}

}  // namespace imledger::dicom

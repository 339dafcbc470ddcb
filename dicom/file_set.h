// The files of a study on disk: listing them from paths given by a person, and digesting them
// on several threads.
//
// Listing follows folders recursively and returns regular files sorted by path, so the same
// folder always yields the same order. Digesting keeps one result per file, in input order, and
// never stops at a bad file, so every bad file can be reported at once. Each worker parses one
// file at a time, so memory grows with the number of files but not with their sizes.

#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "dicom/instance_digest.h"

namespace imledger::dicom {

// Lists the regular files named by `paths` (files, or folders searched recursively), sorted and
// without repeats. Fails with kIoError naming the first path that is missing, unreadable, or
// neither a regular file nor a folder. Inside folders, other kinds of entries are skipped.
Result<std::vector<std::filesystem::path>> ListInputFiles(std::span<const std::string> paths);

struct FileFailure {
  std::filesystem::path path;
  Status status;  // kIoError: unreadable; kCorruption: not valid DICOM.
};

struct FileSetDigest {
  std::vector<InstanceDigest> instances;  // In the order of the input files.
  std::vector<FileFailure> failures;      // In the order of the input files.
};

// Digests `files` on `threads` threads (at least one). `bytes_done`, when not null, grows by
// each file's size as it finishes, for a progress display read from another thread.
FileSetDigest DigestFiles(std::span<const std::filesystem::path> files, int threads,
                          std::atomic<uint64_t>* bytes_done = nullptr);

}  // namespace imledger::dicom

// `imledger study digest PATH...`: instance digests and study roots of DICOM files and folders,
// grouped by study, as text for people or JSON for machines.
//
// The command prints roots only when every input file was read, because a root over part of a
// study would anchor the wrong set of instances. Any bad file turns the run into an error
// report that names each bad file.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/messages.h"
#include "crypto/encoding.h"
#include "dicom/file_set.h"
#include "dicom/study_digest.h"

namespace imledger::cli {

namespace {

// Studies smaller than this finish too fast for a progress bar to help.
constexpr uint64_t kProgressMinimumBytes = 256ull << 20;

struct StudyOptions {
  std::vector<std::string> paths;
  bool json = false;
  int threads = 0;  // 0: one per hardware thread.
  std::string prove_sop_instance_uid;
};

uint64_t TotalBytes(const std::vector<std::filesystem::path>& files) {
  uint64_t total = 0;
  for (const std::filesystem::path& file : files) {
    std::error_code error;
    uint64_t size = std::filesystem::file_size(file, error);
    total += error ? 0 : size;  // Unreadable files are reported when digested.
  }
  return total;
}

void DrawProgress(uint64_t done, uint64_t total) {
  constexpr int kWidth = 40;
  int filled = total == 0 ? kWidth : static_cast<int>(done * kWidth / total);
  std::string bar(filled, '#');
  bar.resize(kWidth, ' ');
  std::fprintf(stderr, "\r[%s] %3d%% %llu/%llu MB", bar.c_str(),
               total == 0 ? 100 : static_cast<int>(done * 100 / total),
               static_cast<unsigned long long>(done >> 20),
               static_cast<unsigned long long>(total >> 20));
  std::fflush(stderr);
}

// Digests `files`, drawing a progress bar on standard error when it is a terminal and the
// files are large enough for one to matter.
dicom::FileSetDigest DigestWithProgress(const std::vector<std::filesystem::path>& files,
                                        int threads) {
  uint64_t total = TotalBytes(files);
  if (isatty(STDERR_FILENO) == 0 || total < kProgressMinimumBytes) {
    return dicom::DigestFiles(files, threads);
  }
  std::atomic<uint64_t> bytes_done{0};
  std::atomic<bool> finished{false};
  dicom::FileSetDigest digest;
  std::thread worker([&] {
    digest = dicom::DigestFiles(files, threads, &bytes_done);
    finished.store(true);
  });
  while (!finished.load()) {
    DrawProgress(bytes_done.load(), total);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  worker.join();
  DrawProgress(total, total);
  std::fputc('\n', stderr);
  return digest;
}

// Prints one failure on standard error; the message names the file and the reason.
void PrintFailure(const Status& status) {
  std::cerr << Text("error.prefix", {status.message()}) << "\n";
}

nlohmann::json FailureJson(const std::string& path, const Status& status) {
  bool unreadable = status.code() == StatusCode::kIoError;
  return {{"path", path},
          {"kind", unreadable ? "unreadable" : "invalid_dicom"},
          {"message", status.message()}};
}

int ReportFailures(const std::vector<dicom::FileFailure>& failures, size_t file_count,
                   const StudyOptions& options) {
  bool unreadable = std::any_of(failures.begin(), failures.end(), [](const auto& failure) {
    return failure.status.code() == StatusCode::kIoError;
  });
  nlohmann::json errors = nlohmann::json::array();
  for (const dicom::FileFailure& failure : failures) {
    errors.push_back(FailureJson(failure.path.string(), failure.status));
    PrintFailure(failure.status);
  }
  std::cerr << Text("study.error.summary",
                    {std::to_string(failures.size()), std::to_string(file_count)})
            << "\n";
  if (options.json) {
    std::cout << nlohmann::json{{"errors", errors}}.dump() << "\n";
  }
  return unreadable ? kExitUnreadable : kExitInvalidDicom;
}

nlohmann::json InstanceJson(const dicom::InstanceDigest& instance) {
  // PatientID and its issuer stay out: they identify a person and are only for pseudonyms.
  const dicom::InstanceAttributes& attributes = instance.attributes;
  return {{"sop_instance_uid", attributes.sop_instance_uid},
          {"series_instance_uid", attributes.series_instance_uid},
          {"sop_class_uid", attributes.sop_class_uid},
          {"modality", attributes.modality},
          {"number_of_frames", attributes.number_of_frames},
          {"instance_digest", instance.instance_digest.ToHex()},
          {"file_digest", instance.file_digest.ToHex()},
          {"file_bytes", instance.file_bytes},
          {"canonical_bytes", instance.canonical_bytes},
          {"path", instance.path.string()}};
}

nlohmann::json ProofJson(const std::string& sop_instance_uid,
                         const dicom::StudyInclusionProof& proof) {
  nlohmann::json path = nlohmann::json::array();
  for (const crypto::Digest& digest : proof.path) {
    path.push_back(digest.ToHex());
  }
  return {{"sop_instance_uid", sop_instance_uid},
          {"index", proof.index},
          {"size", proof.size},
          {"path", path}};
}

void PrintStudyText(const dicom::StudyDigest& study,
                    const std::optional<dicom::StudyInclusionProof>& proof,
                    const StudyOptions& options) {
  std::string modalities;
  for (const std::string& modality : study.modalities) {
    modalities += (modalities.empty() ? "" : ", ") + modality;
  }
  std::cout << Text("study.text.study", {study.study_instance_uid}) << "\n";
  std::cout << "  " << Text("study.text.root", {study.root.ToHex()}) << "\n";
  std::cout << "  " << Text("study.text.instances", {std::to_string(study.instances.size())})
            << "\n";
  if (study.duplicate_files > 0) {
    std::cout << "  " << Text("study.text.copies", {std::to_string(study.duplicate_files)}) << "\n";
  }
  std::cout << "  " << Text("study.text.bytes", {std::to_string(study.file_bytes)}) << "\n";
  std::cout << "  " << Text("study.text.modalities", {modalities}) << "\n";
  std::cout << "  " << Text("study.text.instance_header") << "\n";
  for (const dicom::InstanceDigest& instance : study.instances) {
    std::cout << "    " << instance.instance_digest.ToHex() << "  "
              << instance.attributes.sop_instance_uid << "  " << instance.path.string() << "\n";
  }
  if (proof.has_value()) {
    std::cout << "  "
              << Text("study.text.proof",
                      {options.prove_sop_instance_uid, std::to_string(proof->index),
                       std::to_string(proof->size)})
              << "\n";
    for (const crypto::Digest& digest : proof->path) {
      std::cout << "    " << digest.ToHex() << "\n";
    }
  }
}

// Whether some study has the instance; an empty UID (no --prove) is always found.
bool ContainsInstance(const std::vector<dicom::StudyDigest>& studies,
                      const std::string& sop_instance_uid) {
  return sop_instance_uid.empty() ||
         std::any_of(studies.begin(), studies.end(), [&](const dicom::StudyDigest& study) {
           return dicom::ProveInstance(study, sop_instance_uid).ok();
         });
}

void PrintStudies(const std::vector<dicom::StudyDigest>& studies, const StudyOptions& options) {
  nlohmann::json out_studies = nlohmann::json::array();
  for (const dicom::StudyDigest& study : studies) {
    std::optional<dicom::StudyInclusionProof> proof;
    if (!options.prove_sop_instance_uid.empty()) {
      Result<dicom::StudyInclusionProof> found =
          dicom::ProveInstance(study, options.prove_sop_instance_uid);
      if (found.ok()) {
        proof = std::move(*found);
      }
    }
    if (!options.json) {
      if (&study != &studies.front()) {
        std::cout << "\n";
      }
      PrintStudyText(study, proof, options);
      continue;
    }
    nlohmann::json instances = nlohmann::json::array();
    for (const dicom::InstanceDigest& instance : study.instances) {
      instances.push_back(InstanceJson(instance));
    }
    nlohmann::json entry = {{"study_instance_uid", study.study_instance_uid},
                            {"root", study.root.ToHex()},
                            {"instance_count", study.instances.size()},
                            {"duplicate_files", study.duplicate_files},
                            {"file_bytes", study.file_bytes},
                            {"modalities", study.modalities},
                            {"instances", instances}};
    if (proof.has_value()) {
      entry["proof"] = ProofJson(options.prove_sop_instance_uid, *proof);
    }
    out_studies.push_back(std::move(entry));
  }
  if (options.json) {
    std::cout << nlohmann::json{{"studies", out_studies}}.dump() << "\n";
  }
}

// Drops DICOMDIR files, which index a medium and are no instance of any study.
std::vector<dicom::InstanceDigest> WithoutDirectories(std::vector<dicom::InstanceDigest> all) {
  std::vector<dicom::InstanceDigest> instances;
  for (dicom::InstanceDigest& instance : all) {
    if (instance.attributes.media_storage_directory) {
      std::cerr << Text("study.skipped_directory", {instance.path.string()}) << "\n";
    } else {
      instances.push_back(std::move(instance));
    }
  }
  return instances;
}

int RunDigest(const StudyOptions& options) {
  Result<std::vector<std::filesystem::path>> files = dicom::ListInputFiles(options.paths);
  if (!files.ok()) {
    return ReportFailures({{"", files.status()}}, options.paths.size(), options);
  }
  if (files->empty()) {
    std::cerr << Text("error.invalid_input", {Text("study.error.no_files")}) << "\n";
    return kExitInvalidInput;
  }
  int threads = options.threads > 0
                    ? options.threads
                    : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  dicom::FileSetDigest digest = DigestWithProgress(*files, threads);
  if (!digest.failures.empty()) {
    return ReportFailures(digest.failures, files->size(), options);
  }

  Result<std::vector<dicom::StudyDigest>> studies =
      dicom::BuildStudyDigests(WithoutDirectories(std::move(digest.instances)));
  if (!studies.ok()) {
    PrintFailure(studies.status());
    if (options.json) {
      nlohmann::json errors = nlohmann::json::array({FailureJson("", studies.status())});
      std::cout << nlohmann::json{{"errors", errors}}.dump() << "\n";
    }
    return kExitInvalidDicom;
  }
  if (!ContainsInstance(*studies, options.prove_sop_instance_uid)) {
    std::cerr << Text("error.invalid_input",
                      {Text("study.error.prove_not_found", {options.prove_sop_instance_uid})})
              << "\n";
    return kExitInvalidInput;
  }
  PrintStudies(*studies, options);
  return kExitOk;
}

}  // namespace

void AddStudyCommands(CLI::App& app) {
  CLI::App* study = app.add_subcommand("study", Text("study.help"));
  study->require_subcommand(1);
  auto options = std::make_shared<StudyOptions>();

  CLI::App* digest = study->add_subcommand("digest", Text("study.digest.help"));
  digest->add_option("paths", options->paths, Text("study.option.paths.help"))->required();
  digest->add_flag("--json", options->json, Text("option.json.help"));
  digest->add_option("--threads", options->threads, Text("study.option.threads.help"))
      ->check(CLI::Range(0, 256));
  digest->add_option("--prove", options->prove_sop_instance_uid, Text("study.option.prove.help"));
  digest->callback([options] { throw CLI::RuntimeError(RunDigest(*options)); });
}

std::span<const Message> StudyMessages() {
  static constexpr Message kMessages[] = {
      {"study.help", "DICOM study digests", "DICOM study 摘要"},
      {"study.digest.help",
       "print instance digests and study roots of DICOM files and folders; exit 0 success, 2 "
       "invalid arguments, 3 unreadable input, 4 invalid DICOM",
       "输出 DICOM 文件和文件夹的实例摘要与 study 根；退出码 0 成功，2 参数无效，3 输入无法读取，4 "
       "DICOM 无效"},
      {"study.option.paths.help", "DICOM files, or folders searched recursively",
       "DICOM 文件，或递归搜索的文件夹"},
      {"study.option.threads.help", "number of files digested at once (0: one per CPU thread)",
       "同时计算摘要的文件数（0：每个 CPU 线程一个）"},
      {"study.option.prove.help", "also print the inclusion proof of this SOPInstanceUID",
       "同时输出该 SOPInstanceUID 的包含证明"},
      {"study.text.study", "study {0}", "study {0}"},
      {"study.text.root", "root        {0}", "根          {0}"},
      {"study.text.instances", "instances   {0}", "实例数      {0}"},
      {"study.text.copies", "copies      {0} (identical files, counted once)",
       "副本        {0}（相同文件，只计一次）"},
      {"study.text.bytes", "bytes       {0}", "字节数      {0}"},
      {"study.text.instance_header",
       "instance digest, SOPInstanceUID, file:", "实例摘要、SOPInstanceUID、文件："},
      {"study.text.modalities", "modalities  {0}", "模态        {0}"},
      {"study.text.proof", "inclusion proof of {0}: leaf {1} of {2}, path:",
       "{0} 的包含证明：第 {1} 个叶子，共 {2} 个，路径："},
      {"study.skipped_directory", "skipped {0}: a DICOMDIR indexes files and is no instance",
       "已跳过 {0}：DICOMDIR 是文件索引，不是实例"},
      {"study.error.summary",
       "{0} of {1} files failed, so no study root was printed; fix or remove them and run again",
       "{1} 个文件中有 {0} 个失败，因此未输出 study 根；请修复或移除后重新运行"},
      {"study.error.no_files", "the paths contain no files", "给定路径中没有文件"},
      {"study.error.prove_not_found", "no input instance has SOPInstanceUID {0}",
       "输入中没有 SOPInstanceUID 为 {0} 的实例"},
  };
  return kMessages;
}

}  // namespace imledger::cli

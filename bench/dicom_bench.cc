// Throughput of the instance digest on real sample files, one file per iteration, and of a
// whole generated study folder when IMLEDGER_DICOM_STUDY names one (bench/make_dicom_study.sh).

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "dicom/file_set.h"
#include "dicom/instance_digest.h"

namespace {

std::filesystem::path SamplePath(const char* relative) {
  return std::filesystem::path(IMLEDGER_SOURCE_DIR) / "tests/data/dicom" / relative;
}

void BM_DigestInstanceFile(benchmark::State& state, const char* sample) {
  std::filesystem::path path = SamplePath(sample);
  uint64_t bytes = 0;
  for (auto _ : state) {
    imledger::Result<imledger::dicom::InstanceDigest> digest =
        imledger::dicom::DigestInstanceFile(path);
    if (!digest.ok()) {
      state.SkipWithError(digest.status().ToString().c_str());
      return;
    }
    bytes += digest->file_bytes;
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

BENCHMARK_CAPTURE(BM_DigestInstanceFile, native_mr_384k, "basic/dicom3tools-0051.dcm");
BENCHMARK_CAPTURE(BM_DigestInstanceFile, implicit_mr_140k, "basic/dicomweb-client-sample3-MR.dcm");
BENCHMARK_CAPTURE(BM_DigestInstanceFile, rle_us_10_frames, "multiframe/US-PAL-8-10x-echo.dcm");
BENCHMARK_CAPTURE(BM_DigestInstanceFile, ct_39k, "basic/CT_small.dcm");
BENCHMARK_CAPTURE(BM_DigestInstanceFile, sr_deep_nesting, "documents/test-SR.dcm");

void BM_DigestStudyFolder(benchmark::State& state) {
  const char* folder = std::getenv("IMLEDGER_DICOM_STUDY");
  if (folder == nullptr) {
    state.SkipWithError("set IMLEDGER_DICOM_STUDY to a folder from bench/make_dicom_study.sh");
    return;
  }
  imledger::Result<std::vector<std::filesystem::path>> files =
      imledger::dicom::ListInputFiles(std::vector<std::string>{folder});
  if (!files.ok()) {
    state.SkipWithError(files.status().ToString().c_str());
    return;
  }
  uint64_t bytes = 0;
  for (auto _ : state) {
    imledger::dicom::FileSetDigest digest =
        imledger::dicom::DigestFiles(*files, static_cast<int>(state.range(0)));
    for (const imledger::dicom::InstanceDigest& instance : digest.instances) {
      bytes += instance.file_bytes;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

BENCHMARK(BM_DigestStudyFolder)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();

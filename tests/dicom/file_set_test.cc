// Listing and digesting the files of a study folder, with bad files reported by name.

#include "dicom/file_set.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/dicom/test_support.h"

namespace imledger::dicom {
namespace {

using testing::SamplePath;
using testing::TempFolder;

TEST(FileSetTest, ListsFolderRecursivelyInSortedOrder) {
  TempFolder folder;
  folder.Write("b/2.dcm", AsBytes("x"));
  folder.Write("a/1.dcm", AsBytes("x"));
  folder.Write("c.dcm", AsBytes("x"));
  std::vector<std::string> paths = {folder.path().string(), (folder.path() / "c.dcm").string()};
  Result<std::vector<std::filesystem::path>> files = ListInputFiles(paths);
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_EQ(files->size(), 3u);
  EXPECT_EQ((*files)[0], folder.path() / "a/1.dcm");
  EXPECT_EQ((*files)[1], folder.path() / "b/2.dcm");
  EXPECT_EQ((*files)[2], folder.path() / "c.dcm");
}

TEST(FileSetTest, MissingPathIsIoError) {
  TempFolder folder;
  std::vector<std::string> paths = {(folder.path() / "absent").string()};
  Result<std::vector<std::filesystem::path>> files = ListInputFiles(paths);
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.status().code(), StatusCode::kIoError);
  EXPECT_NE(files.status().message().find("absent"), std::string::npos);
}

TEST(FileSetTest, DeviceIsIoError) {
  std::vector<std::string> paths = {"/dev/null"};
  Result<std::vector<std::filesystem::path>> files = ListInputFiles(paths);
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.status().code(), StatusCode::kIoError);
  EXPECT_NE(files.status().message().find("not a regular file"), std::string::npos);
}

TEST(FileSetTest, BadFilesAreReportedAndGoodOnesKept) {
  std::vector<std::filesystem::path> files = {
      SamplePath("basic/CT_small.dcm"), SamplePath("malformed/rtplan_truncated.dcm"),
      SamplePath("basic/MR_small.dcm"), SamplePath("SOURCES.md")};
  std::atomic<uint64_t> bytes_done{0};
  FileSetDigest digest = DigestFiles(files, 2, &bytes_done);
  ASSERT_EQ(digest.instances.size(), 2u);
  EXPECT_EQ(digest.instances[0].path, files[0]);
  EXPECT_EQ(digest.instances[1].path, files[2]);
  ASSERT_EQ(digest.failures.size(), 2u);
  EXPECT_EQ(digest.failures[0].path, files[1]);
  EXPECT_EQ(digest.failures[0].status.code(), StatusCode::kCorruption);
  EXPECT_EQ(digest.failures[1].path, files[3]);
  EXPECT_EQ(bytes_done.load(), 39206u + 9830u);
}

TEST(FileSetTest, ThreadCountDoesNotChangeResults) {
  Result<std::vector<std::filesystem::path>> files =
      ListInputFiles(std::vector<std::string>{SamplePath("").string()});
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  FileSetDigest single_thread = DigestFiles(*files, 1);
  FileSetDigest four_threads = DigestFiles(*files, 4);
  ASSERT_EQ(single_thread.instances.size(), four_threads.instances.size());
  for (size_t i = 0; i < single_thread.instances.size(); ++i) {
    EXPECT_EQ(single_thread.instances[i].path, four_threads.instances[i].path);
    EXPECT_EQ(single_thread.instances[i].instance_digest,
              four_threads.instances[i].instance_digest);
  }
  EXPECT_EQ(single_thread.failures.size(), four_threads.failures.size());
}

}  // namespace
}  // namespace imledger::dicom

// Instance digests of real sample files: golden vectors, one digest per dataset whatever its
// wrapping, tricky but valid files, and files that must be rejected with a named reason.

#include "dicom/instance_digest.h"

#include <string>

#include <gtest/gtest.h>

#include "tests/dicom/test_support.h"

namespace imledger::dicom {
namespace {

using testing::SamplePath;
using testing::TempFolder;

std::string InstanceDigestHex(std::string_view sample) {
  Result<InstanceDigest> digest = DigestInstanceFile(SamplePath(sample));
  return digest.ok() ? digest->instance_digest.ToHex() : digest.status().ToString();
}

// The test vectors of docs/dicom-digest.md.
TEST(InstanceDigestTest, SampleFilesMatchGoldenVectors) {
  struct Vector {
    std::string_view sample;
    std::string_view instance_digest;
  };

  static constexpr Vector kVectors[] = {
      {"basic/CT_small.dcm", "d6dfc7a56bb178cc396a6e1b822340a3f017b5c3a3ca29d7608e8c37faf37fce"},
      {"basic/MR_small.dcm", "a98c0405924ebdeb9e1a60534fbbe5e67d18878c40d244c143f4a68b4f03941b"},
      {"basic/dicomweb-client-sample-PT.dcm",
       "d9129efdde55082f70416c2f1498c1d29722f3f2bcc903db78d56414b6b6d881"},
      {"documents/rtplan.dcm", "c058d5fe33a0755d46c33e83b47434885ab08ca06bfbe94bd181b27609250074"},
      {"documents/test-SR.dcm", "d3d4e7bd0608e65a37143d58c8d5192149ad033fef140593c0ad0c60e60c7488"},
      {"multiframe/US-PAL-8-10x-echo.dcm",
       "b9dd0d538175547aa307ed7e85fe7e4c881915e7c64fcd3089b7e9b56d7275b4"},
      {"transfer-syntax/MR_small_RLE.dcm",
       "6782d73c76d00b734c388f5a35ad46d01b5e70570bc57154d04089a60333d279"},
      {"malformed/rtdose_rle.dcm",
       "867b1af509fba07d598ce5ee84da84a955197a3a0986b53dc3446d1f7b876ecf"},
  };
  for (const Vector& vector : kVectors) {
    EXPECT_EQ(InstanceDigestHex(vector.sample), vector.instance_digest) << vector.sample;
  }
}

TEST(InstanceDigestTest, MrSmallWrappingsShareOneDigest) {
  // The explicit file also carries (FFFC,FFFC) Data Set Trailing Padding, which the canonical
  // form leaves out; the implicit and big endian files do not.
  std::string explicit_little = InstanceDigestHex("basic/MR_small.dcm");
  EXPECT_EQ(InstanceDigestHex("transfer-syntax/MR_small_implicit.dcm"), explicit_little);
  EXPECT_EQ(InstanceDigestHex("transfer-syntax/MR_small_bigendian.dcm"), explicit_little);
}

TEST(InstanceDigestTest, MrSmallVariantsWithOtherDataDiffer) {
  std::string explicit_little = InstanceDigestHex("basic/MR_small.dcm");
  // Its Pixel Data is 8320 bytes against 8192: 128 more bytes at the end of the value.
  EXPECT_NE(InstanceDigestHex("transfer-syntax/MR_small_padded.dcm"), explicit_little);
  // Compressed pixel data is other bytes, so another dataset, even when it decodes the same.
  EXPECT_NE(InstanceDigestHex("transfer-syntax/MR_small_RLE.dcm"), explicit_little);
  EXPECT_NE(InstanceDigestHex("transfer-syntax/MR_small_jpeg_ls_lossless.dcm"), explicit_little);
}

TEST(InstanceDigestTest, CtSmallWithoutPreambleAndMetaSharesDigest) {
  EXPECT_EQ(InstanceDigestHex("transfer-syntax/GENERATED-CT_small-no-preamble-no-meta.dcm"),
            InstanceDigestHex("basic/CT_small.dcm"));
}

TEST(InstanceDigestTest, FileDigestIsSha256OfFileBytes) {
  Result<InstanceDigest> digest = DigestInstanceFile(SamplePath("basic/CT_small.dcm"));
  ASSERT_TRUE(digest.ok()) << digest.status().ToString();
  // sha256sum prints 3dd31e5cc835b3f2... for this file.
  EXPECT_EQ(digest->file_digest.ToHex().substr(0, 16), "3dd31e5cc835b3f2");
  EXPECT_EQ(digest->file_bytes, 39206u);
  EXPECT_EQ(digest->canonical_bytes, 38732u);
}

TEST(InstanceDigestTest, ExtractsAnchoringAttributes) {
  Result<InstanceDigest> digest = DigestInstanceFile(SamplePath("basic/MR_small.dcm"));
  ASSERT_TRUE(digest.ok()) << digest.status().ToString();
  const InstanceAttributes& attributes = digest->attributes;
  EXPECT_EQ(attributes.study_instance_uid, "1.3.6.1.4.1.5962.1.2.4.20040826185059.5457");
  EXPECT_EQ(attributes.series_instance_uid, "1.3.6.1.4.1.5962.1.3.4.1.20040826185059.5457");
  EXPECT_EQ(attributes.sop_instance_uid, "1.3.6.1.4.1.5962.1.1.4.1.1.20040826185059.5457");
  EXPECT_EQ(attributes.sop_class_uid, "1.2.840.10008.5.1.4.1.1.4");
  EXPECT_EQ(attributes.modality, "MR");
  EXPECT_EQ(attributes.patient_id, "4MR1");
  EXPECT_EQ(attributes.issuer_of_patient_id, "");
  EXPECT_EQ(attributes.number_of_frames, 1u);
  EXPECT_FALSE(attributes.media_storage_directory);
}

TEST(InstanceDigestTest, CountsFramesOfMultiframeInstance) {
  Result<InstanceDigest> digest =
      DigestInstanceFile(SamplePath("multiframe/US-PAL-8-10x-echo.dcm"));
  ASSERT_TRUE(digest.ok()) << digest.status().ToString();
  EXPECT_EQ(digest->attributes.number_of_frames, 10u);
  EXPECT_EQ(digest->attributes.modality, "US");
}

TEST(InstanceDigestTest, ReadsStandardTagsSentAsUn) {
  Result<InstanceDigest> digest = DigestInstanceFile(SamplePath("malformed/rtdose_rle.dcm"));
  ASSERT_TRUE(digest.ok()) << digest.status().ToString();
  EXPECT_EQ(digest->attributes.modality, "RTDOSE");
  EXPECT_EQ(digest->attributes.sop_instance_uid, "1.9.999.999.99.9.9999.9999.20030818153516");
  EXPECT_EQ(digest->attributes.number_of_frames, 15u);
}

TEST(InstanceDigestTest, TrickyValidFilesGiveDigests) {
  static constexpr std::string_view kSamples[] = {
      "basic/dicom3tools-0051.dcm",
      "basic/dicomweb-client-sample3-MR.dcm",
      "basic/nibabel-csa_slice_norm.dcm",
      "charset/chrArab.dcm",
      "charset/chrGerm.dcm",
      "charset/chrI2.dcm",
      "charset/chrSQEncoding.dcm",
      "charset/chrX1.dcm",
      "charset/empty_charset_LEI.dcm",
      "documents/GENERATED-encapsulated-pdf.dcm",
      "documents/reportsi.dcm",
      "documents/rtstruct.dcm",
      "malformed/UN_sequence.dcm",
      "malformed/badVR.dcm",
      "malformed/meta_missing_tsyntax.dcm",
      "malformed/no_meta_group_length.dcm",
      "malformed/priv_SQ.dcm",
      "malformed/slicethickness_empty_string.dcm",
      "multiframe/SC_rgb_rle_2frame.dcm",
      "multiframe/liver_1frame.dcm",
      "transfer-syntax/ExplVR_LitEndNoMeta.dcm",
      "transfer-syntax/JPEG-lossy.dcm",
      "transfer-syntax/SC_rgb_jpeg_dcmtk.dcm",
      "transfer-syntax/SC_rgb_jpeg_gdcm.dcm",
  };
  for (std::string_view sample : kSamples) {
    Result<InstanceDigest> digest = DigestInstanceFile(SamplePath(sample));
    EXPECT_TRUE(digest.ok()) << sample << ": " << digest.status().ToString();
  }
}

void ExpectRejected(const std::filesystem::path& path, StatusCode code, std::string_view reason) {
  Result<InstanceDigest> digest = DigestInstanceFile(path);
  ASSERT_FALSE(digest.ok()) << path;
  EXPECT_EQ(digest.status().code(), code) << digest.status().ToString();
  EXPECT_NE(digest.status().message().find(path.string()), std::string::npos)
      << digest.status().ToString();
  EXPECT_NE(digest.status().message().find(reason), std::string::npos)
      << digest.status().ToString();
}

TEST(InstanceDigestTest, TruncatedFileIsRejected) {
  ExpectRejected(SamplePath("malformed/rtplan_truncated.dcm"), StatusCode::kCorruption,
                 "is not valid DICOM");
}

TEST(InstanceDigestTest, GarbageVrFileIsRejected) {
  ExpectRejected(SamplePath("malformed/SC_rgb_jpeg.dcm"), StatusCode::kCorruption,
                 "is not valid DICOM");
}

TEST(InstanceDigestTest, TextFileIsRejected) {
  ExpectRejected(SamplePath("SOURCES.md"), StatusCode::kCorruption, "DICOM");
}

TEST(InstanceDigestTest, EmptyFileIsRejected) {
  TempFolder folder;
  ExpectRejected(folder.Write("empty.dcm", {}), StatusCode::kCorruption, "it is empty");
}

TEST(InstanceDigestTest, FileWithoutDicmOrSopUidsIsRejected) {
  TempFolder folder;
  // A well-formed element stream, but nothing marks it as a DICOM instance.
  Bytes bytes = testing::ExplicitElement(0x0010, 0x0010, "PN", "Doe^Jo ");
  ExpectRejected(folder.Write("bare.bin", bytes), StatusCode::kCorruption,
                 "no \"DICM\" prefix at byte 128");
}

TEST(InstanceDigestTest, TruncatedCopyOfValidFileIsRejected) {
  TempFolder folder;
  std::ifstream in(SamplePath("basic/CT_small.dcm"), std::ios::binary);
  Bytes bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  bytes.resize(bytes.size() - 1000);  // Cuts Pixel Data short.
  ExpectRejected(folder.Write("cut.dcm", bytes), StatusCode::kCorruption, "is not valid DICOM");
}

TEST(InstanceDigestTest, MissingFileIsUnreadable) {
  TempFolder folder;
  ExpectRejected(folder.path() / "absent.dcm", StatusCode::kIoError, "cannot open");
}

TEST(InstanceDigestTest, FolderIsUnreadable) {
  TempFolder folder;
  ExpectRejected(folder.path(), StatusCode::kIoError, "cannot read");
}

}  // namespace
}  // namespace imledger::dicom

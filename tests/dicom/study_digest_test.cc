// Study roots over real sample files: grouping, ordering, copies, conflicts, and inclusion
// proofs checked the way an auditor checks them.

#include "dicom/study_digest.h"

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "crypto/merkle.h"
#include "tests/dicom/test_support.h"

namespace imledger::dicom {
namespace {

using testing::SamplePath;

std::vector<InstanceDigest> DigestSamples(std::initializer_list<std::string_view> samples) {
  std::vector<InstanceDigest> instances;
  for (std::string_view sample : samples) {
    Result<InstanceDigest> digest = DigestInstanceFile(SamplePath(sample));
    Check(digest.ok(), digest.status().ToString());
    instances.push_back(std::move(*digest));
  }
  return instances;
}

// Three instances of one study (the pydicom SC_rgb files) and one of another. The JPEG
// lossless and RLE files share a SOPInstanceUID, so the JPEG lossless one gets a new UID here to
// stand for a third instance.
std::vector<InstanceDigest> FourInstances() {
  std::vector<InstanceDigest> instances =
      DigestSamples({"transfer-syntax/SC_rgb_jpeg_gdcm.dcm", "basic/MR_small.dcm",
                     "transfer-syntax/SC_rgb_jpeg_dcmtk.dcm", "multiframe/SC_rgb_rle_2frame.dcm"});
  instances[0].attributes.sop_instance_uid = "1.2.826.0.1.3680043.8.498.3";
  return instances;
}

constexpr std::string_view kRgbStudy =
    "1.2.826.0.1.3680043.8.498.12406831542731051035295345080039845114";

TEST(StudyDigestTest, GroupsInstancesByStudyInSortedOrder) {
  Result<std::vector<StudyDigest>> studies = BuildStudyDigests(FourInstances());
  ASSERT_TRUE(studies.ok()) << studies.status().ToString();
  ASSERT_EQ(studies->size(), 2u);
  EXPECT_EQ((*studies)[0].study_instance_uid,
            "1.2.826.0.1.3680043.8.498.12406831542731051035295345080039845114");
  EXPECT_EQ((*studies)[1].study_instance_uid, "1.3.6.1.4.1.5962.1.2.4.20040826185059.5457");
  EXPECT_EQ((*studies)[0].instances.size(), 3u);
  EXPECT_EQ((*studies)[1].instances.size(), 1u);
}

TEST(StudyDigestTest, OrdersLeavesBySopInstanceUid) {
  Result<std::vector<StudyDigest>> studies = BuildStudyDigests(FourInstances());
  ASSERT_TRUE(studies.ok()) << studies.status().ToString();
  const StudyDigest& study = (*studies)[0];
  ASSERT_EQ(study.instances.size(), 3u);
  EXPECT_EQ(study.instances[0].attributes.sop_instance_uid,
            "1.2.276.0.7230010.3.1.4.8323329.15150.1506363677.126194");
  EXPECT_EQ(study.instances[1].attributes.sop_instance_uid, "1.2.826.0.1.3680043.8.498.3");
  EXPECT_EQ(study.instances[2].attributes.sop_instance_uid,
            "1.2.826.0.1.3680043.8.498.49043964482360854182530167603505525116");
}

TEST(StudyDigestTest, SingleInstanceRootIsItsLeafHash) {
  Result<std::vector<StudyDigest>> studies =
      BuildStudyDigests(DigestSamples({"basic/MR_small.dcm"}));
  ASSERT_TRUE(studies.ok()) << studies.status().ToString();
  ASSERT_EQ(studies->size(), 1u);
  const StudyDigest& study = (*studies)[0];
  EXPECT_EQ(study.root, StudyLeafHash(study.instances[0].instance_digest));
  EXPECT_EQ(study.root.ToHex(),
            crypto::MerkleLeafHash(study.instances[0].instance_digest.view()).ToHex());
  EXPECT_EQ(study.file_bytes, 9830u);
  EXPECT_EQ(study.modalities, std::vector<std::string>{"MR"});
}

// Cross-checked with Python's hashlib: leaf = SHA-256(0x00 || digest), node = SHA-256(0x01 ||
// left || right), three leaves in SOPInstanceUID order giving node(node(l0, l1), l2).
TEST(StudyDigestTest, StudyRootsMatchGoldenVectors) {
  Result<std::vector<StudyDigest>> studies = BuildStudyDigests(FourInstances());
  ASSERT_TRUE(studies.ok()) << studies.status().ToString();
  EXPECT_EQ((*studies)[0].root.ToHex(),
            "57424ea5f36828482c285bc76d67d2480ea4725455e1ee324c4ef035084ade5e");
  EXPECT_EQ((*studies)[1].root.ToHex(),
            "0e174d41bb110555dfc5db1d008a831f88fbb3d02800d08264ec9af894a6ca33");
}

TEST(StudyDigestTest, RootDoesNotDependOnInputOrder) {
  std::vector<InstanceDigest> forward = FourInstances();
  std::vector<InstanceDigest> backward = forward;
  std::reverse(backward.begin(), backward.end());
  Result<std::vector<StudyDigest>> a = BuildStudyDigests(std::move(forward));
  Result<std::vector<StudyDigest>> b = BuildStudyDigests(std::move(backward));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ((*a)[0].root, (*b)[0].root);
  EXPECT_EQ((*a)[1].root, (*b)[1].root);
}

TEST(StudyDigestTest, IdenticalCopiesCountOnce) {
  Result<std::vector<StudyDigest>> studies = BuildStudyDigests(
      DigestSamples({"basic/MR_small.dcm", "transfer-syntax/MR_small_implicit.dcm",
                     "transfer-syntax/MR_small_bigendian.dcm"}));
  ASSERT_TRUE(studies.ok()) << studies.status().ToString();
  ASSERT_EQ(studies->size(), 1u);
  EXPECT_EQ((*studies)[0].instances.size(), 1u);
  EXPECT_EQ((*studies)[0].duplicate_files, 2u);
  EXPECT_EQ((*studies)[0].file_bytes, 9830u);
}

TEST(StudyDigestTest, ConflictingCopiesAreAnError) {
  Result<std::vector<StudyDigest>> studies =
      BuildStudyDigests(DigestSamples({"basic/MR_small.dcm", "transfer-syntax/MR_small_RLE.dcm"}));
  ASSERT_FALSE(studies.ok());
  EXPECT_EQ(studies.status().code(), StatusCode::kCorruption);
  EXPECT_NE(studies.status().message().find("MR_small.dcm"), std::string::npos);
  EXPECT_NE(studies.status().message().find("MR_small_RLE.dcm"), std::string::npos);
}

TEST(StudyDigestTest, InstanceWithoutSopInstanceUidIsNamed) {
  std::vector<InstanceDigest> instances =
      DigestSamples({"basic/CT_small.dcm", "basic/MR_small.dcm"});
  instances[1].attributes.sop_instance_uid.clear();
  Result<std::vector<StudyDigest>> studies = BuildStudyDigests(std::move(instances));
  ASSERT_FALSE(studies.ok());
  EXPECT_NE(studies.status().message().find("MR_small.dcm has no SOPInstanceUID"),
            std::string::npos)
      << studies.status().ToString();
}

TEST(StudyDigestTest, InstanceWithoutStudyInstanceUidIsNamed) {
  Result<std::vector<StudyDigest>> studies =
      BuildStudyDigests(DigestSamples({"malformed/priv_SQ.dcm"}));
  ASSERT_FALSE(studies.ok());
  EXPECT_NE(studies.status().message().find("priv_SQ.dcm has no StudyInstanceUID"),
            std::string::npos)
      << studies.status().ToString();
}

TEST(StudyDigestTest, EveryInstanceProvesInclusion) {
  Result<std::vector<StudyDigest>> studies = BuildStudyDigests(FourInstances());
  ASSERT_TRUE(studies.ok()) << studies.status().ToString();
  const StudyDigest& study = (*studies)[0];
  for (const InstanceDigest& instance : study.instances) {
    Result<StudyInclusionProof> proof = ProveInstance(study, instance.attributes.sop_instance_uid);
    ASSERT_TRUE(proof.ok()) << proof.status().ToString();
    EXPECT_EQ(proof->size, 3u);
    Status verified = VerifyInstanceInStudy(instance.instance_digest, *proof, study.root);
    EXPECT_TRUE(verified.ok()) << verified.ToString();
  }
}

TEST(StudyDigestTest, ProofRejectsAnotherDataset) {
  Result<std::vector<StudyDigest>> studies = BuildStudyDigests(FourInstances());
  ASSERT_TRUE(studies.ok()) << studies.status().ToString();
  const StudyDigest& study = (*studies)[0];
  Result<StudyInclusionProof> proof =
      ProveInstance(study, study.instances[1].attributes.sop_instance_uid);
  ASSERT_TRUE(proof.ok()) << proof.status().ToString();
  Status verified = VerifyInstanceInStudy(study.instances[0].instance_digest, *proof, study.root);
  EXPECT_FALSE(verified.ok());
}

TEST(StudyDigestTest, ProofOfUnknownInstanceIsNotFound) {
  Result<std::vector<StudyDigest>> studies = BuildStudyDigests(FourInstances());
  ASSERT_TRUE(studies.ok()) << studies.status().ToString();
  Result<StudyInclusionProof> proof = ProveInstance((*studies)[0], "1.2.3");
  EXPECT_EQ(proof.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace imledger::dicom

// The canonical serialization byte by byte: hand-made datasets with known canonical bytes, and
// the same dataset written by DCMTK in several transfer syntaxes.

#include "dicom/canonical_dataset.h"

#include <string>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <gtest/gtest.h>

#include "crypto/encoding.h"
#include "crypto/sha256.h"
#include "dicom/instance_digest.h"
#include "tests/dicom/test_support.h"

namespace imledger::dicom {
namespace {

using testing::ExplicitElement;
using testing::ItemHeader;
using testing::SamplePath;
using testing::TempFolder;

class BytesSink final : public ByteSink {
 public:
  void Write(ByteView bytes) override { Append(bytes_, bytes); }

  Bytes bytes_;
};

Bytes Canonical(const std::filesystem::path& path) {
  ConfigureDcmtk();
  DcmFileFormat file;
  OFCondition condition = file.loadFile(OFFilename(path.c_str()), EXS_Unknown, EGL_noChange, 16);
  Check(condition.good(), condition.text());
  BytesSink sink;
  Result<uint64_t> written = WriteCanonicalDataset(*file.getDataset(), sink);
  Check(written.ok(), written.status().ToString());
  CheckEq(*written, sink.bytes_.size(), "reported canonical length");
  return sink.bytes_;
}

Bytes Concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& part : parts) {
    Append(out, part);
  }
  return out;
}

constexpr std::string_view kSecondaryCapture = "1.2.840.10008.5.1.4.1.1.7";

TEST(CanonicalDatasetTest, NormalizesVrsPaddingAndExcludedElements) {
  Bytes source = Concat({
      ExplicitElement(0x0008, 0x0000, "UL", std::string("\x04\x00\x00\x00", 4)),
      ExplicitElement(0x0008, 0x0001, "UL", std::string("\x10\x00\x00\x00", 4)),
      ExplicitElement(0x0008, 0x0016, "UI", kSecondaryCapture),  // Odd length.
      ExplicitElement(0x0008, 0x0018, "UI", std::string("1.2.3.4\0", 8)),
      ExplicitElement(0x0008, 0x0060, "CS", "OT"),
      ExplicitElement(0x0010, 0x0010, "PN", "Doe^Jane  "),
      ExplicitElement(0x0011, 0x0010, "LO", "ACME 1.0"),
      ExplicitElement(0x0011, 0x1001, "LO", "x "),
      ExplicitElement(0x0028, 0x0010, "US", std::string("\x40\x00", 2)),
      ExplicitElement(0x0028, 0x0106, "SS", std::string("\x00\x00", 2)),
      ExplicitElement(0x7FE0, 0x0010, "OW", std::string("\x01\x02\x03\x04", 4)),
      ExplicitElement(0xFFFC, 0xFFFC, "OB", std::string("\x00\x00", 2)),
  });
  TempFolder folder;
  Bytes canonical = Canonical(folder.Write("bare.dcm", source));

  Bytes expected = Concat({
      ExplicitElement(0x0008, 0x0016, "UI", std::string(kSecondaryCapture) + '\0'),
      ExplicitElement(0x0008, 0x0018, "UI", std::string("1.2.3.4\0", 8)),
      ExplicitElement(0x0008, 0x0060, "CS", "OT"),
      ExplicitElement(0x0010, 0x0010, "PN", "Doe^Jane"),
      ExplicitElement(0x0011, 0x0010, "LO", "ACME 1.0"),
      // An unknown private tag is UN, and UN values keep their bytes.
      ExplicitElement(0x0011, 0x1001, "UN", "x "),
      ExplicitElement(0x0028, 0x0010, "US", std::string("\x40\x00", 2)),
      // A tag whose dictionary VR is "US or SS" is always written as US.
      ExplicitElement(0x0028, 0x0106, "US", std::string("\x00\x00", 2)),
      // "OB or OW" is written as OB.
      ExplicitElement(0x7FE0, 0x0010, "OB", std::string("\x01\x02\x03\x04", 4)),
  });
  EXPECT_EQ(crypto::HexEncode(canonical), crypto::HexEncode(expected));
}

TEST(CanonicalDatasetTest, UndefinedLengthSequenceGetsDefinedLengths) {
  Bytes item_element = ExplicitElement(0x0020, 0x000E, "UI", std::string("1.2\0", 4));
  Bytes source = Concat({
      ExplicitElement(0x0008, 0x0016, "UI", std::string(kSecondaryCapture) + '\0'),
      Bytes{0x08, 0x00, 0x15, 0x11, 'S', 'Q', 0, 0, 0xFF, 0xFF, 0xFF, 0xFF},
      ItemHeader(0xE000, 0xFFFFFFFF),
      item_element,
      ItemHeader(0xE00D, 0),
      ItemHeader(0xE0DD, 0),
  });
  TempFolder folder;
  Bytes canonical = Canonical(folder.Write("sequence.dcm", source));

  Bytes expected = Concat({
      ExplicitElement(0x0008, 0x0016, "UI", std::string(kSecondaryCapture) + '\0'),
      Bytes{0x08, 0x00, 0x15, 0x11, 'S', 'Q', 0, 0, 20, 0, 0, 0},
      ItemHeader(0xE000, 12),
      item_element,
  });
  EXPECT_EQ(crypto::HexEncode(canonical), crypto::HexEncode(expected));
}

// (0008,1115) with one item holding (0020,000E) UI "1.2", in canonical form.
Bytes CanonicalReferencedSeries() {
  return Concat({
      ExplicitElement(0x0008, 0x0016, "UI", std::string(kSecondaryCapture) + '\0'),
      Bytes{0x08, 0x00, 0x15, 0x11, 'S', 'Q', 0, 0, 20, 0, 0, 0},
      ItemHeader(0xE000, 12),
      ExplicitElement(0x0020, 0x000E, "UI", std::string("1.2\0", 4)),
  });
}

// The item's element in implicit VR little endian, as a UN value holds it.
Bytes ImplicitSeriesUid() {
  Bytes out = {0x20, 0x00, 0x0E, 0x00, 4, 0, 0, 0};
  Append(out, AsBytes(std::string("1.2\0", 4)));
  return out;
}

TEST(CanonicalDatasetTest, DefinedLengthUnSequenceIsSequence) {
  Bytes value = Concat({ItemHeader(0xE000, 12), ImplicitSeriesUid()});
  Bytes source = Concat({
      ExplicitElement(0x0008, 0x0016, "UI", std::string(kSecondaryCapture) + '\0'),
      ExplicitElement(0x0008, 0x1115, "UN", value),
  });
  TempFolder folder;
  Bytes canonical = Canonical(folder.Write("un-defined.dcm", source));
  EXPECT_EQ(crypto::HexEncode(canonical), crypto::HexEncode(CanonicalReferencedSeries()));
}

TEST(CanonicalDatasetTest, UndefinedLengthUnSequenceIsSequence) {
  Bytes source = Concat({
      ExplicitElement(0x0008, 0x0016, "UI", std::string(kSecondaryCapture) + '\0'),
      Bytes{0x08, 0x00, 0x15, 0x11, 'U', 'N', 0, 0, 0xFF, 0xFF, 0xFF, 0xFF},
      ItemHeader(0xE000, 0xFFFFFFFF),
      ImplicitSeriesUid(),
      ItemHeader(0xE00D, 0),
      ItemHeader(0xE0DD, 0),
  });
  TempFolder folder;
  Bytes canonical = Canonical(folder.Write("un-undefined.dcm", source));
  EXPECT_EQ(crypto::HexEncode(canonical), crypto::HexEncode(CanonicalReferencedSeries()));
}

TEST(CanonicalDatasetTest, UidWhitespaceIsKept) {
  // DCMTK strips whitespace from a UID once it is read as a string; the digest must see the
  // stored value, whitespace included.
  Bytes source = Concat({
      ExplicitElement(0x0008, 0x0016, "UI", std::string(kSecondaryCapture) + '\0'),
      ExplicitElement(0x0008, 0x0018, "UI", "1.2. 3"),
  });
  TempFolder folder;
  Bytes canonical = Canonical(folder.Write("uid-space.dcm", source));
  EXPECT_EQ(crypto::HexEncode(canonical), crypto::HexEncode(source));
}

TEST(CanonicalDatasetTest, SequenceTagSentAsBytesIsUn) {
  Bytes source = Concat({
      ExplicitElement(0x0008, 0x0016, "UI", std::string(kSecondaryCapture) + '\0'),
      ExplicitElement(0x0008, 0x1115, "OB", std::string("\x01\x02", 2)),
  });
  TempFolder folder;
  Bytes canonical = Canonical(folder.Write("sequence-as-ob.dcm", source));

  Bytes expected = Concat({
      ExplicitElement(0x0008, 0x0016, "UI", std::string(kSecondaryCapture) + '\0'),
      ExplicitElement(0x0008, 0x1115, "UN", std::string("\x01\x02", 2)),
  });
  EXPECT_EQ(crypto::HexEncode(canonical), crypto::HexEncode(expected));
}

TEST(CanonicalDatasetTest, EncapsulatedPixelDataKeepsFragments) {
  constexpr std::string_view kRle = "1.2.840.10008.1.2.5";
  Bytes meta_elements = Concat({
      ExplicitElement(0x0002, 0x0001, "OB", std::string("\x00\x01", 2)),
      ExplicitElement(0x0002, 0x0010, "UI", std::string(kRle) + '\0'),
  });
  Bytes group_length;
  testing::PutLittleEndian(group_length, meta_elements.size(), 4);
  Bytes fragments = Concat({
      ItemHeader(0xE000, 0),
      ItemHeader(0xE000, 4),
      Bytes{'a', 'b', 'c', 'd'},
      ItemHeader(0xE0DD, 0),
  });
  Bytes source(128, 0);
  Append(source, AsBytes("DICM"));
  Append(source, ExplicitElement(0x0002, 0x0000, "UL", group_length));
  Append(source, meta_elements);
  Append(source, ExplicitElement(0x0008, 0x0016, "UI", std::string(kSecondaryCapture) + '\0'));
  Append(source, Bytes{0xE0, 0x7F, 0x10, 0x00, 'O', 'B', 0, 0, 0xFF, 0xFF, 0xFF, 0xFF});
  Append(source, fragments);
  TempFolder folder;
  Bytes canonical = Canonical(folder.Write("rle.dcm", source));

  Bytes expected = Concat({
      ExplicitElement(0x0008, 0x0016, "UI", std::string(kSecondaryCapture) + '\0'),
      Bytes{0xE0, 0x7F, 0x10, 0x00, 'O', 'B', 0, 0, 0xFF, 0xFF, 0xFF, 0xFF},
      fragments,
  });
  EXPECT_EQ(crypto::HexEncode(canonical), crypto::HexEncode(expected));
}

TEST(CanonicalDatasetTest, TextPaddingVariantsShareOneDigest) {
  TempFolder folder;
  auto digest_of = [&](std::string_view name, std::string_view patient_name) {
    Bytes source = Concat({
        ExplicitElement(0x0008, 0x0016, "UI", std::string(kSecondaryCapture) + '\0'),
        ExplicitElement(0x0010, 0x0010, "PN", patient_name),
    });
    Result<InstanceDigest> digest = DigestInstanceFile(folder.Write(name, source));
    Check(digest.ok(), digest.status().ToString());
    return digest->instance_digest.ToHex();
  };
  std::string reference = digest_of("space.dcm", "Doe^Jo ");
  EXPECT_EQ(digest_of("odd.dcm", "Doe^Jo"), reference);
  EXPECT_EQ(digest_of("nul.dcm", std::string("Doe^Jo\0", 7)), reference);
  EXPECT_EQ(digest_of("extra.dcm", "Doe^Jo   "), reference);
  EXPECT_NE(digest_of("other.dcm", "Doe^Jan "), reference);
}

TEST(CanonicalDatasetTest, CanonicalBareFileIsUnchanged) {
  // An explicit VR little endian dataset without meta header, group lengths, padding or
  // undefined lengths, whose VRs match the dictionary, is already canonical.
  std::filesystem::path path = SamplePath("transfer-syntax/ExplVR_LitEndNoMeta.dcm");
  std::ifstream in(path, std::ios::binary);
  Bytes file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(crypto::HexEncode(Canonical(path)), crypto::HexEncode(file));
}

TEST(CanonicalDatasetTest, LargeValuesStreamInChunks) {
  // Both values span several 1 MiB read chunks; the text one ends in more padding than a chunk.
  std::string text = std::string(3 << 20, 'a') + std::string((1 << 20) + 3, ' ');
  Bytes pixels((5 << 19) + 1);  // Odd, so one 0x00 is appended.
  for (size_t i = 0; i < pixels.size(); ++i) {
    pixels[i] = static_cast<uint8_t>(i * 7);
  }
  Bytes source = Concat({
      ExplicitElement(0x0008, 0x0016, "UI", std::string(kSecondaryCapture) + '\0'),
      ExplicitElement(0x0040, 0xA160, "UT", text),
      ExplicitElement(0x7FE0, 0x0010, "OB", pixels),
  });
  TempFolder folder;
  Result<InstanceDigest> digest = DigestInstanceFile(folder.Write("large.dcm", source));
  ASSERT_TRUE(digest.ok()) << digest.status().ToString();

  Bytes padded_pixels = pixels;
  padded_pixels.push_back(0);
  Bytes expected = Concat({
      ExplicitElement(0x0008, 0x0016, "UI", std::string(kSecondaryCapture) + '\0'),
      ExplicitElement(0x0040, 0xA160, "UT", std::string(3 << 20, 'a')),
      ExplicitElement(0x7FE0, 0x0010, "OB", padded_pixels),
  });
  EXPECT_EQ(digest->canonical_bytes, expected.size());
  EXPECT_EQ(digest->instance_digest, crypto::Sha256Of(expected));
}

// Writes one dataset built with DCMTK in `syntax` and returns its instance digest.
std::string DigestOfRewrap(const TempFolder& folder, E_TransferSyntax syntax,
                           std::string_view name) {
  DcmFileFormat file;
  DcmDataset& dataset = *file.getDataset();
  Check(dataset.putAndInsertString(DCM_SOPClassUID, kSecondaryCapture.data()).good(), "class");
  Check(dataset.putAndInsertString(DCM_SOPInstanceUID, "1.2.3.4.5").good(), "instance");
  Check(dataset.putAndInsertString(DCM_PatientName, "Doe^Jo").good(), "name");
  Check(dataset.putAndInsertUint16(DCM_Rows, 2).good(), "rows");
  Check(dataset.putAndInsertUint16(DCM_BitsAllocated, 16).good(), "bits");
  const Uint16 pixels[] = {0x0102, 0x0304};
  Check(dataset.putAndInsertUint16Array(DCM_PixelData, pixels, 2).good(), "pixels");
  DcmItem* item = nullptr;
  Check(dataset.findOrCreateSequenceItem(DCM_ReferencedSeriesSequence, item).good(), "item");
  Check(item->putAndInsertString(DCM_SeriesInstanceUID, "1.2.3").good(), "series");
  std::filesystem::path path = folder.path() / name;
  OFCondition saved =
      file.saveFile(OFFilename(path.c_str()), syntax, EET_UndefinedLength, EGL_withGL);
  Check(saved.good(), saved.text());
  Result<InstanceDigest> digest = DigestInstanceFile(path);
  Check(digest.ok(), digest.status().ToString());
  return digest->instance_digest.ToHex();
}

TEST(CanonicalDatasetTest, RewrappedDatasetKeepsItsDigest) {
  TempFolder folder;
  std::string explicit_little =
      DigestOfRewrap(folder, EXS_LittleEndianExplicit, "explicit-little.dcm");
  EXPECT_EQ(DigestOfRewrap(folder, EXS_LittleEndianImplicit, "implicit.dcm"), explicit_little);
  EXPECT_EQ(DigestOfRewrap(folder, EXS_BigEndianExplicit, "explicit-big.dcm"), explicit_little);
  EXPECT_EQ(DigestOfRewrap(folder, EXS_DeflatedLittleEndianExplicit, "deflated.dcm"),
            explicit_little);
}

}  // namespace
}  // namespace imledger::dicom

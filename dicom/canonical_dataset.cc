#include "dicom/canonical_dataset.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include <dcmtk/dcmdata/dcdicent.h>
#include <dcmtk/dcmdata/dcdict.h>
#include <dcmtk/dcmdata/dcfcache.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcxfer.h>

namespace imledger::dicom {

namespace {

constexpr uint32_t kChunkBytes = 1 << 20;
constexpr uint32_t kUndefinedLength = 0xFFFFFFFF;
constexpr uint64_t kMaxDefinedLength = 0xFFFFFFFE;

// Deeper nesting than this is rejected before recursion can exhaust the stack.
constexpr int kMaxSequenceDepth = 128;

// The encoding of one element: its VR label, the size of its length field, and the
// normalization of its value.
struct ElementLayout {
  std::string vr;
  bool long_length = false;   // 2 reserved bytes and a 32-bit length instead of a 16-bit one.
  bool text = false;          // Trailing 0x20 and 0x00 bytes are padding and are dropped.
  uint8_t padding = 0x00;     // Appended once when the normalized value has odd length.
  uint32_t source_bytes = 0;  // Bytes taken from the stored value.
  uint32_t value_bytes = 0;   // source_bytes plus the padding byte, if any.
};

bool IsTextVr(std::string_view vr) {
  static constexpr std::array<std::string_view, 17> kTextVrs = {"AE", "AS", "CS", "DA", "DS", "DT",
                                                                "IS", "LO", "LT", "PN", "SH", "ST",
                                                                "TM", "UC", "UI", "UR", "UT"};
  return std::find(kTextVrs.begin(), kTextVrs.end(), vr) != kTextVrs.end();
}

bool HasLongLength(std::string_view vr) {
  static constexpr std::array<std::string_view, 13> kLongVrs = {
      "OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"};
  return std::find(kLongVrs.begin(), kLongVrs.end(), vr) != kLongVrs.end();
}

// The VR the data dictionary gives the tag (private tags through their private creator).
// Tags listed with several VRs get a fixed one of them, and unknown tags are UN.
std::string LookUpDictionaryVr(const DcmTag& tag) {
  if (tag.getGroup() % 2 == 1 && tag.getElement() >= 0x0010 && tag.getElement() <= 0x00FF) {
    return "LO";  // A private creator element.
  }
  const DcmDataDictionary& dictionary = dcmDataDict.rdlock();
  const DcmDictEntry* entry = dictionary.findEntry(tag, tag.getPrivateCreator());
  DcmEVR vr = entry != nullptr ? entry->getEVR() : EVR_UN;
  dcmDataDict.rdunlock();

  switch (vr) {
    case EVR_ox:  // "OB or OW"
    case EVR_px:  // Pixel Data: "OB or OW"
      return "OB";
    case EVR_xs:  // "US or SS"
    case EVR_lt:  // "US or OW", "US or SS or OW"
      return "US";
    case EVR_up:  // DICOMDIR offsets: UL
      return "UL";
    default:
      break;
  }
  DcmVR dcm_vr(vr);
  std::string name = dcm_vr.isStandard() ? dcm_vr.getVRName() : "UN";
  return name.size() == 2 ? name : "UN";
}

// LookUpDictionaryVr through a per-thread cache: the dictionary search, private tags above
// all, costs more than serializing a small element.
const std::string& DictionaryVr(const DcmTag& tag) {
  constexpr size_t kMaxCachedTags = 1 << 14;
  thread_local std::map<std::pair<uint32_t, std::string>, std::string> cache;
  const char* creator = tag.getPrivateCreator();
  std::pair<uint32_t, std::string> key{
      (static_cast<uint32_t>(tag.getGroup()) << 16) | tag.getElement(),
      creator != nullptr ? creator : ""};
  auto found = cache.find(key);
  if (found != cache.end()) {
    return found->second;
  }
  if (cache.size() >= kMaxCachedTags) {
    cache.clear();  // Bounds memory when a file invents many private tags.
  }
  return cache.emplace(std::move(key), LookUpDictionaryVr(tag)).first->second;
}

std::string DescribeTag(const DcmTagKey& tag) {
  char text[16];
  std::snprintf(text, sizeof(text), "(%04X,%04X)", tag.getGroup(), tag.getElement());
  return text;
}

bool IsExcluded(const DcmTagKey& tag, bool top_level) {
  if (tag.getElement() == 0x0000) {
    return true;  // Group lengths change with the transfer syntax.
  }
  if (top_level && tag.getGroup() == 0x0002) {
    return true;  // File meta information describes the file, not the dataset.
  }
  return tag == DcmTagKey(0x0008, 0x0001) || tag == DcmTagKey(0xFFFC, 0xFFFC);
}

// An element or item header of at most 12 bytes, built without allocating.
class Header {
 public:
  void PutUint16(uint16_t value) {
    bytes_[size_++] = static_cast<uint8_t>(value);
    bytes_[size_++] = static_cast<uint8_t>(value >> 8);
  }

  void PutUint32(uint32_t value) {
    PutUint16(static_cast<uint16_t>(value));
    PutUint16(static_cast<uint16_t>(value >> 16));
  }

  void PutVr(std::string_view vr) {
    bytes_[size_++] = static_cast<uint8_t>(vr[0]);
    bytes_[size_++] = static_cast<uint8_t>(vr[1]);
  }

  ByteView view() const { return ByteView(bytes_.data(), size_); }

 private:
  std::array<uint8_t, 12> bytes_{};
  size_t size_ = 0;
};

// The encapsulated fragments of `element`, or null when its pixel data is native or it is not
// pixel data.
DcmPixelSequence* EncapsulatedFragments(DcmElement& element) {
  if (element.ident() != EVR_PixelData) {
    return nullptr;
  }
  auto& pixel_data = static_cast<DcmPixelData&>(element);
  E_TransferSyntax syntax = EXS_Unknown;
  const DcmRepresentationParameter* parameter = nullptr;
  pixel_data.getOriginalRepresentationKey(syntax, parameter);
  if (!DcmXfer(syntax).isEncapsulated()) {
    return nullptr;
  }
  DcmPixelSequence* fragments = nullptr;
  if (pixel_data.getEncapsulatedRepresentation(syntax, parameter, fragments).bad()) {
    return nullptr;
  }
  return fragments;
}

class Serializer {
 public:
  explicit Serializer(ByteSink& sink) : sink_(sink), chunk_(ChunkBuffer()) {}

  Status WriteItemContent(DcmItem& item, bool top_level, int depth);

  uint64_t bytes_written() const { return bytes_written_; }

  Result<uint64_t> ItemContentSize(DcmItem& item, bool top_level, int depth);

 private:
  Result<uint64_t> ElementSize(DcmElement& element, int depth);

  Result<ElementLayout> Layout(DcmElement& element);

  Result<uint32_t> TrailingPaddingBytes(DcmElement& element);

  Status WriteElement(DcmElement& element, int depth);

  Status WriteSequence(DcmSequenceOfItems& sequence, int depth);

  Status WriteFragments(DcmElement& element, DcmPixelSequence& fragments);

  Status WriteValue(DcmElement& element, const ElementLayout& layout);

  void WriteHeader(const DcmTagKey& tag, std::string_view vr, bool long_length, uint32_t length);

  void Emit(ByteView bytes) {
    sink_.Write(bytes);
    bytes_written_ += bytes.size();
  }

  Status ReadError(DcmElement& element, const OFCondition& condition) const {
    return Status::Corruption("cannot read the value of element " + DescribeTag(element.getTag()) +
                              ": " + condition.text());
  }

  // One buffer per thread, reused across files: allocating and faulting in a fresh megabyte
  // per file costs more than hashing a small file.
  static Bytes& ChunkBuffer() {
    thread_local Bytes buffer(kChunkBytes);
    return buffer;
  }

  ByteSink& sink_;
  DcmFileCache cache_;
  Bytes& chunk_;
  uint64_t bytes_written_ = 0;
};

Result<uint32_t> Serializer::TrailingPaddingBytes(DcmElement& element) {
  uint32_t length = element.getLengthField();
  uint32_t trailing = 0;
  while (trailing < length) {
    uint32_t end = length - trailing;
    uint32_t begin = end > kChunkBytes ? end - kChunkBytes : 0;
    OFCondition condition =
        element.getPartialValue(chunk_.data(), begin, end - begin, &cache_, EBO_LittleEndian);
    if (condition.bad()) {
      return ReadError(element, condition);
    }
    for (uint32_t i = end - begin; i > 0; --i) {
      uint8_t byte = chunk_[i - 1];
      if (byte != 0x20 && byte != 0x00) {
        return trailing;
      }
      ++trailing;
    }
  }
  return trailing;
}

Result<ElementLayout> Serializer::Layout(DcmElement& element) {
  ElementLayout layout;
  layout.vr = DictionaryVr(element.getTag());
  if (layout.vr == "SQ") {
    layout.vr = "UN";  // A sequence tag whose value DCMTK kept as bytes (an explicit non-SQ VR).
  }
  layout.text = IsTextVr(layout.vr);
  layout.padding = layout.text && layout.vr != "UI" ? 0x20 : 0x00;
  layout.source_bytes = element.getLengthField();
  if (layout.text) {
    Result<uint32_t> trailing = TrailingPaddingBytes(element);
    if (!trailing.ok()) {
      return trailing.status();
    }
    layout.source_bytes -= *trailing;
  }
  uint64_t value_bytes = layout.source_bytes + layout.source_bytes % 2;
  if (value_bytes > kMaxDefinedLength) {
    return Status::Corruption("element " + DescribeTag(element.getTag()) +
                              " is too long for a 32-bit length once padded");
  }
  layout.value_bytes = static_cast<uint32_t>(value_bytes);
  layout.long_length = HasLongLength(layout.vr);
  if (!layout.long_length && layout.value_bytes > 0xFFFF) {
    // A value this long cannot carry a 16-bit length; explicit VR encodings write it as UN.
    layout.vr = "UN";
    layout.long_length = true;
  }
  return layout;
}

Result<uint64_t> Serializer::ElementSize(DcmElement& element, int depth) {
  if (auto* sequence = dynamic_cast<DcmSequenceOfItems*>(&element)) {
    uint64_t size = 12;
    for (unsigned long i = 0; i < sequence->card(); ++i) {
      Result<uint64_t> item_size = ItemContentSize(*sequence->getItem(i), false, depth + 1);
      if (!item_size.ok()) {
        return item_size;
      }
      size += 8 + *item_size;
    }
    return size;
  }
  if (DcmPixelSequence* fragments = EncapsulatedFragments(element)) {
    uint64_t size = 12 + 8;  // Header and sequence delimiter.
    for (unsigned long i = 0; i < fragments->card(); ++i) {
      DcmPixelItem* fragment = nullptr;
      if (fragments->getItem(fragment, i).bad() || fragment == nullptr) {
        return Status::Corruption("cannot read pixel data fragment " + std::to_string(i));
      }
      uint32_t length = fragment->getLengthField();
      size += 8 + length + length % 2;
    }
    return size;
  }
  Result<ElementLayout> layout = Layout(element);
  if (!layout.ok()) {
    return layout.status();
  }
  return (layout->long_length ? 12 : 8) + static_cast<uint64_t>(layout->value_bytes);
}

Result<uint64_t> Serializer::ItemContentSize(DcmItem& item, bool top_level, int depth) {
  if (depth > kMaxSequenceDepth) {
    return Status::Corruption("sequences are nested more than " +
                              std::to_string(kMaxSequenceDepth) + " levels deep");
  }
  uint64_t size = 0;
  // nextInContainer walks the element list in order; getElement(i) would restart from the
  // front for every element.
  for (DcmObject* object = item.nextInContainer(nullptr); object != nullptr;
       object = item.nextInContainer(object)) {
    auto* element = static_cast<DcmElement*>(object);
    if (IsExcluded(element->getTag(), top_level)) {
      continue;
    }
    Result<uint64_t> element_size = ElementSize(*element, depth);
    if (!element_size.ok()) {
      return element_size;
    }
    size += *element_size;
  }
  if (!top_level && size > kMaxDefinedLength) {
    return Status::Corruption("a sequence item is too large for a 32-bit length");
  }
  return size;
}

void Serializer::WriteHeader(const DcmTagKey& tag, std::string_view vr, bool long_length,
                             uint32_t length) {
  Header header;
  header.PutUint16(tag.getGroup());
  header.PutUint16(tag.getElement());
  if (!vr.empty()) {
    header.PutVr(vr);
  }
  if (long_length) {
    if (!vr.empty()) {
      header.PutUint16(0);
    }
    header.PutUint32(length);
  } else {
    header.PutUint16(static_cast<uint16_t>(length));
  }
  Emit(header.view());
}

Status Serializer::WriteValue(DcmElement& element, const ElementLayout& layout) {
  for (uint32_t offset = 0; offset < layout.source_bytes;) {
    uint32_t count = std::min(kChunkBytes, layout.source_bytes - offset);
    OFCondition condition =
        element.getPartialValue(chunk_.data(), offset, count, &cache_, EBO_LittleEndian);
    if (condition.bad()) {
      return ReadError(element, condition);
    }
    Emit(ByteView(chunk_.data(), count));
    offset += count;
  }
  if (layout.value_bytes != layout.source_bytes) {
    Emit(ByteView(&layout.padding, 1));
  }
  return Status::Ok();
}

Status Serializer::WriteFragments(DcmElement& element, DcmPixelSequence& fragments) {
  WriteHeader(element.getTag(), "OB", true, kUndefinedLength);
  for (unsigned long i = 0; i < fragments.card(); ++i) {
    DcmPixelItem* fragment = nullptr;
    if (fragments.getItem(fragment, i).bad() || fragment == nullptr) {
      return Status::Corruption("cannot read pixel data fragment " + std::to_string(i));
    }
    ElementLayout layout;
    layout.source_bytes = fragment->getLengthField();
    layout.value_bytes = layout.source_bytes + layout.source_bytes % 2;
    WriteHeader(DcmTagKey(0xFFFE, 0xE000), "", true, layout.value_bytes);
    Status status = WriteValue(*fragment, layout);
    if (!status.ok()) {
      return status;
    }
  }
  WriteHeader(DcmTagKey(0xFFFE, 0xE0DD), "", true, 0);
  return Status::Ok();
}

Status Serializer::WriteSequence(DcmSequenceOfItems& sequence, int depth) {
  Result<uint64_t> size = ElementSize(sequence, depth);
  if (!size.ok()) {
    return size.status();
  }
  if (*size - 12 > kMaxDefinedLength) {
    return Status::Corruption("sequence " + DescribeTag(sequence.getTag()) +
                              " is too large for a 32-bit length");
  }
  WriteHeader(sequence.getTag(), "SQ", true, static_cast<uint32_t>(*size - 12));
  for (unsigned long i = 0; i < sequence.card(); ++i) {
    DcmItem& item = *sequence.getItem(i);
    Result<uint64_t> item_size = ItemContentSize(item, false, depth + 1);
    if (!item_size.ok()) {
      return item_size.status();
    }
    WriteHeader(DcmTagKey(0xFFFE, 0xE000), "", true, static_cast<uint32_t>(*item_size));
    Status status = WriteItemContent(item, false, depth + 1);
    if (!status.ok()) {
      return status;
    }
  }
  return Status::Ok();
}

Status Serializer::WriteElement(DcmElement& element, int depth) {
  if (auto* sequence = dynamic_cast<DcmSequenceOfItems*>(&element)) {
    return WriteSequence(*sequence, depth);
  }
  if (DcmPixelSequence* fragments = EncapsulatedFragments(element)) {
    return WriteFragments(element, *fragments);
  }
  Result<ElementLayout> layout = Layout(element);
  if (!layout.ok()) {
    return layout.status();
  }
  WriteHeader(element.getTag(), layout->vr, layout->long_length, layout->value_bytes);
  return WriteValue(element, *layout);
}

Status Serializer::WriteItemContent(DcmItem& item, bool top_level, int depth) {
  if (depth > kMaxSequenceDepth) {
    return Status::Corruption("sequences are nested more than " +
                              std::to_string(kMaxSequenceDepth) + " levels deep");
  }
  DcmTagKey previous;
  bool first = true;
  for (DcmObject* object = item.nextInContainer(nullptr); object != nullptr;
       object = item.nextInContainer(object)) {
    auto* element = static_cast<DcmElement*>(object);
    const DcmTagKey& tag = element->getTag();
    // DCMTK keeps the elements of an item sorted by tag; the canonical form depends on it.
    Check(first || previous < tag, "DCMTK returned elements out of tag order");
    previous = tag;
    first = false;
    if (IsExcluded(tag, top_level)) {
      continue;
    }
    Status status = WriteElement(*element, depth);
    if (!status.ok()) {
      return status;
    }
  }
  return Status::Ok();
}

}  // namespace

Result<uint64_t> WriteCanonicalDataset(DcmItem& dataset, ByteSink& sink) {
  Serializer serializer(sink);
  Status status = serializer.WriteItemContent(dataset, true, 0);
  if (!status.ok()) {
    return status;
  }
  return serializer.bytes_written();
}

}  // namespace imledger::dicom

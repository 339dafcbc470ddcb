// The canonical serialization of a DICOM dataset: the bytes that the instance digest hashes.
//
// Every element except the file meta group (0002,xxxx), group lengths (gggg,0000), Length to End
// (0008,0001) and Data Set Trailing Padding (FFFC,FFFC), in ascending tag order, recursively
// through sequence items, encoded as explicit VR little endian with defined lengths. VRs come
// from the data dictionary (not from the file), text values lose their trailing padding and are
// re-padded to even length, and encapsulated pixel data keeps its fragments as stored. The
// result depends only on the dataset, never on its transfer syntax or file wrapping;
// docs/dicom-digest.md specifies it byte by byte. Distinct datasets may be serialized on
// distinct threads. One dataset must not be serialized from two threads at once, because DCMTK
// reads values that are not yet in memory through the dataset's file.

#pragma once

#include <cstdint>

#include "base/bytes.h"
#include "base/status.h"

class DcmItem;

namespace imledger::dicom {

// The destination of serialized bytes, fed in order and in pieces of any size.
class ByteSink {
 public:
  virtual ~ByteSink() = default;

  virtual void Write(ByteView bytes) = 0;
};

// Writes the canonical serialization of `dataset` (a top-level dataset, so group 0002 is left
// out) to `sink` and returns the number of bytes written. Fails with kCorruption, naming the
// element, when a value cannot be read from the file or a sequence is too large for a 32-bit
// length. After a failure, `sink` may have received part of the serialization.
Result<uint64_t> WriteCanonicalDataset(DcmItem& dataset, ByteSink& sink);

}  // namespace imledger::dicom

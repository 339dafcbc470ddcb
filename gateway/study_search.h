// QIDO-RS study search results, filtered to the studies a requester may see.
//
// The gateway forwards a study search without its limit and offset, keeps the matches the
// requester may access, and only then applies offset and limit, so neither the count nor the
// paging reveals a study the requester may not see. Matches are DICOM JSON objects (PS3.18
// F.2); a match's StudyInstanceUID is the first value of "0020000D". Pure functions; thread-safe.

#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace imledger::gateway {

struct SearchPaging {
  std::string forwarded_query;  // The query without limit and offset.
  uint64_t offset = 0;
  std::optional<uint64_t> limit;
};

// Splits limit and offset out of a QIDO-RS query string; a value that is not a non-negative
// decimal integer is InvalidArgument.
Result<SearchPaging> SplitPaging(std::string_view query);

struct FilteredSearch {
  std::string body;                        // The DICOM JSON array to send.
  std::vector<std::string> shown_studies;  // StudyInstanceUIDs in `body`, in order.
  std::vector<uint64_t> shown_bytes;       // Bytes of each shown study's entry in `body`.
};

// Keeps the matches of `orthanc_json` whose StudyInstanceUID `may_see` accepts, then applies
// the paging. A body that is not a JSON array of objects is Corruption; a match without a
// StudyInstanceUID is dropped.
Result<FilteredSearch> FilterStudySearch(std::string_view orthanc_json,
                                         const std::function<bool(const std::string&)>& may_see,
                                         const SearchPaging& paging);

}  // namespace imledger::gateway

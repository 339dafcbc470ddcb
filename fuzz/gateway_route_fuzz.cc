// Fuzzes the gateway's route parser and QIDO-RS paging with untrusted request lines. The first
// byte picks the method; the rest is the request target. A route that parses must name a
// StudyInstanceUID of digits and dots (or none, for a search) and stay below /studies.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/check.h"
#include "gateway/route.h"
#include "gateway/study_search.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) {
    return 0;
  }
  constexpr std::string_view kMethods[] = {"GET", "POST", "HEAD", "DELETE"};
  std::string_view method = kMethods[data[0] % 4];
  std::string_view target(reinterpret_cast<const char*>(data + 1), size - 1);
  imledger::Result<imledger::gateway::Route> route =
      imledger::gateway::ParseRoute(method, target, "/dicom-web");
  if (!route.ok()) {
    return 0;
  }
  imledger::Check(route->relative_path.starts_with("/studies"), "a route stays below /studies");
  imledger::Check(route->relative_path.find("..") == std::string::npos,
                  "a route has no parent segment");
  if (route->kind == imledger::gateway::RouteKind::kStudySearch) {
    imledger::Check(route->study_instance_uid.empty(), "a search names no study");
    imledger::Result<imledger::gateway::SearchPaging> paging =
        imledger::gateway::SplitPaging(route->query);
    (void)paging;  // Only that splitting returns is checked.
  } else {
    imledger::Check(imledger::gateway::IsDicomUid(route->study_instance_uid),
                    "a study route names a DICOM UID");
  }
  return 0;
}

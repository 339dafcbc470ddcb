// The routes the gateway serves, and the parser that maps a request line onto them.
//
// Only DICOMweb routes that name a study, a QIDO-RS study search, and a STOW-RS store into a
// named study are served; everything else (Orthanc's REST API, /instances/{id}, /tools/...,
// series or instance searches across studies, unknown paths) is refused, so the gateway denies
// by default. The parser accepts a path only in one spelling: no percent-escapes and no empty,
// "." or ".." segments. UIDs are 1 to 64 digits and dots, as DICOM PS3.5 section 9.1 defines
// them. So Orthanc cannot read a path differently from the gateway. Pure functions; thread-safe.

#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace imledger::gateway {

enum class RouteKind {
  kStudyResource,  // GET below /studies/{uid}: WADO-RS, or QIDO-RS within the study.
  kStudySearch,    // GET /studies?...: QIDO-RS, filtered to the studies the requester may see.
  kStudyStore,     // POST /studies/{uid}: STOW-RS into one study, which it then anchors.
};

struct Route {
  RouteKind kind = RouteKind::kStudyResource;
  std::string study_instance_uid;  // Empty for kStudySearch.
  // The path below the DICOMweb root, "/studies/1.2.3/series", without the query.
  std::string relative_path;
  std::string query;         // After '?', or empty.
  bool whole_study = false;  // GET /studies/{uid}: the retrieval that verify_on_read checks.
};

// Maps `target` (path and query, as in the request line) under `prefix` ("/dicom-web") onto a
// route. A refused request is a PermissionDenied status whose message gives the reason.
Result<Route> ParseRoute(std::string_view method, std::string_view target, std::string_view prefix);

// Whether `text` is a DICOM UID: 1 to 64 characters of digits and dots, components non-empty.
bool IsDicomUid(std::string_view text);

}  // namespace imledger::gateway

#include "gateway/route.h"

#include <vector>

namespace imledger::gateway {
namespace {

Status Refuse(std::string reason) {
  return Status::PermissionDenied(std::move(reason));
}

bool IsPathCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_' || c == ',' || c == '/';
}

// Query characters passed to Orthanc as sent. Percent-escapes are allowed here because QIDO-RS
// matching values may need them, and Orthanc only reads them as attribute values.
bool IsQueryCharacter(char c) {
  return c > 0x20 && c < 0x7f && c != '#' && c != '"' && c != '<' && c != '>' && c != '\\';
}

std::vector<std::string_view> SplitSegments(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) {
      slash = path.size();
    }
    segments.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return segments;
}

// A bulk data path below an instance, as the DICOMweb plugin writes BulkDataURIs: 8-digit hex
// tags, with item indexes between them for elements inside sequences.
bool IsBulkDataPath(const std::vector<std::string_view>& segments, size_t first) {
  if (first >= segments.size()) {
    return false;
  }
  for (size_t i = first; i < segments.size(); ++i) {
    std::string_view segment = segments[i];
    bool tag = segment.size() == 8;
    bool index = !segment.empty() && segment.size() <= 6;
    for (char c : segment) {
      bool digit = c >= '0' && c <= '9';
      tag = tag && (digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
      index = index && digit;
    }
    if (!tag && !index) {
      return false;
    }
  }
  return true;
}

bool IsFrameList(std::string_view text) {
  if (text.empty() || text.front() == ',' || text.back() == ',') {
    return false;
  }
  for (size_t i = 0; i < text.size(); ++i) {
    bool digit = text[i] >= '0' && text[i] <= '9';
    if (!digit && !(text[i] == ',' && text[i - 1] != ',')) {
      return false;
    }
  }
  return true;
}

// Whether `rest` (the segments after "studies", uid) names a resource of the study: metadata,
// rendered, a series, an instance, its frames or bulk data, or a QIDO-RS search in the study.
bool IsStudyResource(const std::vector<std::string_view>& rest) {
  auto is = [&](size_t i, std::string_view literal) {
    return i < rest.size() && rest[i] == literal;
  };
  auto leaf = [&](size_t i) {
    return rest.size() == i + 1 && (rest[i] == "metadata" || rest[i] == "rendered");
  };
  if (rest.empty()) {
    return true;
  }
  if (leaf(0) || (rest.size() == 1 && (is(0, "series") || is(0, "instances")))) {
    return true;
  }
  if (!is(0, "series") || rest.size() < 2 || !IsDicomUid(rest[1])) {
    return false;
  }
  if (rest.size() == 2 || leaf(2) || (rest.size() == 3 && is(2, "instances"))) {
    return true;
  }
  if (!is(2, "instances") || rest.size() < 4 || !IsDicomUid(rest[3])) {
    return false;
  }
  if (rest.size() == 4 || leaf(4)) {
    return true;
  }
  if (is(4, "bulk")) {
    return IsBulkDataPath(rest, 5);
  }
  if (!is(4, "frames") || rest.size() < 6 || !IsFrameList(rest[5])) {
    return false;
  }
  return rest.size() == 6 || (rest.size() == 7 && rest[6] == "rendered");
}

}  // namespace

bool IsDicomUid(std::string_view text) {
  if (text.empty() || text.size() > 64 || text.front() == '.' || text.back() == '.') {
    return false;
  }
  for (size_t i = 0; i < text.size(); ++i) {
    bool digit = text[i] >= '0' && text[i] <= '9';
    if (!digit && !(text[i] == '.' && text[i - 1] != '.')) {
      return false;
    }
  }
  return true;
}

Result<Route> ParseRoute(std::string_view method, std::string_view target,
                         std::string_view prefix) {
  Route route;
  std::string_view path = target;
  size_t question = target.find('?');
  if (question != std::string_view::npos) {
    path = target.substr(0, question);
    route.query = std::string(target.substr(question + 1));
  }
  for (char c : path) {
    if (!IsPathCharacter(c)) {
      return Refuse("the path may contain only letters, digits and . - _ , /");
    }
  }
  for (char c : route.query) {
    if (!IsQueryCharacter(c)) {
      return Refuse("the query contains a character outside printable ASCII");
    }
  }
  if (!path.starts_with(prefix) || path.size() == prefix.size() || path[prefix.size()] != '/') {
    return Refuse("only DICOMweb routes below " + std::string(prefix) + "/studies are served");
  }
  route.relative_path = std::string(path.substr(prefix.size()));
  std::vector<std::string_view> segments = SplitSegments(path.substr(prefix.size() + 1));
  for (std::string_view segment : segments) {
    if (segment.empty() || segment == "." || segment == "..") {
      return Refuse("the path has an empty, \".\" or \"..\" segment");
    }
  }
  if (segments[0] != "studies") {
    return Refuse("only DICOMweb routes below " + std::string(prefix) +
                  "/studies are served; series and instance searches across studies are refused");
  }

  if (segments.size() == 1) {
    if (method != "GET") {
      return Refuse(method == "POST" ? "store into a named study: POST " + std::string(prefix) +
                                           "/studies/{StudyInstanceUID}"
                                     : "the study search accepts only GET");
    }
    route.kind = RouteKind::kStudySearch;
    return route;
  }
  if (!IsDicomUid(segments[1])) {
    return Refuse("\"" + std::string(segments[1]) + "\" is not a StudyInstanceUID");
  }
  route.study_instance_uid = std::string(segments[1]);
  std::vector<std::string_view> rest(segments.begin() + 2, segments.end());

  if (method == "POST") {
    if (!rest.empty()) {
      return Refuse("STOW-RS stores only into " + std::string(prefix) + "/studies/{uid}");
    }
    route.kind = RouteKind::kStudyStore;
    return route;
  }
  if (method != "GET") {
    return Refuse("method " + std::string(method) + " is not allowed on a study");
  }
  if (!IsStudyResource(rest)) {
    return Refuse("the path names no WADO-RS or QIDO-RS resource of the study");
  }
  route.kind = RouteKind::kStudyResource;
  route.whole_study = rest.empty();
  return route;
}

}  // namespace imledger::gateway

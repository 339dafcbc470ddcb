#include "gateway/study_search.h"

#include <charconv>

#include <nlohmann/json.hpp>

namespace imledger::gateway {
namespace {

Result<uint64_t> ParseCount(std::string_view name, std::string_view text) {
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return Status::InvalidArgument("QIDO-RS parameter " + std::string(name) + "=\"" +
                                   std::string(text) + "\" must be a non-negative integer");
  }
  return value;
}

std::optional<std::string> StudyUidOf(const nlohmann::json& match) {
  auto attribute = match.find("0020000D");
  if (attribute == match.end() || !attribute->is_object()) {
    return std::nullopt;
  }
  auto values = attribute->find("Value");
  if (values == attribute->end() || !values->is_array() || values->empty() ||
      !(*values)[0].is_string()) {
    return std::nullopt;
  }
  return (*values)[0].get<std::string>();
}

}  // namespace

Result<SearchPaging> SplitPaging(std::string_view query) {
  SearchPaging paging;
  size_t start = 0;
  while (start < query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) {
      end = query.size();
    }
    std::string_view parameter = query.substr(start, end - start);
    std::string_view name = parameter.substr(0, parameter.find('='));
    std::string_view value =
        name.size() < parameter.size() ? parameter.substr(name.size() + 1) : std::string_view();
    if (name == "limit" || name == "offset") {
      Result<uint64_t> count = ParseCount(name, value);
      if (!count.ok()) {
        return count.status();
      }
      if (name == "limit") {
        paging.limit = *count;
      } else {
        paging.offset = *count;
      }
    } else if (!parameter.empty()) {
      paging.forwarded_query += paging.forwarded_query.empty() ? "" : "&";
      paging.forwarded_query += parameter;
    }
    start = end + 1;
  }
  return paging;
}

Result<FilteredSearch> FilterStudySearch(std::string_view orthanc_json,
                                         const std::function<bool(const std::string&)>& may_see,
                                         const SearchPaging& paging) {
  nlohmann::json matches = nlohmann::json::parse(orthanc_json, nullptr, false);
  if (matches.is_discarded() || !matches.is_array()) {
    return Status::Corruption("the study search result from Orthanc is not a JSON array");
  }
  // The body is built from each entry's own serialization, which also gives its byte count.
  std::string body = "[";
  FilteredSearch result;
  uint64_t visible = 0;
  for (const nlohmann::json& match : matches) {
    if (!match.is_object()) {
      return Status::Corruption("a study search match from Orthanc is not a JSON object");
    }
    std::optional<std::string> uid = StudyUidOf(match);
    if (!uid || !may_see(*uid)) {
      continue;
    }
    visible += 1;
    if (visible <= paging.offset) {
      continue;
    }
    if (paging.limit && result.shown_studies.size() >= *paging.limit) {
      break;
    }
    std::string entry = match.dump();
    if (!result.shown_studies.empty()) {
      body += ",";
    }
    body += entry;
    result.shown_bytes.push_back(entry.size());
    result.shown_studies.push_back(*uid);
  }
  body += "]";
  result.body = std::move(body);
  return result;
}

}  // namespace imledger::gateway

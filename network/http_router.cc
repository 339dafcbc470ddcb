// Path pattern matching; see http_router.h.

#include "network/http_router.h"

#include <exception>
#include <map>

namespace imledger::network {

namespace {

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> segments;
  size_t start = path.starts_with('/') ? 1 : 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) {
      end = path.size();
    }
    segments.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}

bool IsCapture(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

bool Match(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
           std::map<std::string, std::string>& params) {
  if (pattern.size() != path.size()) {
    return false;
  }
  std::map<std::string, std::string> captured;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (IsCapture(pattern[i])) {
      if (path[i].empty()) {
        return false;
      }
      captured[pattern[i].substr(1, pattern[i].size() - 2)] = path[i];
    } else if (pattern[i] != path[i]) {
      return false;
    }
  }
  params = std::move(captured);
  return true;
}

}  // namespace

void HttpRouter::Add(std::string method, std::string pattern, HttpHandler handler) {
  routes_.push_back({std::move(method), SplitPath(pattern), std::move(handler)});
}

HttpResponse HttpRouter::Dispatch(HttpRequest& request) const {
  std::vector<std::string> path = SplitPath(request.path);
  std::string allowed;
  for (const Route& route : routes_) {
    std::map<std::string, std::string> params;
    if (!Match(route.segments, path, params)) {
      continue;
    }
    if (route.method != request.method) {
      allowed += allowed.empty() ? route.method : ", " + route.method;
      continue;
    }
    request.path_params = std::move(params);
    try {
      return route.handler(request);
    } catch (const std::exception& error) {
      return HttpResponse::Error(500, kErrorInternal,
                                 std::string("handler failed: ") + error.what());
    }
  }
  if (!allowed.empty()) {
    HttpResponse response = HttpResponse::Error(
        405, kErrorMethodNotAllowed,
        request.method + " is not allowed on " + request.path + "; use " + allowed);
    response.headers.emplace_back("Allow", allowed);
    return response;
  }
  return HttpResponse::Error(404, kErrorNotFound, "no route for " + request.path);
}

}  // namespace imledger::network

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

HttpResponder::~HttpResponder() {
  if (deliver_) {
    (*this)(HttpResponse::Error(500, kErrorInternal, "the handler ended without a response"));
  }
}

HttpResponder::HttpResponder(HttpResponder&& other) noexcept : deliver_(std::move(other.deliver_)) {
  other.deliver_ = nullptr;
}

HttpResponder& HttpResponder::operator=(HttpResponder&& other) noexcept {
  if (this != &other) {
    if (deliver_) {
      (*this)(HttpResponse::Error(500, kErrorInternal, "the handler ended without a response"));
    }
    deliver_ = std::move(other.deliver_);
    other.deliver_ = nullptr;
  }
  return *this;
}

void HttpResponder::operator()(HttpResponse response) {
  if (!deliver_) {
    return;
  }
  Deliver deliver = std::move(deliver_);
  deliver_ = nullptr;
  deliver(std::move(response));
}

void HttpRouter::Add(std::string method, std::string pattern, HttpHandler handler) {
  routes_.push_back({std::move(method), SplitPath(pattern), std::move(handler), nullptr});
}

void HttpRouter::AddAsync(std::string method, std::string pattern, AsyncHttpHandler handler) {
  routes_.push_back({std::move(method), SplitPath(pattern), nullptr, std::move(handler)});
}

const HttpRouter::Route* HttpRouter::Find(HttpRequest& request, HttpResponse& error) const {
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
    return &route;
  }
  if (!allowed.empty()) {
    error = HttpResponse::Error(
        405, kErrorMethodNotAllowed,
        request.method + " is not allowed on " + request.path + "; use " + allowed);
    error.headers.emplace_back("Allow", allowed);
    return nullptr;
  }
  error = HttpResponse::Error(404, kErrorNotFound, "no route for " + request.path);
  return nullptr;
}

void HttpRouter::Dispatch(HttpRequest request, HttpResponder responder) const {
  HttpResponse error;
  const Route* route = Find(request, error);
  if (route == nullptr) {
    responder(std::move(error));
    return;
  }
  if (!route->async_handler) {
    responder(Dispatch(request));
    return;
  }
  // The handler takes the responder by value; when it throws, the responder's destructor
  // inside the handler has already sent 500 internal.
  try {
    route->async_handler(std::move(request), std::move(responder));
  } catch (const std::exception& thrown) {
    responder(
        HttpResponse::Error(500, kErrorInternal, std::string("handler failed: ") + thrown.what()));
  }
}

HttpResponse HttpRouter::Dispatch(HttpRequest& request) const {
  HttpResponse error;
  const Route* route = Find(request, error);
  if (route == nullptr) {
    return error;
  }
  if (!route->handler) {
    return HttpResponse::Error(500, kErrorInternal,
                               request.path +
                                   " has an asynchronous handler; dispatch it with a "
                                   "responder");
  }
  try {
    return route->handler(request);
  } catch (const std::exception& thrown) {
    return HttpResponse::Error(500, kErrorInternal,
                               std::string("handler failed: ") + thrown.what());
  }
}

}  // namespace imledger::network

// Routes HTTP requests to handlers by method and path pattern.
//
// A pattern is a path whose segments are literals or {name} captures, as in
// "/v1/transactions/{id}"; a capture matches one non-empty segment. A path that matches no
// pattern gets 404 not_found; a path that matches only under other methods gets
// 405 method_not_allowed with an Allow header. Routes are added before the server starts and
// never after, so Dispatch may run on several threads at once.

#pragma once

#include <functional>
#include <string>
#include <vector>

#include "network/http_message.h"

namespace imledger::network {

// Runs on a server thread; it must not block for long, since it holds that thread.
using HttpHandler = std::function<HttpResponse(const HttpRequest& request)>;

class HttpRouter {
 public:
  void Add(std::string method, std::string pattern, HttpHandler handler);

  // Finds the route, fills request.path_params and runs the handler. A handler that throws
  // gets a 500 internal error response.
  HttpResponse Dispatch(HttpRequest& request) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    HttpHandler handler;
  };

  std::vector<Route> routes_;
};

}  // namespace imledger::network

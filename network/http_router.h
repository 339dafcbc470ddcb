// Routes HTTP requests to handlers by method and path pattern.
//
// A route is synchronous (HttpHandler returns the response on the server thread) or
// asynchronous (AsyncHttpHandler receives an HttpResponder and may respond later from
// any thread). A pattern is a path whose segments are literals or {name} captures, as in
// "/v1/transactions/{id}"; a capture matches one non-empty segment. A path that matches no
// pattern gets 404 not_found; a path that matches only under other methods gets
// 405 method_not_allowed with an Allow header. Routes are added before the server starts and
// never after, so Dispatch may run on several threads at once.

#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "network/http_message.h"

namespace imledger::network {

// Runs on a server thread; it must not block for long, since it holds that thread.
using HttpHandler = std::function<HttpResponse(const HttpRequest& request)>;

// The one response to one request of an asynchronous route. Move-only and called at most once,
// from any thread. Destroying it uncalled sends 500 internal, so a dropped request never hangs
// its client. When the connection is already gone the call does nothing.
class HttpResponder {
 public:
  using Deliver = std::function<void(HttpResponse response)>;

  HttpResponder() = default;

  explicit HttpResponder(Deliver deliver) : deliver_(std::move(deliver)) {}

  ~HttpResponder();

  HttpResponder(HttpResponder&& other) noexcept;
  HttpResponder& operator=(HttpResponder&& other) noexcept;
  HttpResponder(const HttpResponder&) = delete;
  HttpResponder& operator=(const HttpResponder&) = delete;

  // Sends `response`; later calls do nothing.
  void operator()(HttpResponse response);

  // True until the responder was called or moved from.
  bool pending() const { return static_cast<bool>(deliver_); }

 private:
  Deliver deliver_;
};

// Runs on a server thread like HttpHandler, but may keep the responder and respond later.
using AsyncHttpHandler = std::function<void(HttpRequest request, HttpResponder responder)>;

class HttpRouter {
 public:
  void Add(std::string method, std::string pattern, HttpHandler handler);

  void AddAsync(std::string method, std::string pattern, AsyncHttpHandler handler);

  // Finds the route, fills request.path_params and runs the handler; the response goes to
  // `responder`, at once for a synchronous route. A handler that throws gets a 500 internal
  // error response unless it already responded.
  void Dispatch(HttpRequest request, HttpResponder responder) const;

  // Dispatch for synchronous routes only: an asynchronous route gets 500 internal.
  HttpResponse Dispatch(HttpRequest& request) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    HttpHandler handler;             // Set for a synchronous route.
    AsyncHttpHandler async_handler;  // Set for an asynchronous route.
  };

  // The route for `request` with its path_params filled, or an error response in `error`.
  const Route* Find(HttpRequest& request, HttpResponse& error) const;

  std::vector<Route> routes_;
};

}  // namespace imledger::network

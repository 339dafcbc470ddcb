// One client connection of the gateway: reads requests, authenticates, decides and forwards.
//
// A Session is a coroutine on its connection's strand, so its members need no locks. It keeps
// at most one keep-alive connection to Orthanc, reused by the client connection's requests.
// Every read and write has a deadline from the configuration; an I/O failure or a deadline
// ends the session. Internal to the gateway module.

#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without including it.
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast.hpp>

#include "gateway/access_cache.h"
#include "gateway/access_control.h"
#include "gateway/access_recorder.h"
#include "gateway/config.h"
#include "gateway/gateway.h"
#include "gateway/route.h"

namespace imledger::gateway::internal {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

using Request = http::request<http::string_body>;
using StringResponse = http::response<http::string_body>;

struct Counters {
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> allowed{0};
  std::atomic<uint64_t> denied{0};
  std::atomic<uint64_t> unauthenticated{0};
  std::atomic<uint64_t> refused_routes{0};
  std::atomic<uint64_t> integrity_failures{0};
  std::atomic<uint64_t> bytes_served{0};
  std::atomic<uint64_t> spool_sequence{0};
};

// Read-only after Start, except the counters, the recorder and the cache, which are
// thread-safe.
struct SharedState {
  GatewayConfig config;
  LedgerAccess ledger;
  std::filesystem::path spool_dir;
  AccessRecorder* recorder = nullptr;
  AccessCache* cache = nullptr;
  Counters counters;
};

// A spool folder removed with its contents when the scope ends, also when a coroutine unwinds
// on an I/O error.
class SpoolFolder {
 public:
  explicit SpoolFolder(std::filesystem::path path) : path_(std::move(path)) {}

  ~SpoolFolder() {
    std::error_code ignored;  // A folder left behind wastes space but is harmless.
    std::filesystem::remove_all(path_, ignored);
  }

  SpoolFolder(const SpoolFolder&) = delete;
  SpoolFolder& operator=(const SpoolFolder&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

class Session {
 public:
  Session(SharedState& state, beast::tcp_stream client);

  net::awaitable<void> Run();

 private:
  // session.cc: requests and decisions.
  net::awaitable<bool> Handle(Request& request);
  net::awaitable<bool> ServeStudyResource(Request& request, const Route& route,
                                          const Requester& requester);
  net::awaitable<bool> ServeSearch(Request& request, const Route& route,
                                   const Requester& requester);
  net::awaitable<bool> ServeStore(Request& request, const Route& route, const Requester& requester);
  net::awaitable<std::optional<Refusal>> DeclareEmergency(const Request& request,
                                                          const Requester& requester,
                                                          const crypto::Digest& study_key,
                                                          StudyDecision& decision);
  net::awaitable<bool> WaitForAnchor(const crypto::Digest& study_key,
                                     const crypto::Digest& anchor_id);
  void RecordAccess(const Requester& requester, const crypto::Digest& study_key, bool allowed,
                    const std::optional<crypto::Digest>& grant_id, uint64_t time_ms,
                    uint64_t bytes_served);

  // session_responses.cc: responses built by the gateway itself.
  net::awaitable<bool> SendRefusal(const Request& request, const Refusal& refusal);
  net::awaitable<bool> SendString(const Request& request, StringResponse response);

  // session_upstream.cc: the Orthanc side.
  net::awaitable<void> ConnectUpstream();
  http::request<http::string_body> UpstreamRequest(const Request& request,
                                                   const std::string& relative_target) const;
  net::awaitable<StringResponse> FetchString(http::request<http::string_body> request,
                                             uint64_t body_limit);
  net::awaitable<bool> RelayStreaming(const Request& request, const std::string& relative_target,
                                      uint64_t& body_bytes);
  net::awaitable<bool> RelayVerified(const Request& request, const Route& route,
                                     const crypto::Digest& study_key, uint64_t& body_bytes);
  // Spools the upstream response of `upstream_request` to `path`; the response header.
  net::awaitable<http::response_header<>> SpoolResponse(
      http::request<http::string_body> upstream_request, const std::filesystem::path& path);
  std::filesystem::path NewSpoolFolder();

  SharedState& state_;
  beast::tcp_stream client_;
  beast::flat_buffer client_buffer_;
  std::optional<beast::tcp_stream> upstream_;
  beast::flat_buffer upstream_buffer_;
  std::vector<char> relay_buffer_;
};

uint64_t NowMs();

}  // namespace imledger::gateway::internal

// The Orthanc side of a session: forwarding, streaming relay, and spooling for verify on read.

#include <spdlog/spdlog.h>

#include "contracts/queries.h"
#include "gateway/session.h"
#include "gateway/study_verifier.h"

namespace imledger::gateway::internal {
namespace {

// Request headers never forwarded as they are: the token, hop-by-hop headers (RFC 9110 section
// 7.6.1), the gateway's own transaction headers, and Host, which UpstreamRequest sets.
bool IsForwardedRequestHeader(const http::fields::value_type& field) {
  switch (field.name()) {
    case http::field::authorization:
    case http::field::connection:
    case http::field::keep_alive:
    case http::field::proxy_authorization:
    case http::field::te:
    case http::field::trailer:
    case http::field::transfer_encoding:
    case http::field::upgrade:
    case http::field::host:
    case http::field::content_length:
    case http::field::expect:
      return false;
    default:
      break;
  }
  beast::string_view name = field.name_string();
  return !beast::iequals(name.substr(0, 11), "x-imledger-");
}

void StripHopByHop(http::response_header<>& header) {
  header.erase(http::field::connection);
  header.erase(http::field::keep_alive);
  header.erase(http::field::proxy_authenticate);
  header.erase(http::field::upgrade);
}

void ThrowIf(boost::system::error_code error) {
  if (error && error != http::error::need_buffer) {
    throw boost::system::system_error(error);
  }
}

}  // namespace

net::awaitable<void> Session::ConnectUpstream() {
  if (upstream_) {
    co_return;
  }
  auto executor = co_await net::this_coro::executor;
  net::ip::tcp::resolver resolver(executor);
  std::string port = std::to_string(state_.config.upstream_port);
  auto endpoints =
      co_await resolver.async_resolve(state_.config.upstream_host, port, net::use_awaitable);
  upstream_.emplace(executor);
  upstream_->expires_after(std::chrono::milliseconds(state_.config.upstream_timeout_ms));
  co_await upstream_->async_connect(endpoints, net::use_awaitable);
  upstream_->socket().set_option(net::ip::tcp::no_delay(true));
}

http::request<http::string_body> Session::UpstreamRequest(
    const Request& request, const std::string& relative_target) const {
  http::request<http::string_body> forwarded{request.method(),
                                             state_.config.upstream_path + relative_target, 11};
  for (const auto& field : request) {
    if (IsForwardedRequestHeader(field)) {
      forwarded.insert(field.name_string(), field.value());
    }
  }
  // The client's Host goes on, because the DICOMweb plugin builds the retrieve URLs in its
  // responses from it, and clients must follow those URLs to the gateway, not to Orthanc.
  auto client_host = request.find(http::field::host);
  if (client_host != request.end()) {
    forwarded.set(http::field::host, client_host->value());
  } else {
    forwarded.set(http::field::host,
                  state_.config.upstream_host + ":" + std::to_string(state_.config.upstream_port));
  }
  forwarded.keep_alive(true);
  forwarded.body() = request.body();
  forwarded.prepare_payload();
  return forwarded;
}

net::awaitable<StringResponse> Session::FetchString(http::request<http::string_body> request,
                                                    uint64_t body_limit) {
  co_await ConnectUpstream();
  upstream_->expires_after(std::chrono::milliseconds(state_.config.upstream_timeout_ms));
  co_await http::async_write(*upstream_, request, net::use_awaitable);
  http::response_parser<http::string_body> parser;
  parser.body_limit(body_limit);
  co_await http::async_read(*upstream_, upstream_buffer_, parser, net::use_awaitable);
  StringResponse response = parser.release();
  if (!response.keep_alive()) {
    upstream_.reset();
  }
  StripHopByHop(response.base());
  co_return response;
}

net::awaitable<bool> Session::RelayStreaming(const Request& request,
                                             const std::string& relative_target,
                                             uint64_t& body_bytes) {
  co_await ConnectUpstream();
  http::request<http::string_body> forwarded = UpstreamRequest(request, relative_target);
  upstream_->expires_after(std::chrono::milliseconds(state_.config.upstream_timeout_ms));
  co_await http::async_write(*upstream_, forwarded, net::use_awaitable);

  http::response_parser<http::buffer_body> parser;
  parser.body_limit(state_.config.max_response_bytes);
  co_await http::async_read_header(*upstream_, upstream_buffer_, parser, net::use_awaitable);
  http::response<http::buffer_body>& response = parser.get();
  bool upstream_keep_alive = response.keep_alive();
  StripHopByHop(response.base());
  response.keep_alive(request.keep_alive());

  http::response_serializer<http::buffer_body> serializer(response);
  response.body().data = nullptr;
  response.body().more = true;
  client_.expires_after(std::chrono::milliseconds(state_.config.write_timeout_ms));
  co_await http::async_write_header(client_, serializer, net::use_awaitable);

  // Each turn reads at most one buffer from Orthanc and writes it to the client, so memory
  // stays at one buffer whatever the response size.
  boost::system::error_code error;
  while (!parser.is_done()) {
    response.body().data = relay_buffer_.data();
    response.body().size = relay_buffer_.size();
    upstream_->expires_after(std::chrono::milliseconds(state_.config.upstream_timeout_ms));
    co_await http::async_read(*upstream_, upstream_buffer_, parser,
                              net::redirect_error(net::use_awaitable, error));
    ThrowIf(error);
    size_t read = relay_buffer_.size() - response.body().size;
    response.body().data = relay_buffer_.data();
    response.body().size = read;
    response.body().more = !parser.is_done();
    client_.expires_after(std::chrono::milliseconds(state_.config.write_timeout_ms));
    co_await http::async_write(client_, serializer, net::redirect_error(net::use_awaitable, error));
    ThrowIf(error);
    body_bytes += read;
  }
  if (!serializer.is_done()) {
    response.body().data = nullptr;
    response.body().size = 0;
    response.body().more = false;
    co_await http::async_write(client_, serializer, net::redirect_error(net::use_awaitable, error));
    ThrowIf(error);
  }
  if (!upstream_keep_alive) {
    upstream_.reset();
  }
  co_return request.keep_alive();
}

std::filesystem::path Session::NewSpoolFolder() {
  std::filesystem::path folder =
      state_.spool_dir / ("imledger-gateway-" + std::to_string(::getpid()) + "-" +
                          std::to_string(state_.counters.spool_sequence.fetch_add(1)));
  std::filesystem::create_directories(folder);
  return folder;
}

net::awaitable<http::response_header<>> Session::SpoolResponse(
    http::request<http::string_body> upstream_request, const std::filesystem::path& path) {
  co_await ConnectUpstream();
  upstream_->expires_after(std::chrono::milliseconds(state_.config.upstream_timeout_ms));
  co_await http::async_write(*upstream_, upstream_request, net::use_awaitable);

  http::response_parser<http::file_body> parser;
  parser.body_limit(state_.config.max_response_bytes);
  boost::system::error_code error;
  parser.get().body().open(path.c_str(), beast::file_mode::write, error);
  ThrowIf(error);
  // A large study takes longer than one timeout period, so the deadline covers each read.
  while (!parser.is_done()) {
    upstream_->expires_after(std::chrono::milliseconds(state_.config.upstream_timeout_ms));
    co_await http::async_read_some(*upstream_, upstream_buffer_, parser, net::use_awaitable);
  }
  parser.get().body().close();
  if (!parser.get().keep_alive()) {
    upstream_.reset();
  }
  http::response_header<> header = parser.get().base();
  co_return header;
}

net::awaitable<bool> Session::RelayVerified(const Request& request, const Route& route,
                                            const crypto::Digest& study_key, uint64_t& body_bytes) {
  SpoolFolder folder(NewSpoolFolder());
  std::filesystem::path spooled = folder.path() / "response";
  std::string relative_target = route.relative_path;
  if (!route.query.empty()) {
    relative_target += "?" + route.query;
  }
  http::request<http::string_body> upstream_request = UpstreamRequest(request, relative_target);
  http::response_header<> header = co_await SpoolResponse(std::move(upstream_request), spooled);

  std::optional<Refusal> refusal;
  if (header.result() == http::status::ok) {
    Result<std::vector<contracts::AnchorRecord>> anchors =
        contracts::LedgerQueries(state_.ledger.database).StudyAnchors(study_key);
    Result<std::string> boundary = MultipartBoundary(std::string_view(
        header[http::field::content_type].data(), header[http::field::content_type].size()));
    Result<dicom::StudyDigest> digest =
        boundary.ok() ? DigestMultipartStudy(spooled, *boundary, folder.path())
                      : Result<dicom::StudyDigest>(boundary.status());
    if (!anchors.ok() || anchors->empty() || !digest.ok() ||
        digest->root != anchors->back().study_root) {
      state_.counters.integrity_failures += 1;
      std::string served_root = digest.ok() ? digest->root.ToHex() : digest.status().ToString();
      std::string anchored_root =
          anchors.ok() && !anchors->empty() ? anchors->back().study_root.ToHex() : "none";
      spdlog::error("event=gateway_integrity_mismatch study={} served={} anchored={}",
                    study_key.ToHex(), served_root, anchored_root);
      refusal = Refusal{502, "integrity_mismatch",
                        "the study Orthanc served does not match its anchor on the ledger: served "
                        "root " +
                            served_root + ", anchored root " + anchored_root};
    }
  }
  if (refusal) {
    co_return co_await SendRefusal(request, *refusal);
  }

  http::response<http::file_body> response{header};
  StripHopByHop(response.base());
  response.erase(http::field::transfer_encoding);
  boost::system::error_code error;
  response.body().open(spooled.c_str(), beast::file_mode::scan, error);
  ThrowIf(error);
  body_bytes = response.body().size();
  response.version(request.version());
  response.keep_alive(request.keep_alive());
  response.prepare_payload();
  http::response_serializer<http::file_body> serializer(response);
  while (!serializer.is_done()) {
    client_.expires_after(std::chrono::milliseconds(state_.config.write_timeout_ms));
    co_await http::async_write_some(client_, serializer, net::use_awaitable);
  }
  co_return request.keep_alive();
}

}  // namespace imledger::gateway::internal

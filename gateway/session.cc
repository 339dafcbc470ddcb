#include "gateway/session.h"

#include <chrono>
#include <map>

#include <spdlog/spdlog.h>

#include "contracts/payload.h"
#include "contracts/queries.h"
#include "crypto/encoding.h"
#include "crypto/sha256.h"
#include "gateway/study_search.h"

namespace imledger::gateway::internal {
namespace {

constexpr std::string_view kEmergencyHeader = "X-Imledger-Emergency";
constexpr auto kCommitPollInterval = std::chrono::milliseconds(10);
constexpr size_t kRelayBufferBytes = 256 * 1024;

std::optional<std::string_view> HeaderValue(const Request& request, std::string_view name) {
  auto found = request.find(beast::string_view(name.data(), name.size()));
  if (found == request.end()) {
    return std::nullopt;
  }
  return std::string_view(found->value().data(), found->value().size());
}

// Decodes a base64 transaction from `header` of `request` and checks its envelope: the network,
// the type, the signature, and that the requester signed it.
Result<contracts::Transaction> TransactionFromHeader(const Request& request,
                                                     std::string_view header,
                                                     contracts::TransactionType type,
                                                     const SharedState& state,
                                                     const Requester& requester) {
  std::optional<std::string_view> value = HeaderValue(request, header);
  if (!value) {
    return Status::InvalidArgument("the request has no " + std::string(header) + " header");
  }
  Result<Bytes> bytes = crypto::Base64Decode(*value, header);
  if (!bytes.ok()) {
    return bytes.status();
  }
  Result<contracts::Transaction> transaction = contracts::DecodeTransaction(*bytes);
  if (!transaction.ok()) {
    return transaction.status();
  }
  if (transaction->network_id != state.ledger.network_id || transaction->type != type) {
    return Status::InvalidArgument(std::string(header) + " must carry a " +
                                   std::string(contracts::TransactionTypeName(type)) +
                                   " transaction for network " + state.ledger.network_id);
  }
  if (transaction->signer != requester.claims.subject ||
      !contracts::VerifyTransactionSignature(*transaction)) {
    return Status::InvalidArgument("the " + std::string(header) +
                                   " transaction must be signed by the token's member key");
  }
  return transaction;
}

}  // namespace

uint64_t NowMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

Session::Session(SharedState& state, beast::tcp_stream client)
    : state_(state), client_(std::move(client)), relay_buffer_(kRelayBufferBytes) {
  // Beast reads at most the free capacity of a flat_buffer (at least 512 bytes), so without a
  // reserve a relay would read Orthanc's response about one kilobyte per system call.
  upstream_buffer_.reserve(kRelayBufferBytes);
}

net::awaitable<void> Session::Run() {
  try {
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(state_.config.max_header_bytes);
      parser.body_limit(state_.config.max_request_body_bytes);
      client_.expires_after(std::chrono::milliseconds(state_.config.read_timeout_ms));
      boost::system::error_code error;
      co_await http::async_read(client_, client_buffer_, parser,
                                net::redirect_error(net::use_awaitable, error));
      if (error == http::error::body_limit || error == http::error::header_limit) {
        bool body = error == http::error::body_limit;
        Request bare;
        bare.version(11);
        Refusal refusal{body ? 413 : 431, body ? "payload_too_large" : "header_too_large",
                        body ? "the request body exceeds max_request_body_bytes"
                             : "the request header exceeds max_header_bytes"};
        co_await SendRefusal(bare, refusal);
        break;
      }
      if (error) {
        break;  // The client closed the connection, timed out, or sent a malformed request.
      }
      Request request = parser.release();
      bool keep_going = co_await Handle(request);
      if (!keep_going || !request.keep_alive()) {
        break;
      }
    }
  } catch (const boost::system::system_error& error) {
    // A client or Orthanc that closes, stalls past a deadline or sends malformed HTTP.
    spdlog::debug("event=gateway_connection_failed error=\"{}\"", error.code().message());
  } catch (const std::exception& error) {
    // A spool file that cannot be created or written, or memory exhausted: end this
    // connection only, since an exception leaving the coroutine would stop a network thread.
    spdlog::error("event=gateway_connection_failed error=\"{}\"", error.what());
  }
  boost::system::error_code ignored;  // The peer may already be gone.
  client_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
}

net::awaitable<bool> Session::Handle(Request& request) {
  state_.counters.requests += 1;
  uint64_t now_ms = NowMs();
  std::optional<std::string_view> authorization = HeaderValue(request, "Authorization");
  std::variant<Requester, Refusal> authenticated =
      AuthenticateCached(*state_.cache, state_.ledger.database, authorization,
                         state_.config.audience, now_ms, state_.config.max_token_lifetime_ms);
  if (auto* refusal = std::get_if<Refusal>(&authenticated)) {
    state_.counters.unauthenticated += 1;
    spdlog::info("event=gateway_unauthenticated code={} target=\"{}\"", refusal->code,
                 std::string(request.target()));
    co_return co_await SendRefusal(request, *refusal);
  }
  const Requester& requester = std::get<Requester>(authenticated);

  std::string method(request.method_string());
  Result<Route> route = ParseRoute(
      method, std::string_view(request.target().data(), request.target().size()), "/dicom-web");
  if (!route.ok()) {
    state_.counters.refused_routes += 1;
    spdlog::info("event=gateway_route_refused requester={} method={} target=\"{}\"",
                 requester.claims.subject.ToHex(), method, std::string(request.target()));
    Refusal refusal{403, "route_not_allowed", route.status().message()};
    co_return co_await SendRefusal(request, refusal);
  }
  switch (route->kind) {
    case RouteKind::kStudySearch:
      co_return co_await ServeSearch(request, *route, requester);
    case RouteKind::kStudyStore:
      co_return co_await ServeStore(request, *route, requester);
    case RouteKind::kStudyResource:
      break;
  }
  co_return co_await ServeStudyResource(request, *route, requester);
}

void Session::RecordAccess(const Requester& requester, const crypto::Digest& study_key,
                           bool allowed, const std::optional<crypto::Digest>& grant_id,
                           uint64_t time_ms, uint64_t bytes_served) {
  contracts::AccessEvent event;
  event.requester = requester.claims.subject;
  event.study_key = study_key;
  event.purpose = requester.claims.purpose;
  event.allowed = allowed;
  event.grant_used = grant_id;
  event.time_ms = time_ms;
  event.bytes_served = bytes_served;
  state_.recorder->Record(event);
  (allowed ? state_.counters.allowed : state_.counters.denied) += 1;
}

net::awaitable<bool> Session::ServeStudyResource(Request& request, const Route& route,
                                                 const Requester& requester) {
  crypto::Digest study_key = crypto::Sha256Of(route.study_instance_uid);
  uint64_t now_ms = NowMs();
  Result<StudyDecision> decision =
      DecideStudyAccessCached(*state_.cache, state_.ledger.database, requester, study_key, now_ms);
  if (!decision.ok()) {
    spdlog::error("event=gateway_decision_failed study={} error=\"{}\"", study_key.ToHex(),
                  decision.status().ToString());
    Refusal refusal{500, "internal", "the decision failed"};
    co_return co_await SendRefusal(request, refusal);
  }
  if (!decision->allowed && requester.claims.purpose == contracts::Purpose::kEmergency &&
      HeaderValue(request, kEmergencyHeader)) {
    std::optional<Refusal> refusal =
        co_await DeclareEmergency(request, requester, study_key, *decision);
    if (refusal) {
      co_return co_await SendRefusal(request, *refusal);
    }
    now_ms = NowMs();
  }
  if (!decision->allowed) {
    RecordAccess(requester, study_key, false, std::nullopt, now_ms, 0);
    spdlog::info("event=gateway_access decision=deny code={} requester={} study={} purpose={}",
                 decision->code, requester.claims.subject.ToHex(), study_key.ToHex(),
                 contracts::PurposeName(requester.claims.purpose));
    Refusal refusal{403, decision->code, decision->rule};
    co_return co_await SendRefusal(request, refusal);
  }

  std::string relative_target = route.relative_path;
  if (!route.query.empty()) {
    relative_target += "?" + route.query;
  }
  uint64_t body_bytes = 0;
  bool keep_going = false;
  try {
    if (state_.config.verify_on_read && route.whole_study) {
      keep_going = co_await RelayVerified(request, route, study_key, body_bytes);
    } else {
      keep_going = co_await RelayStreaming(request, relative_target, body_bytes);
    }
  } catch (...) {
    // A transfer cut short by the client or Orthanc still leaves an event, with the bytes
    // that reached the requester.
    RecordAccess(requester, study_key, true, decision->grant_id, now_ms, body_bytes);
    throw;
  }
  // Recorded after the response ends, so the event counts the bytes the requester received.
  RecordAccess(requester, study_key, true, decision->grant_id, now_ms, body_bytes);
  state_.counters.bytes_served += body_bytes;
  spdlog::info(
      "event=gateway_access decision=allow rule=\"{}\" requester={} study={} purpose={} bytes={}",
      decision->rule, requester.claims.subject.ToHex(), study_key.ToHex(),
      contracts::PurposeName(requester.claims.purpose), body_bytes);
  co_return keep_going;
}

net::awaitable<std::optional<Refusal>> Session::DeclareEmergency(const Request& request,
                                                                 const Requester& requester,
                                                                 const crypto::Digest& study_key,
                                                                 StudyDecision& decision) {
  Result<contracts::Transaction> transaction = TransactionFromHeader(
      request, kEmergencyHeader, contracts::TransactionType::kAccessEmergency, state_, requester);
  if (!transaction.ok()) {
    co_return Refusal{400, "invalid_emergency", transaction.status().message()};
  }
  Result<contracts::AccessEmergency> emergency =
      contracts::DecodePayload<contracts::AccessEmergency>(transaction->payload);
  if (!emergency.ok() || emergency->study_key != study_key) {
    co_return Refusal{400, "invalid_emergency",
                      "the access.emergency transaction must name the requested study"};
  }
  state_.ledger.submit(contracts::EncodeTransaction(*transaction));
  spdlog::warn("event=gateway_emergency_declared requester={} study={}",
               requester.claims.subject.ToHex(), study_key.ToHex());

  net::steady_timer timer(co_await net::this_coro::executor);
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(state_.config.commit_wait_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    timer.expires_after(kCommitPollInterval);
    co_await timer.async_wait(net::use_awaitable);
    Result<StudyDecision> retried =
        DecideStudyAccess(state_.ledger.database, requester, study_key, NowMs());
    if (retried.ok() && retried->allowed) {
      decision = *retried;
      co_return std::nullopt;
    }
  }
  co_return std::nullopt;  // Still denied: the caller sends the original reason.
}

net::awaitable<bool> Session::ServeSearch(Request& request, const Route& route,
                                          const Requester& requester) {
  Result<SearchPaging> paging = SplitPaging(route.query);
  if (!paging.ok()) {
    Refusal refusal{400, "bad_request", paging.status().message()};
    co_return co_await SendRefusal(request, refusal);
  }
  std::string relative_target = "/studies";
  if (!paging->forwarded_query.empty()) {
    relative_target += "?" + paging->forwarded_query;
  }
  http::request<http::string_body> search = UpstreamRequest(request, relative_target);
  StringResponse found =
      co_await FetchString(std::move(search), state_.config.max_search_response_bytes);
  if (found.result() != http::status::ok) {
    found.keep_alive(request.keep_alive());
    co_return co_await SendString(request, std::move(found));
  }

  uint64_t now_ms = NowMs();
  std::map<std::string, StudyDecision> decisions;
  auto may_see = [&](const std::string& uid) {
    Result<StudyDecision> decision = DecideStudyAccessCached(
        *state_.cache, state_.ledger.database, requester, crypto::Sha256Of(uid), now_ms);
    if (!decision.ok() || !decision->allowed) {
      return false;
    }
    decisions.emplace(uid, *decision);
    return true;
  };
  Result<FilteredSearch> filtered = FilterStudySearch(found.body(), may_see, *paging);
  if (!filtered.ok()) {
    Refusal refusal{502, "bad_upstream", filtered.status().message()};
    co_return co_await SendRefusal(request, refusal);
  }
  for (size_t i = 0; i < filtered->shown_studies.size(); ++i) {
    const std::string& uid = filtered->shown_studies[i];
    RecordAccess(requester, crypto::Sha256Of(uid), true, decisions[uid].grant_id, now_ms,
                 filtered->shown_bytes[i]);
  }
  StringResponse response{http::status::ok, request.version()};
  response.set(http::field::content_type, "application/dicom+json");
  response.body() = std::move(filtered->body);
  co_return co_await SendString(request, std::move(response));
}

net::awaitable<bool> Session::WaitForAnchor(const crypto::Digest& study_key,
                                            const crypto::Digest& anchor_id) {
  net::steady_timer timer(co_await net::this_coro::executor);
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(state_.config.commit_wait_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    Result<std::vector<contracts::AnchorRecord>> anchors =
        contracts::LedgerQueries(state_.ledger.database).StudyAnchors(study_key);
    if (anchors.ok() && !anchors->empty() && anchors->back().anchor_id == anchor_id) {
      co_return true;
    }
    timer.expires_after(kCommitPollInterval);
    co_await timer.async_wait(net::use_awaitable);
  }
  co_return false;
}

}  // namespace imledger::gateway::internal

// POST /v1/transactions and the transaction status responses; see routes.h.

#include "api/routes.h"

#include <nlohmann/json.hpp>

#include "api/submit_request.h"
#include "contracts/rejection.h"
#include "ledger/ledger_reader.h"

namespace imledger::api {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kErrorInvalidTransaction = "invalid_transaction";
constexpr std::string_view kErrorWrongNetwork = "wrong_network";
constexpr std::string_view kErrorBadSignature = "bad_signature";
constexpr std::string_view kErrorOverloaded = "overloaded";

// The response for a Submit error, by the Status code that Node::Submit documents.
network::HttpResponse SubmitErrorResponse(const Status& status) {
  switch (status.code()) {
    case StatusCode::kCorruption:
      return network::HttpResponse::Error(400, kErrorInvalidTransaction, status.message());
    case StatusCode::kInvalidArgument:
      return network::HttpResponse::Error(400, kErrorWrongNetwork,
                                          status.message() + "; sign it for this network");
    case StatusCode::kUnauthenticated:
      return network::HttpResponse::Error(
          400, kErrorBadSignature, status.message() + "; sign the envelope with the signer key");
    case StatusCode::kOutOfRange:
      return network::HttpResponse::Error(413, network::kErrorPayloadTooLarge, status.message());
    case StatusCode::kResourceExhausted:
      return network::HttpResponse::Error(503, kErrorOverloaded, status.message());
    default:
      return network::HttpResponse::Error(500, network::kErrorInternal, status.ToString());
  }
}

// The committed status of `id` from the store, or nullopt when it is not committed.
Result<std::optional<network::HttpResponse>> CommittedFromStore(const node::Node& node,
                                                                const crypto::Digest& id) {
  Result<ledger::LedgerReader> reader = ledger::LedgerReader::Open(node.database());
  if (!reader.ok()) {
    return reader.status();
  }
  Result<std::optional<ledger::TransactionLocation>> location = reader->FindTransaction(id);
  if (!location.ok()) {
    return location.status();
  }
  if (!location->has_value()) {
    return std::optional<network::HttpResponse>();
  }
  Result<ledger::LogLeaf> leaf = reader->ReadLeaf((*location)->log_index);
  if (!leaf.ok()) {
    return leaf.status();
  }
  return std::optional<network::HttpResponse>(CommittedResponse(
      id, (*location)->height, (*location)->index, (*location)->log_index, leaf->result_code));
}

}  // namespace

network::HttpResponse CommittedResponse(const crypto::Digest& id, uint64_t height, uint64_t index,
                                        uint64_t log_index, uint32_t result_code) {
  auto code = static_cast<contracts::RejectCode>(result_code);
  Json body = {
      {"id", id.ToHex()},
      {"status", "committed"},
      {"height", height},
      {"index", index},
      {"log_index", log_index},
      {"result", code == contracts::RejectCode::kAccepted ? "accepted" : "rejected"},
      {"code", code == contracts::RejectCode::kAccepted ? std::string_view("ok")
                                                        : contracts::RejectCodeName(code)},
  };
  return network::HttpResponse::Json(200, body.dump());
}

network::HttpResponse PendingResponse(const crypto::Digest& id, int status) {
  Json body = {{"id", id.ToHex()}, {"status", "pending"}};
  return network::HttpResponse::Json(status, body.dump());
}

void SubmitTransaction(const RouteContext& context, network::HttpRequest request,
                       network::HttpResponder responder) {
  Parsed<std::optional<uint32_t>> wait = ParseWaitQuery(request);
  if (!wait.ok()) {
    responder(wait.error.ToResponse());
    return;
  }
  Parsed<Bytes> transaction = ParseSubmitBody(request.body);
  if (!transaction.ok()) {
    responder(transaction.error.ToResponse());
    return;
  }
  crypto::Digest id = crypto::Sha256Of(*transaction.value);

  // The waiter is registered before the store is read, so a commit that lands in between is
  // seen by one or the other.
  std::optional<uint64_t> token;
  if (wait.value->has_value()) {
    auto deadline = CommitWaiters::Clock::now() + std::chrono::milliseconds(**wait.value);
    token = context.waiters->Wait(id, std::move(responder), deadline);
  }
  auto answer = [&](network::HttpResponse response) {
    if (!token.has_value()) {
      responder(std::move(response));
      return;
    }
    if (std::optional<network::HttpResponder> waiting = context.waiters->Cancel(*token)) {
      (*waiting)(std::move(response));
    }
  };

  Result<std::optional<network::HttpResponse>> committed = CommittedFromStore(*context.node, id);
  if (!committed.ok()) {
    answer(
        network::HttpResponse::Error(500, network::kErrorInternal, committed.status().ToString()));
    return;
  }
  if (committed->has_value()) {
    answer(std::move(**committed));
    return;
  }
  // Tracked before Submit, so the commit observer cannot run before the arrival is recorded.
  context.waiters->Track(id, CommitWaiters::Clock::now());
  if (Status submitted = context.node->Submit(std::move(*transaction.value)); !submitted.ok()) {
    context.waiters->Untrack(id);
    answer(SubmitErrorResponse(submitted));
    return;
  }
  if (!token.has_value()) {
    responder(PendingResponse(id, 202));
  }
}

}  // namespace imledger::api

// STOW-RS through the gateway: store a technician's instances, check them against the
// technician-signed study.anchor sent along, then submit the anchor.

#include <spdlog/spdlog.h>

#include "contracts/payload.h"
#include "crypto/encoding.h"
#include "crypto/sha256.h"
#include "gateway/session.h"
#include "gateway/study_verifier.h"

namespace imledger::gateway::internal {
namespace {

constexpr std::string_view kAnchorHeader = "X-Imledger-Anchor";

Result<contracts::Transaction> AnchorFromRequest(const Request& request, const SharedState& state,
                                                 const Requester& requester) {
  auto found = request.find(kAnchorHeader.data());
  if (found == request.end()) {
    return Status::InvalidArgument(
        "a STOW-RS request must carry the technician-signed study.anchor transaction, base64, "
        "in the X-Imledger-Anchor header");
  }
  Result<Bytes> bytes = crypto::Base64Decode(
      std::string_view(found->value().data(), found->value().size()), kAnchorHeader);
  if (!bytes.ok()) {
    return bytes.status();
  }
  Result<contracts::Transaction> transaction = contracts::DecodeTransaction(*bytes);
  if (!transaction.ok()) {
    return transaction.status();
  }
  if (transaction->network_id != state.ledger.network_id ||
      transaction->type != contracts::TransactionType::kStudyAnchor) {
    return Status::InvalidArgument(
        "X-Imledger-Anchor must carry a study.anchor transaction for "
        "network " +
        state.ledger.network_id);
  }
  if (transaction->signer != requester.claims.subject ||
      !contracts::VerifyTransactionSignature(*transaction)) {
    return Status::InvalidArgument(
        "the study.anchor transaction must be signed by the token's member key");
  }
  return transaction;
}

}  // namespace

net::awaitable<bool> Session::ServeStore(Request& request, const Route& route,
                                         const Requester& requester) {
  if (!requester.member.HasRole(contracts::Role::kTechnician)) {
    Refusal refusal{403, "not_a_technician", "only a technician may store studies"};
    co_return co_await SendRefusal(request, refusal);
  }
  Result<contracts::Transaction> transaction = AnchorFromRequest(request, state_, requester);
  if (!transaction.ok()) {
    Refusal refusal{400, "invalid_anchor", transaction.status().message()};
    co_return co_await SendRefusal(request, refusal);
  }
  Result<contracts::StudyAnchor> anchor =
      contracts::DecodePayload<contracts::StudyAnchor>(transaction->payload);
  crypto::Digest study_key = crypto::Sha256Of(route.study_instance_uid);
  if (!anchor.ok() || anchor->study_key != study_key) {
    Refusal refusal{400, "invalid_anchor",
                    "the study.anchor transaction must name the study in the path"};
    co_return co_await SendRefusal(request, refusal);
  }

  http::request<http::string_body> store = UpstreamRequest(request, route.relative_path);
  StringResponse stored =
      co_await FetchString(std::move(store), state_.config.max_search_response_bytes);
  if (stored.result() != http::status::ok) {
    spdlog::warn("event=gateway_store_failed study={} upstream_status={}", study_key.ToHex(),
                 stored.result_int());
    stored.keep_alive(request.keep_alive());
    co_return co_await SendString(request, std::move(stored));
  }

  // Read the whole study back, as Orthanc now stores it, and hash it.
  SpoolFolder folder(NewSpoolFolder());
  Request read_back;
  read_back.method(http::verb::get);
  read_back.version(11);
  read_back.set(http::field::accept, "multipart/related; type=\"application/dicom\"");
  http::request<http::string_body> read_back_request =
      UpstreamRequest(read_back, "/studies/" + route.study_instance_uid);
  std::filesystem::path spooled = folder.path() / "study";
  http::response_header<> header = co_await SpoolResponse(std::move(read_back_request), spooled);
  Result<std::string> boundary = MultipartBoundary(std::string_view(
      header[http::field::content_type].data(), header[http::field::content_type].size()));
  Result<dicom::StudyDigest> digest = boundary.ok()
                                          ? DigestMultipartStudy(spooled, *boundary, folder.path())
                                          : Result<dicom::StudyDigest>(boundary.status());
  if (!digest.ok()) {
    Refusal refusal{502, "bad_upstream",
                    "reading the stored study back failed: " + digest.status().message()};
    co_return co_await SendRefusal(request, refusal);
  }
  if (digest->root != anchor->study_root || digest->instances.size() != anchor->instance_count) {
    spdlog::warn("event=gateway_anchor_mismatch study={} stored_root={} anchor_root={}",
                 study_key.ToHex(), digest->root.ToHex(), anchor->study_root.ToHex());
    Refusal refusal{409, "anchor_mismatch",
                    "Orthanc now holds " + std::to_string(digest->instances.size()) +
                        " instances of the study with root " + digest->root.ToHex() +
                        ", but the anchor states " + std::to_string(anchor->instance_count) +
                        " with root " + anchor->study_root.ToHex() +
                        "; the anchor was not submitted"};
    co_return co_await SendRefusal(request, refusal);
  }

  Bytes encoded = contracts::EncodeTransaction(*transaction);
  crypto::Digest anchor_id = contracts::TransactionIdOf(encoded);
  state_.ledger.submit(std::move(encoded));
  bool committed = co_await WaitForAnchor(study_key, anchor_id);
  RecordAccess(requester, study_key, true, std::nullopt, NowMs(), 0);
  spdlog::info("event=gateway_study_stored study={} anchor={} committed={}", study_key.ToHex(),
               anchor_id.ToHex(), committed);

  stored.result(committed ? http::status::ok : http::status::accepted);
  stored.set("X-Imledger-Anchor-Id", anchor_id.ToHex());
  stored.set("X-Imledger-Anchor-Committed", committed ? "true" : "false");
  co_return co_await SendString(request, std::move(stored));
}

}  // namespace imledger::gateway::internal

// The GET routes of the node API; see routes.h.

#include <nlohmann/json.hpp>

#include "api/routes.h"
#include "api/submit_request.h"
#include "contracts/genesis.h"
#include "contracts/queries.h"
#include "contracts/transaction.h"
#include "crypto/encoding.h"
#include "crypto/merkle.h"
#include "ledger/ledger_reader.h"

namespace imledger::api {
namespace {

using Json = nlohmann::json;
using network::HttpResponse;

constexpr std::string_view kErrorUnknownTransaction = "unknown_transaction";

HttpResponse Internal(const Status& status) {
  return HttpResponse::Error(500, network::kErrorInternal, status.ToString());
}

HttpResponse BadRequest(const std::string& message) {
  return HttpResponse::Error(400, network::kErrorBadRequest, message);
}

// A 64-digit lowercase hex SHA-256 digest.
std::optional<crypto::Digest> ParseDigest(std::string_view hex) {
  if (hex.size() != 2 * crypto::Digest::kSize) {
    return std::nullopt;
  }
  for (char c : hex) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return std::nullopt;
    }
  }
  Result<Bytes> bytes = crypto::HexDecode(hex);
  if (!bytes.ok()) {
    return std::nullopt;
  }
  crypto::Digest digest;
  std::copy(bytes->begin(), bytes->end(), digest.bytes.begin());
  return digest;
}

std::string Hex(const crypto::Digest& digest) {
  return digest.ToHex();
}

Json HeaderJson(const ledger::BlockHeader& header) {
  return {{"height", header.height},
          {"view", header.view},
          {"previous_hash", Hex(header.previous_hash)},
          {"time_ms", header.time_ms},
          {"tree_size", header.tree_size},
          {"root", Hex(header.tree_root)},
          {"state_digest", Hex(header.state_digest)}};
}

// Parses a required or optional decimal query parameter into `value`; false with `error` set
// when it is present but not a decimal integer.
bool QueryNumber(const network::HttpRequest& request, std::string_view name,
                 std::optional<uint64_t>& value, HttpResponse& error) {
  std::optional<std::string> text = request.QueryParameter(name);
  if (!text.has_value()) {
    return true;
  }
  value = ParseDecimal(*text);
  if (!value.has_value()) {
    error = BadRequest("query parameter " + std::string(name) + "=" + *text +
                       " is not a decimal integer");
    return false;
  }
  return true;
}

// Returns the proof hashes as a JSON array of hex strings.
Json HexArray(const std::vector<crypto::Digest>& hashes) {
  Json array = Json::array();
  for (const crypto::Digest& hash : hashes) {
    array.push_back(Hex(hash));
  }
  return array;
}

// A snapshot reader and the position of one transaction in it.
struct LocatedTransaction {
  std::optional<ledger::LedgerReader> reader;
  std::optional<ledger::TransactionLocation> location;  // Empty when not committed.
};

// Opens a snapshot of the node's store and looks `id` up in its transaction index.
Result<LocatedTransaction> LocateTransaction(const RouteContext& context,
                                             const crypto::Digest& id) {
  Result<ledger::LedgerReader> reader = ledger::LedgerReader::Open(context.node->database());
  if (!reader.ok()) {
    return reader.status();
  }
  Result<std::optional<ledger::TransactionLocation>> location = reader->FindTransaction(id);
  if (!location.ok()) {
    return location.status();
  }
  return LocatedTransaction{std::move(reader).value(), *location};
}

}  // namespace

HttpResponse GetTransaction(const RouteContext& context, const network::HttpRequest& request) {
  const std::string& id_text = request.path_params.at("id");
  std::optional<crypto::Digest> id = ParseDigest(id_text);
  if (!id.has_value()) {
    return BadRequest("transaction id \"" + id_text + "\" is not 64 lowercase hex digits");
  }

  Result<LocatedTransaction> found = LocateTransaction(context, *id);
  if (!found.ok()) {
    return Internal(found.status());
  }
  std::optional<ledger::LedgerReader>& reader = found->reader;
  const std::optional<ledger::TransactionLocation>& location = found->location;
  if (!location.has_value()) {
    CommitWaiters::PendingState state = context.waiters->Lookup(*id, CommitWaiters::Clock::now());
    if (state == CommitWaiters::PendingState::kPending) {
      return PendingResponse(*id, 200);
    }
    if (state == CommitWaiters::PendingState::kExpired) {
      const CommitWaiters::PendingLimits& limits = context.waiters->limits();
      return HttpResponse::Error(
          404, kErrorUnknownTransaction,
          "transaction " + id_text + " was queued at this node but did not commit within " +
              std::to_string(limits.max_age.count()) +
              " ms (api_pending_max_age_ms), or was among the oldest when more than " +
              std::to_string(limits.max_entries) +
              " were pending; the node may have dropped it, so submit it again");
    }
    return HttpResponse::Error(404, network::kErrorNotFound,
                               "transaction " + id_text + " is not committed or queued here");
  }

  const ledger::TransactionLocation& where = *location;

  Result<ledger::LogLeaf> leaf = reader->ReadLeaf(where.log_index);
  if (!leaf.ok()) {
    return Internal(leaf.status());
  }

  Result<contracts::Transaction> transaction = contracts::DecodeTransaction(leaf->transaction);
  if (!transaction.ok()) {
    return Internal(transaction.status());
  }

  Result<ledger::CommitCertificate> certificate = reader->ReadCertificate(where.height);
  if (!certificate.ok()) {
    return Internal(certificate.status());
  }

  HttpResponse committed =
      CommittedResponse(*id, where.height, where.index, where.log_index, leaf->result_code);
  Json body = Json::parse(committed.body);
  body["type"] = contracts::TransactionTypeName(transaction->type);
  body["signer"] = transaction->signer.ToHex();
  body["block_time_ms"] = certificate->header.time_ms;
  return HttpResponse::Json(200, body.dump());
}

HttpResponse GetStatus(const RouteContext& context) {
  const node::Node& node = *context.node;
  node::NodeSnapshot snapshot = node.Snapshot();
  node::NodeMetrics metrics = node.Metrics();

  Json body = {
      {"network_id", node.genesis().network_id},
      {"genesis_hash", Hex(contracts::GenesisHash(node.genesis()))},
      {"node_public_key", node.public_key().ToHex()},
      {"validator_index", node.validator_index()},
      {"height", snapshot.height},
      {"view", snapshot.view},
      {"peers_connected", metrics.peers_connected},
      {"pending_requests", snapshot.pending_requests},
  };
  if (snapshot.height == 0) {
    // Genesis only: the empty log and the genesis state.
    Result<contracts::StateMeta> meta = contracts::LedgerQueries(node.database()).Meta();
    if (!meta.ok()) {
      return Internal(meta.status());
    }
    body["tree_size"] = 0;
    body["root"] = Hex(crypto::MerkleEmptyRoot());
    body["state_digest"] = Hex(meta->state_digest);
    body["block_time_ms"] = node.genesis().genesis_time_ms;
  } else {
    body["tree_size"] = snapshot.last_header.tree_size;
    body["root"] = Hex(snapshot.last_header.tree_root);
    body["state_digest"] = Hex(snapshot.last_header.state_digest);
    body["block_time_ms"] = snapshot.last_header.time_ms;
  }
  return HttpResponse::Json(200, body.dump());
}

HttpResponse GetLatestCheckpoint(const RouteContext& context) {
  const node::Node& node = *context.node;

  Result<ledger::LedgerReader> reader = ledger::LedgerReader::Open(node.database());
  if (!reader.ok()) {
    return Internal(reader.status());
  }
  if (reader->height() == 0) {
    return HttpResponse::Error(404, network::kErrorNotFound,
                               "no block is committed yet; retry after the first block");
  }

  Result<ledger::CommitCertificate> certificate = reader->ReadCertificate(reader->height());
  if (!certificate.ok()) {
    return Internal(certificate.status());
  }

  const ledger::BlockHeader& header = certificate->header;

  Json signatures = Json::array();
  const std::vector<contracts::GenesisValidator>& validators = node.genesis().validators;
  for (const ledger::CommitSignature& signature : certificate->signatures) {
    size_t index = 0;
    while (index < validators.size() && validators[index].public_key != signature.validator) {
      ++index;
    }
    signatures.push_back({{"validator", index},
                          {"public_key", signature.validator.ToHex()},
                          {"signature", signature.signature.ToHex()}});
  }

  Result<std::string> note = node.SignCheckpointNote(header.tree_size, header.tree_root);
  if (!note.ok()) {
    return Internal(note.status());
  }

  Json body = {
      {"height", header.height},
      {"header", HeaderJson(header)},
      {"certificate", crypto::Base64Encode(ledger::EncodeCommitCertificate(*certificate))},
      {"signatures", signatures},
      {"checkpoint", *note},
  };
  return HttpResponse::Json(200, body.dump());
}

HttpResponse GetInclusionProof(const RouteContext& context, const network::HttpRequest& request) {
  const std::string& id_text = request.path_params.at("id");
  std::optional<crypto::Digest> id = ParseDigest(id_text);
  if (!id.has_value()) {
    return BadRequest("transaction id \"" + id_text + "\" is not 64 lowercase hex digits");
  }
  std::optional<uint64_t> size;
  HttpResponse error;
  if (!QueryNumber(request, "size", size, error)) {
    return error;
  }

  Result<LocatedTransaction> found = LocateTransaction(context, *id);
  if (!found.ok()) {
    return Internal(found.status());
  }
  std::optional<ledger::LedgerReader>& reader = found->reader;
  const std::optional<ledger::TransactionLocation>& location = found->location;
  if (!location.has_value()) {
    return HttpResponse::Error(404, network::kErrorNotFound,
                               "transaction " + id_text + " is not committed");
  }

  uint64_t log_index = location->log_index;
  uint64_t tree_size = size.value_or(reader->tree_size());
  if (tree_size <= log_index || tree_size > reader->tree_size()) {
    return BadRequest("size " + std::to_string(tree_size) + " must be above the leaf index " +
                      std::to_string(log_index) + " and at most the tree size " +
                      std::to_string(reader->tree_size()));
  }

  Result<ledger::LogLeaf> leaf = reader->ReadLeaf(log_index);
  Result<crypto::Digest> root = reader->RootAt(tree_size);
  Result<std::vector<crypto::Digest>> proof = reader->InclusionProof(log_index, tree_size);
  for (const Status& status : {leaf.status(), root.status(), proof.status()}) {
    if (!status.ok()) {
      return Internal(status);
    }
  }

  Json hashes = HexArray(*proof);

  // With the leaf bytes an auditor checks that the leaf contains this transaction and
  // recomputes its hash instead of trusting leaf_hash.
  const Bytes leaf_bytes = ledger::EncodeLogLeaf(*leaf);
  Json body = {{"id", id_text},
               {"log_index", log_index},
               {"tree_size", tree_size},
               {"leaf", crypto::Base64Encode(leaf_bytes)},
               {"leaf_hash", Hex(crypto::MerkleLeafHash(leaf_bytes))},
               {"root", Hex(*root)},
               {"proof", hashes}};
  return HttpResponse::Json(200, body.dump());
}

HttpResponse GetConsistencyProof(const RouteContext& context, const network::HttpRequest& request) {
  std::optional<uint64_t> from;
  std::optional<uint64_t> to;
  HttpResponse error;
  if (!QueryNumber(request, "from", from, error) || !QueryNumber(request, "to", to, error)) {
    return error;
  }

  Result<ledger::LedgerReader> reader = ledger::LedgerReader::Open(context.node->database());
  if (!reader.ok()) {
    return Internal(reader.status());
  }
  if (!from.has_value() || !to.has_value() || *from == 0 || *from > *to ||
      *to > reader->tree_size()) {
    return BadRequest("from and to must satisfy 0 < from <= to <= " +
                      std::to_string(reader->tree_size()) + " (the tree size)");
  }

  Result<crypto::Digest> root_from = reader->RootAt(*from);
  Result<crypto::Digest> root_to = reader->RootAt(*to);
  Result<std::vector<crypto::Digest>> proof = reader->ConsistencyProof(*from, *to);
  for (const Status& status : {root_from.status(), root_to.status(), proof.status()}) {
    if (!status.ok()) {
      return Internal(status);
    }
  }

  Json hashes = HexArray(*proof);

  Json body = {{"from", *from},
               {"to", *to},
               {"root_from", Hex(*root_from)},
               {"root_to", Hex(*root_to)},
               {"proof", hashes}};
  return HttpResponse::Json(200, body.dump());
}

HttpResponse GetStudy(const RouteContext& context, const network::HttpRequest& request) {
  const std::string& key_text = request.path_params.at("study_key");
  std::optional<crypto::Digest> study_key = ParseDigest(key_text);
  if (!study_key.has_value()) {
    return BadRequest("study key \"" + key_text +
                      "\" is not 64 lowercase hex digits (SHA-256 of the StudyInstanceUID)");
  }

  contracts::ScopedSnapshot snapshot(context.node->database());
  contracts::LedgerQueries queries(context.node->database(), snapshot.get());
  Result<std::optional<contracts::StudyRecord>> study = queries.Study(*study_key);
  if (!study.ok()) {
    return Internal(study.status());
  }
  if (!study->has_value()) {
    return HttpResponse::Error(404, network::kErrorNotFound,
                               "study " + key_text + " is not anchored");
  }

  Result<std::vector<contracts::AnchorRecord>> anchors = queries.StudyAnchors(*study_key);
  if (!anchors.ok()) {
    return Internal(anchors.status());
  }

  Json list = Json::array();
  for (const contracts::AnchorRecord& anchor : *anchors) {
    list.push_back({{"version", anchor.version},
                    {"transaction_id", Hex(anchor.anchor_id)},
                    {"organization", (*study)->organization},
                    {"pseudonym", Hex((*study)->pseudonym)},
                    {"study_root", Hex(anchor.study_root)},
                    {"instance_count", anchor.instance_count},
                    {"total_bytes", anchor.total_bytes},
                    {"modalities", anchor.modalities},
                    {"technician", anchor.technician.ToHex()},
                    {"height", anchor.height},
                    {"block_time_ms", anchor.time_ms}});
  }

  Json body = {{"study_key", key_text}, {"anchors", list}};
  return HttpResponse::Json(200, body.dump());
}

HttpResponse GetMetrics(const RouteContext& context) {
  HttpResponse response;
  response.status = 200;
  response.content_type = "text/plain; version=0.0.4";
  response.body = context.metrics->Render(*context.node);
  return response;
}

}  // namespace imledger::api

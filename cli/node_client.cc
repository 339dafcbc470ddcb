#include "cli/node_client.h"

#include <charconv>
#include <utility>

#include <boost/asio/ip/address.hpp>

#include "cli/messages.h"
#include "crypto/encoding.h"

namespace imledger::cli {

namespace {

constexpr std::string_view kScheme = "http://";

Status MalformedAnswer(const NodeUrl& url, std::string_view target, std::string_view detail) {
  return Status::Corruption(Text("client.malformed_response", {url.ToString(), target, detail}));
}

Result<uint64_t> ReadUnsigned(const nlohmann::json& object, const char* field) {
  auto found = object.find(field);
  if (found == object.end() || !found->is_number_unsigned()) {
    return Status::Corruption(std::string("field \"") + field + "\" is missing or not a number");
  }
  return found->get<uint64_t>();
}

std::string ReadText(const nlohmann::json& object, const char* field) {
  auto found = object.find(field);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

}  // namespace

std::string NodeUrl::ToString() const {
  return std::string(kScheme) + host + ":" + std::to_string(port);
}

Result<NodeUrl> ParseNodeUrl(std::string_view text) {
  if (!text.starts_with(kScheme)) {
    return Status::InvalidArgument(Text("client.url_scheme", {text}));
  }
  std::string_view rest = text.substr(kScheme.size());
  if (rest.ends_with('/')) {
    rest.remove_suffix(1);
  }
  size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || rest.find('/') != std::string_view::npos) {
    return Status::InvalidArgument(Text("client.url_form", {text}));
  }
  std::string_view port_text = rest.substr(colon + 1);
  unsigned port = 0;
  auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (error != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
      port > 65535) {
    return Status::InvalidArgument(Text("client.url_port", {text}));
  }
  // The HTTP client connects to an address and resolves no names, so a host name is an
  // argument error here rather than an unreachable node later.
  std::string host(rest.substr(0, colon));
  boost::system::error_code address_error;
  boost::asio::ip::make_address(host, address_error);
  if (address_error) {
    return Status::InvalidArgument(Text("client.url_host", {text, std::to_string(port)}));
  }
  return NodeUrl{host, static_cast<uint16_t>(port)};
}

Result<TransactionStatus> ParseTransactionStatus(const nlohmann::json& object) {
  if (!object.is_object()) {
    return Status::Corruption("the response is not a JSON object");
  }
  TransactionStatus status;
  status.id = ReadText(object, "id");
  std::string state = ReadText(object, "status");
  if (status.id.empty() || (state != "committed" && state != "pending")) {
    return Status::Corruption("\"id\" is missing or \"status\" is neither committed nor pending");
  }
  status.committed = state == "committed";
  if (!status.committed) {
    return status;
  }

  for (auto [field, value] :
       {std::pair{"height", &status.height}, std::pair{"index", &status.index},
        std::pair{"log_index", &status.log_index}}) {
    Result<uint64_t> number = ReadUnsigned(object, field);
    if (!number.ok()) {
      return number.status();
    }
    *value = *number;
  }
  std::string result = ReadText(object, "result");
  if (result != "accepted" && result != "rejected") {
    return Status::Corruption("\"result\" is neither accepted nor rejected");
  }
  status.accepted = result == "accepted";

  status.code = ReadText(object, "code");
  status.type = ReadText(object, "type");
  status.signer = ReadText(object, "signer");
  auto time = object.find("block_time_ms");
  if (time != object.end() && time->is_number_unsigned()) {
    status.block_time_ms = time->get<uint64_t>();
  }
  return status;
}

NodeClient::NodeClient(NodeUrl url, uint32_t timeout_ms)
    : url_(std::move(url)), http_(url_.host, url_.port, timeout_ms) {}

Result<nlohmann::json> NodeClient::Call(const std::string& method, const std::string& target,
                                        const std::string& body, int* http_status) {
  last_node_error_.reset();
  Result<network::HttpClientResponse> response = http_.Request(method, target, body);
  if (!response.ok()) {
    return Status::IoError(
        Text("client.unreachable", {url_.ToString(), response.status().message()}));
  }
  *http_status = response->status;
  nlohmann::json parsed_body = nlohmann::json::parse(response->body, nullptr, false);
  if (parsed_body.is_discarded() || !parsed_body.is_object()) {
    return MalformedAnswer(url_, target,
                           "HTTP " + std::to_string(response->status) + ", body is not JSON");
  }
  if (response->status >= 400) {
    NodeError error{response->status, ReadText(parsed_body, "code"),
                    ReadText(parsed_body, "message")};
    last_node_error_ = error;
    return Status::FailedPrecondition(
        Text("client.node_error",
             {url_.ToString(), std::to_string(error.http_status), error.code, error.message}));
  }
  return parsed_body;
}

Result<TransactionStatus> NodeClient::SubmitAndWait(const contracts::Transaction& transaction,
                                                    uint32_t wait_timeout_ms) {
  std::string target = "/v1/transactions?wait=commit&timeout_ms=" + std::to_string(wait_timeout_ms);
  nlohmann::json body = {
      {"transaction", crypto::Base64Encode(contracts::EncodeTransaction(transaction))}};
  int http_status = 0;
  Result<nlohmann::json> parsed_body = Call("POST", target, body.dump(), &http_status);
  if (!parsed_body.ok()) {
    return parsed_body.status();
  }
  Result<TransactionStatus> status = ParseTransactionStatus(*parsed_body);
  if (!status.ok()) {
    return MalformedAnswer(url_, target, status.status().message());
  }
  return status;
}

Result<nlohmann::json> NodeClient::GetStatus() {
  int http_status = 0;
  return Call("GET", "/v1/status", "", &http_status);
}

Result<nlohmann::json> NodeClient::GetJson(const std::string& target) {
  int http_status = 0;
  return Call("GET", target, "", &http_status);
}

Result<TransactionStatus> NodeClient::GetTransaction(std::string_view id_hex) {
  std::string target = "/v1/transactions/" + std::string(id_hex);
  int http_status = 0;
  Result<nlohmann::json> parsed_body = Call("GET", target, "", &http_status);
  if (!parsed_body.ok()) {
    return parsed_body.status();
  }
  Result<TransactionStatus> status = ParseTransactionStatus(*parsed_body);
  if (!status.ok()) {
    return MalformedAnswer(url_, target, status.status().message());
  }
  return status;
}

Result<std::optional<nlohmann::json>> NodeClient::GetStudy(std::string_view study_key_hex) {
  int http_status = 0;
  Result<nlohmann::json> parsed_body =
      Call("GET", "/v1/studies/" + std::string(study_key_hex), "", &http_status);
  if (!parsed_body.ok()) {
    if (last_node_error_.has_value() && last_node_error_->http_status == 404 &&
        last_node_error_->code == "not_found") {
      return std::optional<nlohmann::json>();
    }
    return parsed_body.status();
  }
  return std::optional<nlohmann::json>(std::move(*parsed_body));
}

std::span<const Message> ClientMessages() {
  static constexpr Message kMessages[] = {
      {"client.url_scheme",
       "node URL {0} is not supported: the node API speaks plain HTTP, so give "
       "http://IP:PORT, for example http://127.0.0.1:7401",
       "不支持节点 URL {0}：节点 API 使用明文 HTTP，请使用 http://IP:PORT，例如 "
       "http://127.0.0.1:7401"},
      {"client.url_form", "node URL {0} is invalid; give http://IP:PORT without a path",
       "节点 URL {0} 无效；请使用不带路径的 http://IP:PORT"},
      {"client.url_host",
       "node URL {0} names a host, not an IP address; give an address, for example "
       "http://127.0.0.1:{1}",
       "节点 URL {0} 给出的是主机名而不是 IP 地址；请给出地址，例如 http://127.0.0.1:{1}"},
      {"client.url_port", "node URL {0} has an invalid port; give a port from 1 to 65535",
       "节点 URL {0} 的端口无效；端口应为 1 到 65535"},
      {"client.unreachable",
       "node {0} is unreachable ({1}); check that imledgerd runs and that --node names its "
       "api_port",
       "无法连接节点 {0}（{1}）；请确认 imledgerd 正在运行，且 --node 指向其 api_port"},
      {"client.node_error", "node {0} rejected the request (HTTP {1}, {2}): {3}",
       "节点 {0} 拒绝了请求（HTTP {1}，{2}）：{3}"},
      {"client.malformed_response",
       "node {0} sent an invalid response to {1}: {2}; check that --node names an imledger node",
       "节点 {0} 对 {1} 的响应无效：{2}；请确认 --node 指向 imledger 节点"},
  };
  return kMessages;
}

}  // namespace imledger::cli

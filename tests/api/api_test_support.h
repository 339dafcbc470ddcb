// Helpers for the API tests: signing test transactions with per-signer nonces, the POST body,
// and JSON requests through network::HttpClient to a 127.0.0.1 ApiServer.

#pragma once

#include <map>
#include <string>
#include <string_view>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "contracts/payload.h"
#include "contracts/transaction.h"
#include "crypto/encoding.h"
#include "network/http_client.h"
#include "tests/contracts/test_identities.h"

namespace imledger::api::testing {

// Signs transactions with a per-signer nonce that starts at 1.
class Signer {
 public:
  template <typename Payload>
  Bytes Sign(std::string_view signer, const Payload& payload,
             std::string_view network_id = contracts::testing::kNetworkId) {
    uint64_t& nonce = nonces_[std::string(signer)];
    nonce += 1;
    return contracts::EncodeTransaction(
        contracts::MakeTransaction(network_id, nonce, contracts::testing::kGenesisTimeMs, payload,
                                   contracts::testing::KeyNamed(signer)));
  }

 private:
  std::map<std::string, uint64_t> nonces_;
};

inline std::string SubmitBody(const Bytes& transaction) {
  return nlohmann::json{{"transaction", crypto::Base64Encode(transaction)}}.dump();
}

inline std::string IdOf(const Bytes& transaction) {
  return crypto::Sha256Of(transaction).ToHex();
}

struct JsonResponse {
  int status = 0;
  std::string content_type;
  std::string body;
  nlohmann::json json;  // Null when the body is not JSON.
};

inline JsonResponse Request(uint16_t port, const std::string& method, const std::string& target,
                            const std::string& body = {}) {
  network::HttpClient client("127.0.0.1", port, 30000);
  Result<network::HttpClientResponse> response = client.Request(method, target, body);
  EXPECT_TRUE(response.ok()) << method << " " << target << ": " << response.status().ToString();
  JsonResponse result;
  if (!response.ok()) {
    return result;
  }
  result.status = response->status;
  result.content_type = response->content_type;
  result.body = response->body;
  result.json = nlohmann::json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (result.json.is_discarded()) {
    result.json = nullptr;
  }
  return result;
}

inline contracts::MemberEnroll Enrollment(std::string_view member, std::string_view organization,
                                          contracts::Role role) {
  return contracts::MemberEnroll{
      contracts::testing::KeyNamed(member).public_key(), std::string(organization), {role}};
}

}  // namespace imledger::api::testing

// ApiServer over one opened node whose replica thread never starts, so nothing commits and
// submitted transactions stay queued: every error code of the contract, the bounded queue,
// pending status and the genesis-only reads. Also the POST body and query parsers alone.

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "api/api_server.h"
#include "api/submit_request.h"
#include "contracts/genesis.h"
#include "node/node.h"
#include "tests/api/api_test_support.h"
#include "tests/contracts/ledger_fixture.h"

namespace imledger::api {
namespace {

using contracts::Role;
using contracts::testing::KeyNamed;
using testing::Enrollment;
using testing::IdOf;
using testing::JsonResponse;
using testing::Request;
using testing::SubmitBody;

class ApiErrorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    node::NodeOptions options;
    options.data_path = folder_.path() / "ledger";
    options.genesis = contracts::testing::TestGenesis();
    options.max_pending_requests = 2;
    Result<std::unique_ptr<node::Node>> node =
        node::Node::Open(std::move(options), KeyNamed("validator-1"));
    ASSERT_TRUE(node.ok()) << node.status().ToString();
    node_ = std::move(*node);
    ApiServerOptions api_options;
    api_options.max_body_bytes = 64 * 1024;
    api_ = std::make_unique<ApiServer>(*node_, api_options);
    ASSERT_TRUE(api_->Start().ok());
  }

  void TearDown() override {
    api_.reset();
    node_.reset();
  }

  JsonResponse Post(const std::string& body, const std::string& query = "") {
    return Request(api_->listen_port(), "POST", "/v1/transactions" + query, body);
  }

  Bytes Enroll(std::string_view member) {
    return signer_.Sign("admin-a", Enrollment(member, "hospital-a", Role::kTechnician));
  }

  contracts::testing::TempDirectory folder_;
  std::unique_ptr<node::Node> node_;
  std::unique_ptr<ApiServer> api_;
  testing::Signer signer_;
};

TEST_F(ApiErrorsTest, SubmissionIsPendingUntilCommitted) {
  Bytes enroll = Enroll("technician-a");
  JsonResponse accepted = Post(SubmitBody(enroll));
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  EXPECT_EQ(accepted.json["id"], IdOf(enroll));
  EXPECT_EQ(accepted.json["status"], "pending");

  JsonResponse found = Request(api_->listen_port(), "GET", "/v1/transactions/" + IdOf(enroll));
  ASSERT_EQ(found.status, 200) << found.body;
  EXPECT_EQ(found.json["status"], "pending");
}

TEST_F(ApiErrorsTest, PendingExpiresAsUnknownTransaction) {
  api_.reset();
  ApiServerOptions api_options;
  api_options.pending_max_age = std::chrono::milliseconds(300);
  api_ = std::make_unique<ApiServer>(*node_, api_options);
  ASSERT_TRUE(api_->Start().ok());

  Bytes enroll = Enroll("technician-a");
  ASSERT_EQ(Post(SubmitBody(enroll)).status, 202);
  JsonResponse pending = Request(api_->listen_port(), "GET", "/v1/transactions/" + IdOf(enroll));
  ASSERT_EQ(pending.status, 200) << pending.body;
  EXPECT_EQ(pending.json["status"], "pending");

  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  JsonResponse expired = Request(api_->listen_port(), "GET", "/v1/transactions/" + IdOf(enroll));
  ASSERT_EQ(expired.status, 404) << expired.body;
  EXPECT_EQ(expired.json["code"], "unknown_transaction");
  EXPECT_EQ(expired.json["message"],
            "transaction " + IdOf(enroll) +
                " was queued at this node but did not commit within 300 ms "
                "(api_pending_max_age_ms), or was among the oldest when more than 100000 were "
                "pending; the node may have dropped it, so submit it again");

  // An id never queued here keeps the plain not_found.
  JsonResponse never = Request(api_->listen_port(), "GET", "/v1/transactions/" + IdOf(Bytes{1}));
  EXPECT_EQ(never.status, 404);
  EXPECT_EQ(never.json["code"], "not_found");
}

TEST_F(ApiErrorsTest, WaitTimeoutAnswersPending) {
  Bytes enroll = Enroll("technician-a");
  JsonResponse waited = Post(SubmitBody(enroll), "?wait=commit&timeout_ms=200");
  ASSERT_EQ(waited.status, 202) << waited.body;
  EXPECT_EQ(waited.json["status"], "pending");
  EXPECT_EQ(waited.json["id"], IdOf(enroll));
}

TEST_F(ApiErrorsTest, FullQueueIsOverloaded) {
  EXPECT_EQ(Post(SubmitBody(Enroll("member-1"))).status, 202);
  EXPECT_EQ(Post(SubmitBody(Enroll("member-2"))).status, 202);
  JsonResponse full = Post(SubmitBody(Enroll("member-3")));
  EXPECT_EQ(full.status, 503);
  EXPECT_EQ(full.json["code"], "overloaded");
}

TEST_F(ApiErrorsTest, WrongNetworkNamesBothIds) {
  Bytes foreign = signer_.Sign(
      "admin-a", Enrollment("technician-a", "hospital-a", Role::kTechnician), "other-network");
  JsonResponse response = Post(SubmitBody(foreign));
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.json["code"], "wrong_network");
  std::string message = response.json["message"];
  EXPECT_NE(message.find("other-network"), std::string::npos) << message;
  EXPECT_NE(message.find("imledger-test"), std::string::npos) << message;
}

TEST_F(ApiErrorsTest, AlteredSignatureIsBadSignature) {
  Bytes enroll = Enroll("technician-a");
  enroll.back() ^= 0x01;  // The envelope ends with the signature.
  JsonResponse response = Post(SubmitBody(enroll));
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.json["code"], "bad_signature");
}

TEST_F(ApiErrorsTest, TruncatedBase64IsInvalidTransaction) {
  std::string text = crypto::Base64Encode(Enroll("technician-a"));
  text.pop_back();
  JsonResponse response = Post(nlohmann::json{{"transaction", text}}.dump());
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.json["code"], "invalid_transaction");
}

TEST_F(ApiErrorsTest, TruncatedEnvelopeIsInvalidTransaction) {
  Bytes enroll = Enroll("technician-a");
  enroll.resize(enroll.size() - 10);
  JsonResponse response = Post(SubmitBody(enroll));
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.json["code"], "invalid_transaction");
  EXPECT_EQ(response.json["message"],
            "truncated input in field \"signature\" at byte 100: 64 bytes needed, 54 remain");
}

TEST_F(ApiErrorsTest, OversizeBodyIsPayloadTooLarge) {
  JsonResponse response = Post(std::string(100 * 1024, 'a'));
  EXPECT_EQ(response.status, 413);
  EXPECT_EQ(response.json["code"], "payload_too_large");
}

TEST_F(ApiErrorsTest, MalformedBodiesAreBadRequest) {
  for (std::string body : {"", "[]", "{\"transaction\": 5}", "{\"tx\": \"AA==\"}",
                           "{\"transaction\": \"AA==\", \"extra\": 1}"}) {
    JsonResponse response = Post(body);
    EXPECT_EQ(response.status, 400) << body;
    EXPECT_EQ(response.json["code"], "bad_request") << body;
  }
}

TEST_F(ApiErrorsTest, BadWaitQueryIsBadRequest) {
  for (std::string query : {"?wait=forever", "?wait=commit&timeout_ms=0",
                            "?wait=commit&timeout_ms=60001", "?timeout_ms=10"}) {
    JsonResponse response = Post(SubmitBody(Enroll("technician-a")), query);
    EXPECT_EQ(response.status, 400) << query;
    EXPECT_EQ(response.json["code"], "bad_request") << query;
  }
}

TEST_F(ApiErrorsTest, UnknownIdsAreNotFound) {
  std::string unknown = crypto::Sha256Of("unknown").ToHex();
  for (std::string target : {"/v1/transactions/" + unknown, "/v1/proofs/inclusion/" + unknown,
                             "/v1/studies/" + unknown, std::string("/v1/checkpoints/latest")}) {
    JsonResponse response = Request(api_->listen_port(), "GET", target);
    EXPECT_EQ(response.status, 404) << target;
    EXPECT_EQ(response.json["code"], "not_found") << target;
  }
}

TEST_F(ApiErrorsTest, MalformedIdsAreBadRequest) {
  std::string upper = crypto::Sha256Of("x").ToHex();
  upper[0] = 'A';
  for (std::string target :
       {std::string("/v1/transactions/abc"), "/v1/transactions/" + upper,
        std::string("/v1/proofs/inclusion/zz"), std::string("/v1/studies/1234")}) {
    JsonResponse response = Request(api_->listen_port(), "GET", target);
    EXPECT_EQ(response.status, 400) << target;
    EXPECT_EQ(response.json["code"], "bad_request") << target;
  }
}

TEST_F(ApiErrorsTest, EmptyLogHasNoConsistencyProof) {
  JsonResponse response = Request(api_->listen_port(), "GET", "/v1/proofs/consistency?from=1&to=1");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.json["code"], "bad_request");
}

TEST_F(ApiErrorsTest, GenesisStatusHasEmptyLog) {
  JsonResponse status = Request(api_->listen_port(), "GET", "/v1/status");
  ASSERT_EQ(status.status, 200) << status.body;
  EXPECT_EQ(status.json["height"], 0);
  EXPECT_EQ(status.json["tree_size"], 0);
  EXPECT_EQ(status.json["root"], crypto::Sha256Of("").ToHex());
  EXPECT_EQ(status.json["validator_index"], 1);
  EXPECT_EQ(status.json["node_public_key"], KeyNamed("validator-1").public_key().ToHex());
  EXPECT_EQ(status.json["genesis_hash"],
            contracts::GenesisHash(contracts::testing::TestGenesis()).ToHex());
  EXPECT_EQ(status.json["block_time_ms"], contracts::testing::kGenesisTimeMs);
}

TEST_F(ApiErrorsTest, MetricsCountResponsesByStatus) {
  Request(api_->listen_port(), "GET", "/v1/transactions/abc");
  JsonResponse metrics = Request(api_->listen_port(), "GET", "/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("imledger_api_requests_total{code=\"400\"} 1\n"), std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("imledger_rejected_messages_total{reason=\"replica_malformed\"} 0\n"),
            std::string::npos);
  EXPECT_NE(metrics.body.find("imledger_commit_latency_seconds_bucket{le=\"+Inf\"} 0\n"),
            std::string::npos);
}

TEST(SubmitRequestTest, ParsesBodyAndWaitQuery) {
  Parsed<Bytes> body = ParseSubmitBody(R"({"transaction": "AAEC"})");
  ASSERT_TRUE(body.ok()) << body.error.message;
  EXPECT_EQ(*body.value, (Bytes{0, 1, 2}));

  network::HttpRequest request;
  request.query = "wait=commit&timeout_ms=2500";
  Parsed<std::optional<uint32_t>> wait = ParseWaitQuery(request);
  ASSERT_TRUE(wait.ok()) << wait.error.message;
  EXPECT_EQ(*wait.value, std::optional<uint32_t>(2500));

  request.query = "wait=commit";
  EXPECT_EQ(*ParseWaitQuery(request).value, std::optional<uint32_t>(kDefaultWaitMs));
  request.query = "";
  EXPECT_EQ(*ParseWaitQuery(request).value, std::nullopt);
}

TEST(SubmitRequestTest, DecimalRejectsSignsAndLeadingZeros) {
  EXPECT_EQ(ParseDecimal("0"), std::optional<uint64_t>(0));
  EXPECT_EQ(ParseDecimal("18446744073709551615"), std::optional<uint64_t>(UINT64_MAX));
  EXPECT_EQ(ParseDecimal("18446744073709551616"), std::nullopt);
  EXPECT_EQ(ParseDecimal("01"), std::nullopt);
  EXPECT_EQ(ParseDecimal("+1"), std::nullopt);
  EXPECT_EQ(ParseDecimal("-1"), std::nullopt);
  EXPECT_EQ(ParseDecimal(""), std::nullopt);
}

}  // namespace
}  // namespace imledger::api

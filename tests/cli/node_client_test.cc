// The node client and the commands that submit transactions, against a real HTTP server on
// 127.0.0.1. The server is a test double of the node API, because the real API is written in
// parallel. Its routes respond as the API contract specifies, from a list of received
// transactions, and the tests check what the client sends and how it maps each response.

#include "cli/node_client.h"

#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/messages.h"
#include "cli/transaction_builder.h"
#include "cli/usage_error.h"
#include "contracts/payload.h"
#include "contracts/pseudonym.h"
#include "crypto/encoding.h"
#include "crypto/key_file.h"
#include "network/http_router.h"
#include "network/http_server.h"
#include "tests/cli/command_run.h"
#include "tests/support/test_data.h"

namespace imledger::cli {
namespace {

constexpr char kNetworkId[] = "double-net";
constexpr char kStudyUid[] = "1.3.6.1.4.1.5962.1.2.4.20040826185059.5457";

// How the double responds to a submitted transaction.
enum class SubmitMode { kAccept, kReject, kPending };

class ApiDouble {
 public:
  ApiDouble() {
    network::HttpRouter router;
    router.Add("GET", "/v1/status", [](const network::HttpRequest&) {
      return network::HttpResponse::Json(200, nlohmann::json{{"network_id", kNetworkId},
                                                             {"height", 3},
                                                             {"view", 0},
                                                             {"block_time_ms", 1796378400250}}
                                                  .dump());
    });
    router.Add("POST", "/v1/transactions",
               [this](const network::HttpRequest& request) { return Submit(request); });
    router.Add("GET", "/v1/transactions/{id}",
               [this](const network::HttpRequest& request) { return Show(request); });
    router.Add("GET", "/v1/studies/{key}",
               [this](const network::HttpRequest& request) { return Study(request); });
    server_ = std::make_unique<network::HttpServer>(network::HttpServerConfig{}, router);
    Check(server_->Start().ok(), "the API double did not start");
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->listen_port()); }

  void set_mode(SubmitMode mode) {
    std::lock_guard<std::mutex> lock(mutex_);
    mode_ = mode;
  }

  // Makes GET /v1/studies/{key} list these anchors.
  void set_anchors(const crypto::Digest& study_key, nlohmann::json anchors) {
    std::lock_guard<std::mutex> lock(mutex_);
    study_key_ = study_key.ToHex();
    anchors_ = std::move(anchors);
  }

  std::vector<contracts::Transaction> received() {
    std::lock_guard<std::mutex> lock(mutex_);
    return received_;
  }

  std::vector<std::string> targets() {
    std::lock_guard<std::mutex> lock(mutex_);
    return targets_;
  }

 private:
  static nlohmann::json Committed(const std::string& id, uint64_t index, bool accepted) {
    return {{"id", id},
            {"status", "committed"},
            {"height", 4},
            {"index", index},
            {"log_index", 10 + index},
            {"result", accepted ? "accepted" : "rejected"},
            {"code", accepted ? "ok" : "missing_role"}};
  }

  network::HttpResponse Submit(const network::HttpRequest& request) {
    nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
    if (!body.is_object() || !body.contains("transaction") || !body["transaction"].is_string()) {
      return network::HttpResponse::Error(400, "bad_request", "body needs \"transaction\"");
    }
    Result<Bytes> bytes = crypto::Base64Decode(body["transaction"].get<std::string>());
    if (!bytes.ok()) {
      return network::HttpResponse::Error(400, "invalid_transaction", "not base64");
    }
    Result<contracts::Transaction> transaction = contracts::DecodeTransaction(*bytes);
    if (!transaction.ok()) {
      return network::HttpResponse::Error(400, "invalid_transaction",
                                          transaction.status().message());
    }
    if (transaction->network_id != kNetworkId) {
      return network::HttpResponse::Error(
          400, "wrong_network",
          "network_id " + transaction->network_id + " is not this node's " + kNetworkId);
    }
    if (!contracts::VerifyTransactionSignature(*transaction)) {
      return network::HttpResponse::Error(400, "bad_signature", "signature does not verify");
    }
    std::lock_guard<std::mutex> lock(mutex_);
    received_.push_back(*transaction);
    targets_.push_back(request.target);
    std::string id = contracts::TransactionIdOf(*bytes).ToHex();
    if (mode_ == SubmitMode::kPending) {
      return network::HttpResponse::Json(202,
                                         nlohmann::json{{"id", id}, {"status", "pending"}}.dump());
    }
    return network::HttpResponse::Json(
        200, Committed(id, received_.size() - 1, mode_ == SubmitMode::kAccept).dump());
  }

  network::HttpResponse Show(const network::HttpRequest& request) {
    const std::string& id = request.path_params.at("id");
    if (id.size() != 64) {
      return network::HttpResponse::Error(400, "bad_request", "id must be 64 hex digits");
    }
    std::lock_guard<std::mutex> lock(mutex_);
    for (size_t i = 0; i < received_.size(); ++i) {
      if (contracts::TransactionId(received_[i]).ToHex() == id) {
        nlohmann::json out = Committed(id, i, true);
        out["type"] = contracts::TransactionTypeName(received_[i].type);
        out["signer"] = received_[i].signer.ToHex();
        out["block_time_ms"] = 1796378400000;
        return network::HttpResponse::Json(200, out.dump());
      }
    }
    return network::HttpResponse::Error(404, "not_found", "no transaction " + id);
  }

  network::HttpResponse Study(const network::HttpRequest& request) {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::string& key = request.path_params.at("key");
    if (key != study_key_) {
      return network::HttpResponse::Error(404, "not_found", "study " + key + " is not anchored");
    }
    return network::HttpResponse::Json(
        200, nlohmann::json{{"study_key", key}, {"anchors", anchors_}}.dump());
  }

  std::mutex mutex_;
  SubmitMode mode_ = SubmitMode::kAccept;
  std::vector<contracts::Transaction> received_;
  std::vector<std::string> targets_;
  std::string study_key_;
  nlohmann::json anchors_ = nlohmann::json::array();
  std::unique_ptr<network::HttpServer> server_;
};

crypto::SecretKey KeyFromByte(uint8_t byte) {
  Bytes seed(crypto::SecretKey::kSeedSize, byte);
  return std::move(crypto::SecretKey::FromSeed(seed).value());
}

// A key file for `key` in `folder`.
std::string WriteKey(const testing::TemporaryFolder& folder, const std::string& name,
                     const crypto::SecretKey& key) {
  std::string path = folder.File(name);
  Check(crypto::WriteKeyFile(path, key).ok(), "cannot write a test key file");
  return path;
}

std::string WriteSecret(const testing::TemporaryFolder& folder) {
  std::string path = folder.File("pseudonym.secret");
  std::ofstream(path, std::ios::binary) << std::string(32, 's');
  std::filesystem::permissions(
      path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  return path;
}

std::string Sample() {
  return std::string(IMLEDGER_TEST_DATA) + "/dicom/basic/MR_small.dcm";
}

std::string Binary() {
  return std::string(IMLEDGER_BINARY_DIR) + "/cli/imledger";
}

TEST(NodeUrlTest, ParsesHostAndPort) {
  Result<NodeUrl> url = ParseNodeUrl("http://127.0.0.1:7401");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, 7401);
  EXPECT_EQ(url->ToString(), "http://127.0.0.1:7401");
  EXPECT_TRUE(ParseNodeUrl("http://127.0.0.1:7401/").ok());
}

TEST(NodeUrlTest, RejectsHostName) {
  SetLanguage(Language::kEnglish);
  Result<NodeUrl> url = ParseNodeUrl("http://localhost:7401");
  EXPECT_EQ(url.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(url.status().message(),
            "node URL http://localhost:7401 names a host, not an IP address; give an address, "
            "for example http://127.0.0.1:7401");
}

TEST(NodeUrlTest, RejectsOtherSchemesAndForms) {
  SetLanguage(Language::kEnglish);
  EXPECT_EQ(ParseNodeUrl("https://127.0.0.1:7401").status().message(),
            "node URL https://127.0.0.1:7401 is not supported: the node API speaks plain HTTP, "
            "so give http://IP:PORT, for example http://127.0.0.1:7401");
  EXPECT_EQ(ParseNodeUrl("127.0.0.1:7401").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseNodeUrl("http://127.0.0.1").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseNodeUrl("http://127.0.0.1:7401/v1").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseNodeUrl("http://127.0.0.1:70000").status().message(),
            "node URL http://127.0.0.1:70000 has an invalid port; give a port from 1 to 65535");
}

TEST(NodeClientTest, SubmitWaitsForCommit) {
  ApiDouble api;
  NodeClient client(ParseNodeUrl(api.url()).value());
  contracts::Transaction transaction =
      BuildTransaction(kNetworkId, contracts::ConsentRevoke{crypto::Digest{}}, KeyFromByte(1));
  Result<TransactionStatus> status = client.SubmitAndWait(transaction, 3000);
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_EQ(status->id, contracts::TransactionId(transaction).ToHex());
  EXPECT_TRUE(status->committed);
  EXPECT_TRUE(status->accepted);
  EXPECT_EQ(status->height, 4u);
  EXPECT_EQ(status->index, 0u);
  EXPECT_EQ(status->log_index, 10u);
  EXPECT_EQ(status->code, "ok");
  ASSERT_EQ(api.received().size(), 1u);
  EXPECT_EQ(api.received()[0], transaction);
  EXPECT_EQ(api.targets()[0], "/v1/transactions?wait=commit&timeout_ms=3000");
}

TEST(NodeClientTest, TimedOutWaitIsPending) {
  ApiDouble api;
  api.set_mode(SubmitMode::kPending);
  NodeClient client(ParseNodeUrl(api.url()).value());
  contracts::Transaction transaction =
      BuildTransaction(kNetworkId, contracts::ConsentRevoke{crypto::Digest{}}, KeyFromByte(1));
  Result<TransactionStatus> status = client.SubmitAndWait(transaction, 1000);
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_FALSE(status->committed);
  EXPECT_EQ(status->id, contracts::TransactionId(transaction).ToHex());
}

TEST(NodeClientTest, ErrorAnswerKeepsTheNodeCode) {
  SetLanguage(Language::kEnglish);
  ApiDouble api;
  NodeClient client(ParseNodeUrl(api.url()).value());
  contracts::Transaction transaction =
      BuildTransaction("other-net", contracts::ConsentRevoke{crypto::Digest{}}, KeyFromByte(1));
  Result<TransactionStatus> status = client.SubmitAndWait(transaction, 1000);
  EXPECT_EQ(status.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.status().message(),
            "node " + api.url() +
                " rejected the request (HTTP 400, wrong_network): network_id other-net is not "
                "this node's double-net");
  ASSERT_TRUE(client.last_node_error().has_value());
  EXPECT_EQ(client.last_node_error()->http_status, 400);
  EXPECT_EQ(client.last_node_error()->code, "wrong_network");
  EXPECT_TRUE(api.received().empty());
}

TEST(NodeClientTest, StoppedNodeIsUnreachable) {
  SetLanguage(Language::kEnglish);
  std::string url;
  {
    ApiDouble api;
    url = api.url();
  }
  NodeClient client(ParseNodeUrl(url).value(), 2000);
  Result<nlohmann::json> status = client.GetStatus();
  EXPECT_EQ(status.status().code(), StatusCode::kIoError);
  EXPECT_TRUE(status.status().message().starts_with("node " + url + " is unreachable ("))
      << status.status().message();
  EXPECT_TRUE(status.status().message().ends_with(
      "); check that imledgerd runs and that --node names its api_port"));
  EXPECT_FALSE(client.last_node_error().has_value());
}

TEST(NodeClientTest, GetTransactionAndStudy) {
  ApiDouble api;
  NodeClient client(ParseNodeUrl(api.url()).value());
  crypto::SecretKey key = KeyFromByte(2);
  contracts::Transaction transaction =
      BuildTransaction(kNetworkId, contracts::ConsentRevoke{crypto::Digest{}}, key);
  ASSERT_TRUE(client.SubmitAndWait(transaction, 1000).ok());

  Result<TransactionStatus> shown =
      client.GetTransaction(contracts::TransactionId(transaction).ToHex());
  ASSERT_TRUE(shown.ok()) << shown.status().ToString();
  EXPECT_EQ(shown->type, "consent.revoke");
  EXPECT_EQ(shown->signer, key.public_key().ToHex());
  EXPECT_EQ(shown->block_time_ms, 1796378400000u);

  Result<TransactionStatus> missing = client.GetTransaction(std::string(64, '0'));
  EXPECT_EQ(missing.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(client.last_node_error()->code, "not_found");
  EXPECT_EQ(client.last_node_error()->http_status, 404);

  Result<std::optional<nlohmann::json>> study = client.GetStudy(std::string(64, '1'));
  ASSERT_TRUE(study.ok());
  EXPECT_FALSE(study->has_value());
}

TEST(LedgerCommandTest, MemberEnrollPrintsCommittedJson) {
  ApiDouble api;
  testing::TemporaryFolder folder;
  crypto::SecretKey admin = KeyFromByte(1);
  crypto::SecretKey member = KeyFromByte(2);
  CommandRun run = RunLedgerCommand({"member", "enroll", "--node", api.url(), "--key",
                                     WriteKey(folder, "admin.key", admin), "--member-key",
                                     member.public_key().ToHex(), "--org", "hospital-a", "--roles",
                                     "technician,radiologist", "--json"});
  ASSERT_EQ(run.exit_code, kExitOk) << run.err;

  ASSERT_EQ(api.received().size(), 1u);
  contracts::Transaction sent = api.received().at(0);
  EXPECT_EQ(sent.network_id, kNetworkId);
  EXPECT_EQ(sent.type, contracts::TransactionType::kMemberEnroll);
  EXPECT_EQ(sent.signer, admin.public_key());
  Result<contracts::MemberEnroll> payload =
      contracts::DecodePayload<contracts::MemberEnroll>(sent.payload);
  ASSERT_TRUE(payload.ok());
  EXPECT_EQ(payload->member, member.public_key());

  nlohmann::json out = nlohmann::json::parse(run.out);
  EXPECT_EQ(out["id"], contracts::TransactionId(sent).ToHex());
  EXPECT_EQ(out["status"], "committed");
  EXPECT_EQ(out["result"], "accepted");
  EXPECT_EQ(out["height"], 4);
  EXPECT_EQ(out["roles"], "technician,radiologist");
}

TEST(LedgerCommandTest, RejectedTransactionExitsWithRejectedCodeInChinese) {
  SetLanguage(Language::kChinese);
  ApiDouble api;
  api.set_mode(SubmitMode::kReject);
  testing::TemporaryFolder folder;
  CommandRun run = RunLedgerCommand({"member", "revoke", "--node", api.url(), "--key",
                                     WriteKey(folder, "admin.key", KeyFromByte(1)), "--member-key",
                                     KeyFromByte(2).public_key().ToHex(), "--org", "hospital-a"});
  SetLanguage(Language::kEnglish);
  EXPECT_EQ(run.exit_code, kExitRejected);
  std::string id = contracts::TransactionId(api.received().at(0)).ToHex();
  EXPECT_EQ(run.out,
            "交易 " + id +
                " 已在高度 4 提交，但被规则拒绝：missing_role（代码见 docs/contracts.md）\n"
                "  成员: " +
                KeyFromByte(2).public_key().ToHex() + "\n  机构: hospital-a\n");
}

TEST(LedgerCommandTest, PendingAndUnreachableExitCodes) {
  testing::TemporaryFolder folder;
  std::string key = WriteKey(folder, "patient.key", KeyFromByte(3));
  std::vector<std::string> revoke = {
      "consent",      "revoke", "--key", key, "--grant", std::string(64, 'c'),
      "--timeout-ms", "500",    "--node"};
  std::string stopped_url;
  {
    ApiDouble api;
    api.set_mode(SubmitMode::kPending);
    stopped_url = api.url();
    std::vector<std::string> arguments = revoke;
    arguments.push_back(api.url());
    CommandRun run = RunLedgerCommand(arguments);
    EXPECT_EQ(run.exit_code, kExitPending) << run.err;
    EXPECT_EQ(api.targets().at(0), "/v1/transactions?wait=commit&timeout_ms=500");
  }
  revoke.push_back(stopped_url);
  CommandRun run = RunLedgerCommand(revoke);
  EXPECT_EQ(run.exit_code, kExitNodeUnreachable);
}

TEST(LedgerCommandTest, PatientEnrollNeverPrintsThePatientId) {
  ApiDouble api;
  testing::TemporaryFolder folder;
  std::string secret = WriteSecret(folder);
  CommandRun run =
      RunLedgerCommand({"patient", "enroll", "--node", api.url(), "--key",
                        WriteKey(folder, "registrar.key", KeyFromByte(4)), "--secret-file", secret,
                        "--issuer", "MRN-A", "--patient-id", "PATIENT-98765", "--patient-key",
                        KeyFromByte(5).public_key().ToHex(), "--json"});
  ASSERT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_EQ(run.out.find("PATIENT-98765"), std::string::npos);
  EXPECT_EQ(run.err.find("PATIENT-98765"), std::string::npos);
  Result<contracts::PatientEnroll> payload =
      contracts::DecodePayload<contracts::PatientEnroll>(api.received().at(0).payload);
  ASSERT_TRUE(payload.ok());
  Result<crypto::Digest> expected =
      contracts::MakePseudonym(ToBytes(std::string(32, 's')), "MRN-A", "PATIENT-98765");
  EXPECT_EQ(payload->pseudonym, *expected);
  EXPECT_EQ(nlohmann::json::parse(run.out)["pseudonym"], expected->ToHex());
}

TEST(LedgerCommandTest, StudyAnchorChainsToTheLatestVersion) {
  ApiDouble api;
  testing::TemporaryFolder folder;
  crypto::Digest study_key = crypto::Sha256Of(std::string_view(kStudyUid));
  std::string version_1 = std::string(64, '1');
  std::string version_2 = std::string(64, '2');
  api.set_anchors(study_key,
                  nlohmann::json::array({{{"version", 1}, {"transaction_id", version_1}},
                                         {{"version", 2}, {"transaction_id", version_2}}}));
  CommandRun run =
      RunLedgerCommand({"study", "anchor", Sample(), "--node", api.url(), "--key",
                        WriteKey(folder, "technician.key", KeyFromByte(6)), "--patient-id", "P-1",
                        "--issuer", "MRN-A", "--secret-file", WriteSecret(folder), "--json"});
  ASSERT_EQ(run.exit_code, kExitOk) << run.err;

  Result<contracts::StudyAnchor> payload =
      contracts::DecodePayload<contracts::StudyAnchor>(api.received().at(0).payload);
  ASSERT_TRUE(payload.ok());
  EXPECT_EQ(payload->study_key, study_key);
  ASSERT_TRUE(payload->previous_anchor.has_value());
  EXPECT_EQ(payload->previous_anchor->ToHex(), version_2);
  nlohmann::json out = nlohmann::json::parse(run.out);
  EXPECT_EQ(out["study_key"], study_key.ToHex());
  EXPECT_EQ(out["study_root"], "0e174d41bb110555dfc5db1d008a831f88fbb3d02800d08264ec9af894a6ca33");
  EXPECT_EQ(out["instance_count"], 1);
  EXPECT_EQ(out["total_bytes"], 9830);
  EXPECT_EQ(out["previous_anchor"], version_2);
  EXPECT_EQ(out["height"], 4);
}

TEST(LedgerCommandTest, FirstStudyAnchorPrintsInChinese) {
  SetLanguage(Language::kChinese);
  ApiDouble api;
  testing::TemporaryFolder folder;
  CommandRun run =
      RunLedgerCommand({"study", "anchor", Sample(), "--node", api.url(), "--key",
                        WriteKey(folder, "technician.key", KeyFromByte(6)), "--patient-id", "P-1",
                        "--issuer", "MRN-A", "--secret-file", WriteSecret(folder)});
  SetLanguage(Language::kEnglish);
  ASSERT_EQ(run.exit_code, kExitOk) << run.err;
  Result<contracts::StudyAnchor> payload =
      contracts::DecodePayload<contracts::StudyAnchor>(api.received().at(0).payload);
  ASSERT_TRUE(payload.ok());
  EXPECT_FALSE(payload->previous_anchor.has_value());
  std::string id = contracts::TransactionId(api.received()[0]).ToHex();
  EXPECT_TRUE(run.out.starts_with("交易 " + id + " 已在高度 4 被接受，位置 0\n")) << run.out;
  EXPECT_NE(run.out.find(
                "  study 根: 0e174d41bb110555dfc5db1d008a831f88fbb3d02800d08264ec9af894a6ca33\n"),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("  实例数: 1\n"), std::string::npos) << run.out;
}

TEST(LedgerCommandTest, ReportSignAndEmergencyAccess) {
  ApiDouble api;
  testing::TemporaryFolder folder;
  std::ofstream(folder.File("report.txt")) << "Findings: none.\n";
  CommandRun report = RunLedgerCommand(
      {"report", "sign", folder.File("report.txt"), "--study", kStudyUid, "--media-type",
       "text/plain", "--node", api.url(), "--key", WriteKey(folder, "rad.key", KeyFromByte(7))});
  EXPECT_EQ(report.exit_code, kExitOk) << report.err;
  CommandRun emergency = RunLedgerCommand(
      {"access", "emergency", "--study", kStudyUid, "--reason", "unconscious in trauma bay",
       "--node", api.url(), "--key", WriteKey(folder, "clinician.key", KeyFromByte(8))});
  EXPECT_EQ(emergency.exit_code, kExitOk) << emergency.err;

  ASSERT_EQ(api.received().size(), 2u);
  EXPECT_EQ(api.received()[0].type, contracts::TransactionType::kReportSign);
  EXPECT_EQ(api.received()[1].type, contracts::TransactionType::kAccessEmergency);
  Result<contracts::ReportSign> payload =
      contracts::DecodePayload<contracts::ReportSign>(api.received()[0].payload);
  ASSERT_TRUE(payload.ok());
  EXPECT_EQ(payload->report_digest, crypto::Sha256Of(std::string_view("Findings: none.\n")));
}

TEST(LedgerCommandTest, ConsentGrantPrintsInChinese) {
  SetLanguage(Language::kChinese);
  ApiDouble api;
  testing::TemporaryFolder folder;
  CommandRun run = RunLedgerCommand(
      {"consent", "grant", "--node", api.url(), "--key",
       WriteKey(folder, "patient.key", KeyFromByte(9)), "--grantee-org", "hospital-b", "--purposes",
       "treatment,research", "--from", "2026-12-04T10:00:00Z", "--until", "2027-12-04T10:00:00Z"});
  SetLanguage(Language::kEnglish);
  ASSERT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_NE(run.out.find("  被授权方: hospital-b\n"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("  用途: treatment,research\n"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("  生效时间: 2026-12-04T10:00:00Z\n"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("  失效时间: 2027-12-04T10:00:00Z\n"), std::string::npos) << run.out;
}

TEST(LedgerCommandTest, ConsentGrantPrintsUtcTimes) {
  ApiDouble api;
  testing::TemporaryFolder folder;
  std::vector<std::string> arguments = {
      "consent",       "grant",      "--node",
      api.url(),       "--key",      WriteKey(folder, "patient.key", KeyFromByte(9)),
      "--grantee-org", "hospital-b", "--purposes",
      "treatment",     "--from",     "2026-12-04T10:00:00.500Z"};
  CommandRun text = RunLedgerCommand(arguments);
  ASSERT_EQ(text.exit_code, kExitOk) << text.err;
  EXPECT_NE(text.out.find("  valid from: 2026-12-04T10:00:00.500Z\n"), std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("  valid until: no end\n"), std::string::npos) << text.out;

  SetLanguage(Language::kChinese);
  CommandRun chinese = RunLedgerCommand(arguments);
  SetLanguage(Language::kEnglish);
  EXPECT_NE(chinese.out.find("  失效时间: 无截止时间\n"), std::string::npos) << chinese.out;

  arguments.push_back("--json");
  CommandRun json = RunLedgerCommand(arguments);
  ASSERT_EQ(json.exit_code, kExitOk) << json.err;
  nlohmann::json out = nlohmann::json::parse(json.out);
  EXPECT_EQ(out["valid_from_ms"], 1796378400500u);
  EXPECT_EQ(out["valid_until_ms"], UINT64_MAX);
}

TEST(LedgerCommandTest, InvalidOptionNamesValueInChinese) {
  SetLanguage(Language::kChinese);
  testing::TemporaryFolder folder;
  CommandRun run = RunLedgerCommand({"consent", "grant", "--node", "https://127.0.0.1:1", "--key",
                                     WriteKey(folder, "patient.key", KeyFromByte(9)),
                                     "--grantee-org", "hospital-b", "--purposes", "treatment"});
  SetLanguage(Language::kEnglish);
  EXPECT_EQ(run.exit_code, kExitInvalidInput);
  EXPECT_EQ(run.err,
            "错误：不支持节点 URL https://127.0.0.1:1：节点 API 使用明文 HTTP，请使用 "
            "http://IP:PORT，例如 http://127.0.0.1:7401\n");
}

TEST(NodeCommandsTest, TxShowPrintsTheCommittedTransaction) {
  ApiDouble api;
  crypto::SecretKey key = KeyFromByte(10);
  contracts::Transaction transaction =
      BuildTransaction(kNetworkId, contracts::ConsentRevoke{crypto::Digest{}}, key);
  NodeClient client(ParseNodeUrl(api.url()).value());
  ASSERT_TRUE(client.SubmitAndWait(transaction, 1000).ok());
  std::string id = contracts::TransactionId(transaction).ToHex();

  CommandRun json = RunLedgerCommand({"tx", "show", id, "--node", api.url(), "--json"});
  ASSERT_EQ(json.exit_code, kExitOk) << json.err;
  nlohmann::json out = nlohmann::json::parse(json.out);
  EXPECT_EQ(out["type"], "consent.revoke");
  EXPECT_EQ(out["signer"], key.public_key().ToHex());
  EXPECT_EQ(out["block_time_ms"], 1796378400000u);

  CommandRun english = RunLedgerCommand({"tx", "show", id, "--node", api.url()});
  EXPECT_NE(english.out.find("  block time: 2026-12-04T10:00:00Z\n"), std::string::npos)
      << english.out;

  CommandRun missing_json =
      RunLedgerCommand({"tx", "show", std::string(64, '0'), "--node", api.url(), "--json"});
  EXPECT_EQ(missing_json.exit_code, kExitRejected);
  nlohmann::json error = nlohmann::json::parse(missing_json.out)["error"];
  EXPECT_EQ(error["exit_code"], kExitRejected);
  EXPECT_EQ(error["node_code"], "not_found");
  EXPECT_EQ(error["http_status"], 404);

  SetLanguage(Language::kChinese);
  CommandRun text = RunLedgerCommand({"tx", "show", id, "--node", api.url()});
  CommandRun missing = RunLedgerCommand({"tx", "show", std::string(64, '0'), "--node", api.url()});
  SetLanguage(Language::kEnglish);
  EXPECT_TRUE(text.out.starts_with("交易 " + id + " 已在高度 4 提交，位置 0\n")) << text.out;
  EXPECT_NE(text.out.find("  类型: consent.revoke\n"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("  区块时间: 2026-12-04T10:00:00Z\n"), std::string::npos) << text.out;
  EXPECT_EQ(missing.exit_code, kExitRejected);
  EXPECT_EQ(missing.err, "错误：节点 " + api.url() +
                             " 拒绝了请求（HTTP 404，not_found）：no transaction " +
                             std::string(64, '0') + "\n");
}

TEST(NodeCommandsTest, NodeStatusPrintsInChineseFromTheBinary) {
  ApiDouble api;
  testing::CommandResult result =
      testing::RunCommand("LC_ALL=zh_CN.UTF-8 " + Binary() + " node status --node " + api.url());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(result.output, "节点 " + api.url() +
                               " 的状态：\n  block_time_ms: 2026-12-04T10:00:00.250Z\n  height: "
                               "3\n  network_id: double-net\n  view: 0\n");

  testing::CommandResult json =
      testing::RunCommand(Binary() + " node status --json --node " + api.url());
  ASSERT_EQ(json.exit_code, 0) << json.output;
  EXPECT_EQ(nlohmann::json::parse(json.output)["network_id"], kNetworkId);
  EXPECT_EQ(nlohmann::json::parse(json.output)["block_time_ms"], 1796378400250u);
}

TEST(UsageErrorTest, JsonFlagPrintsJsonErrorFromTheBinary) {
  // "tx show" without its ID and --node: CLI11 rejects the command line before any handler.
  testing::CommandResult out =
      testing::RunCommand("{ " + Binary() + " tx show --json 2>/dev/null; }");
  EXPECT_EQ(out.exit_code, kExitInvalidInput);
  nlohmann::json error = nlohmann::json::parse(out.output, nullptr, false);
  ASSERT_TRUE(error.is_object()) << out.output;
  EXPECT_EQ(error, nlohmann::json::parse(R"({"error": {"exit_code": 2, "code": "usage", "message":
                "id is required; run the command with --help to see its options"}})"));

  testing::CommandResult err =
      testing::RunCommand("{ " + Binary() + " tx show --json >/dev/null; }");
  EXPECT_EQ(err.exit_code, kExitInvalidInput);
  EXPECT_EQ(err.output, "error: id is required; run the command with --help to see its options\n");
}

TEST(UsageErrorTest, JsonFlagPrintsJsonErrorInChinese) {
  testing::CommandResult out = testing::RunCommand("{ LC_ALL=zh_CN.UTF-8 " + Binary() +
                                                   " node status --json 2>/dev/null; }");
  EXPECT_EQ(out.exit_code, kExitInvalidInput);
  nlohmann::json error = nlohmann::json::parse(out.output, nullptr, false);
  ASSERT_TRUE(error.is_object()) << out.output;
  EXPECT_EQ(error["error"]["code"], "usage");
  EXPECT_EQ(error["error"]["exit_code"], kExitInvalidInput);
  // CLI11 writes its own part in English.
  EXPECT_EQ(error["error"]["message"], "--node is required；请加 --help 运行该命令以查看其选项");
}

TEST(UsageErrorTest, WithoutJsonFlagOnlyStandardErrorIsWritten) {
  testing::CommandResult out = testing::RunCommand("{ " + Binary() + " tx show 2>/dev/null; }");
  EXPECT_EQ(out.exit_code, kExitInvalidInput);
  EXPECT_EQ(out.output, "");
}

TEST(UsageErrorTest, JsonAfterDoubleDashIsAnArgument) {
  const char* argv[] = {"imledger", "tx", "show", "--", "--json"};
  EXPECT_FALSE(JsonRequested(5, argv));
  const char* json_argv[] = {"imledger", "node", "status", "--json"};
  EXPECT_TRUE(JsonRequested(4, json_argv));
  const char* prefix_argv[] = {"imledger", "node", "status", "--jsonx"};
  EXPECT_FALSE(JsonRequested(4, prefix_argv));
}

}  // namespace
}  // namespace imledger::cli

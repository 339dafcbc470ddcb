// Four in-process nodes, each with an ApiServer on 127.0.0.1, driven only through HTTP:
// submissions that wait for their commit, the same responses on every node, proofs checked
// against the certified tree head, study anchors, retries and /metrics.

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "api/api_server.h"
#include "crypto/merkle.h"
#include "ledger/block.h"
#include "ledger/checkpoint.h"
#include "node/node.h"
#include "tests/api/api_test_support.h"
#include "tests/contracts/ledger_fixture.h"

namespace imledger::api {
namespace {

using contracts::Role;
using contracts::testing::DigestNamed;
using contracts::testing::KeyNamed;
using contracts::testing::TempDirectory;
using nlohmann::json;
using testing::Enrollment;
using testing::IdOf;
using testing::JsonResponse;
using testing::Request;
using testing::SubmitBody;

constexpr size_t kNodeCount = 4;

std::string ValidatorName(size_t index) {
  return "validator-" + std::to_string(index);
}

crypto::Digest DigestFromHex(const std::string& hex) {
  Bytes bytes = crypto::HexDecode(hex).value();
  crypto::Digest digest;
  std::copy(bytes.begin(), bytes.end(), digest.bytes.begin());
  return digest;
}

class ApiClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    genesis_ = contracts::testing::TestGenesis();
    genesis_.consensus = {64, 5, 4, 2000};
    for (size_t i = 0; i < kNodeCount; ++i) {
      folders_.push_back(std::make_unique<TempDirectory>());
      node::NodeOptions options;
      options.data_path = folders_[i]->path() / "ledger";
      options.genesis = genesis_;
      for (size_t peer = 0; peer < kNodeCount; ++peer) {
        if (peer != i) {
          options.peers.push_back({KeyNamed(ValidatorName(peer)).public_key(), "127.0.0.1", 0});
        }
      }
      Result<std::unique_ptr<node::Node>> node =
          node::Node::Open(std::move(options), KeyNamed(ValidatorName(i)));
      ASSERT_TRUE(node.ok()) << node.status().ToString();
      ASSERT_TRUE((*node)->Start().ok());
      nodes_.push_back(std::move(*node));
    }
    for (size_t i = 0; i < kNodeCount; ++i) {
      for (size_t peer = 0; peer < kNodeCount; ++peer) {
        if (peer != i) {
          Status status = nodes_[i]->SetPeerAddress(
              {nodes_[peer]->public_key(), "127.0.0.1", nodes_[peer]->listen_port()});
          ASSERT_TRUE(status.ok()) << status.ToString();
        }
      }
      apis_.push_back(std::make_unique<ApiServer>(*nodes_[i], ApiServerOptions{}));
      ASSERT_TRUE(apis_.back()->Start().ok());
    }
  }

  void TearDown() override {
    apis_.clear();
    nodes_.clear();
  }

  uint16_t Port(size_t node) const { return apis_[node]->listen_port(); }

  // Submits through node 0's API and waits for the commit.
  JsonResponse SubmitAndWait(const Bytes& transaction, size_t node = 0) {
    return Request(Port(node), "POST", "/v1/transactions?wait=commit&timeout_ms=20000",
                   SubmitBody(transaction));
  }

  // Waits until every node reports `height` in /v1/status.
  bool WaitForHeight(uint64_t height) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      bool all = true;
      for (size_t i = 0; i < kNodeCount; ++i) {
        all = all && nodes_[i]->Snapshot().height >= height;
      }
      if (all) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  contracts::Genesis genesis_;
  std::vector<std::unique_ptr<TempDirectory>> folders_;
  std::vector<std::unique_ptr<node::Node>> nodes_;
  std::vector<std::unique_ptr<ApiServer>> apis_;
  testing::Signer signer_;
};

TEST_F(ApiClusterTest, WaitedSubmissionCommitsEverywhere) {
  Bytes enroll =
      signer_.Sign("admin-a", Enrollment("technician-a", "hospital-a", Role::kTechnician));
  JsonResponse committed = SubmitAndWait(enroll);
  ASSERT_EQ(committed.status, 200) << committed.body;
  EXPECT_EQ(committed.json["id"], IdOf(enroll));
  EXPECT_EQ(committed.json["status"], "committed");
  EXPECT_EQ(committed.json["height"], 1);
  EXPECT_EQ(committed.json["index"], 0);
  EXPECT_EQ(committed.json["log_index"], 0);
  EXPECT_EQ(committed.json["result"], "accepted");
  EXPECT_EQ(committed.json["code"], "ok");
  ASSERT_TRUE(WaitForHeight(1));

  for (size_t i = 0; i < kNodeCount; ++i) {
    JsonResponse found = Request(Port(i), "GET", "/v1/transactions/" + IdOf(enroll));
    ASSERT_EQ(found.status, 200) << "node " << i << ": " << found.body;
    EXPECT_EQ(found.json["status"], "committed") << "node " << i;
    EXPECT_EQ(found.json["height"], 1) << "node " << i;
    EXPECT_EQ(found.json["log_index"], 0) << "node " << i;
    EXPECT_EQ(found.json["type"], "member.enroll") << "node " << i;
    EXPECT_EQ(found.json["signer"], KeyNamed("admin-a").public_key().ToHex()) << "node " << i;
    EXPECT_EQ(found.json["code"], "ok") << "node " << i;
  }

  JsonResponse first = Request(Port(0), "GET", "/v1/status");
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(first.json["network_id"], "imledger-test");
  EXPECT_EQ(first.json["height"], 1);
  EXPECT_EQ(first.json["tree_size"], 1);
  EXPECT_EQ(first.json["validator_index"], 0);
  for (size_t i = 1; i < kNodeCount; ++i) {
    JsonResponse status = Request(Port(i), "GET", "/v1/status");
    ASSERT_EQ(status.status, 200);
    EXPECT_EQ(status.json["height"], first.json["height"]) << "node " << i;
    EXPECT_EQ(status.json["root"], first.json["root"]) << "node " << i;
    EXPECT_EQ(status.json["state_digest"], first.json["state_digest"]) << "node " << i;
    EXPECT_EQ(status.json["genesis_hash"], first.json["genesis_hash"]) << "node " << i;
    EXPECT_EQ(status.json["validator_index"], i) << "node " << i;
  }

  // A retry of a committed transaction returns its committed status again.
  JsonResponse retried = Request(Port(2), "POST", "/v1/transactions", SubmitBody(enroll));
  ASSERT_EQ(retried.status, 200) << retried.body;
  EXPECT_EQ(retried.json["status"], "committed");
  EXPECT_EQ(retried.json["height"], 1);

  JsonResponse metrics = Request(Port(0), "GET", "/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.content_type, "text/plain; version=0.0.4");
  EXPECT_NE(metrics.body.find("\nimledger_committed_transactions_total 1\n"), std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("\nimledger_height 1\n"), std::string::npos);
  EXPECT_NE(metrics.body.find("imledger_commit_latency_seconds_count 1\n"), std::string::npos);
  EXPECT_NE(metrics.body.find("imledger_api_requests_total{code=\"200\"}"), std::string::npos);
}

TEST_F(ApiClusterTest, ProofsVerifyAgainstCertifiedHead) {
  std::vector<Bytes> enrolls = {
      signer_.Sign("admin-a", Enrollment("technician-a", "hospital-a", Role::kTechnician)),
      signer_.Sign("admin-a", Enrollment("registrar-a", "hospital-a", Role::kRegistrar)),
      signer_.Sign("admin-b", Enrollment("clinician-b", "hospital-b", Role::kClinician)),
  };
  uint64_t last_height = 0;
  for (const Bytes& enroll : enrolls) {
    JsonResponse committed = SubmitAndWait(enroll);
    ASSERT_EQ(committed.status, 200) << committed.body;
    EXPECT_EQ(committed.json["result"], "accepted");
    last_height = committed.json["height"].get<uint64_t>();
  }
  ASSERT_TRUE(WaitForHeight(last_height));

  JsonResponse latest = Request(Port(1), "GET", "/v1/checkpoints/latest");
  ASSERT_EQ(latest.status, 200) << latest.body;
  EXPECT_EQ(latest.json["header"]["tree_size"], 3);
  Result<Bytes> certificate_bytes =
      crypto::Base64Decode(latest.json["certificate"].get<std::string>());
  ASSERT_TRUE(certificate_bytes.ok());
  Result<ledger::CommitCertificate> certificate =
      ledger::DecodeCommitCertificate(*certificate_bytes);
  ASSERT_TRUE(certificate.ok()) << certificate.status().ToString();
  std::vector<crypto::PublicKey> validators;
  for (const contracts::GenesisValidator& validator : genesis_.validators) {
    validators.push_back(validator.public_key);
  }
  Status verified = ledger::VerifyCommitCertificate(*certificate, genesis_.network_id, validators,
                                                    ledger::QuorumSize(validators.size()));
  EXPECT_TRUE(verified.ok()) << verified.ToString();
  EXPECT_EQ(certificate->header.height, latest.json["height"].get<uint64_t>());
  EXPECT_EQ(certificate->header.tree_root.ToHex(), latest.json["header"]["root"]);
  EXPECT_EQ(latest.json["signatures"].size(), certificate->signatures.size());
  Result<ledger::Checkpoint> checkpoint = ledger::VerifyCheckpoint(
      latest.json["checkpoint"].get<std::string>(), genesis_.network_id, validators, 1);
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.status().ToString();
  EXPECT_EQ(checkpoint->size, 3u);
  EXPECT_EQ(checkpoint->root, certificate->header.tree_root);

  crypto::Digest root = certificate->header.tree_root;
  for (size_t i = 0; i < enrolls.size(); ++i) {
    JsonResponse proof = Request(Port(2), "GET", "/v1/proofs/inclusion/" + IdOf(enrolls[i]));
    ASSERT_EQ(proof.status, 200) << proof.body;
    EXPECT_EQ(proof.json["log_index"], i);
    EXPECT_EQ(proof.json["tree_size"], 3);
    EXPECT_EQ(proof.json["root"], root.ToHex());
    std::vector<crypto::Digest> path;
    for (const json& hash : proof.json["proof"]) {
      path.push_back(DigestFromHex(hash.get<std::string>()));
    }
    crypto::Digest leaf_hash = DigestFromHex(proof.json["leaf_hash"].get<std::string>());
    EXPECT_EQ(leaf_hash, crypto::MerkleLeafHash(ledger::EncodeLogLeaf({enrolls[i], 0})));
    Status included = crypto::VerifyMerkleInclusion(leaf_hash, i, 3, path, root);
    EXPECT_TRUE(included.ok()) << "leaf " << i << ": " << included.ToString();
  }

  JsonResponse consistency = Request(Port(3), "GET", "/v1/proofs/consistency?from=1&to=3");
  ASSERT_EQ(consistency.status, 200) << consistency.body;
  EXPECT_EQ(consistency.json["root_to"], root.ToHex());
  std::vector<crypto::Digest> path;
  for (const json& hash : consistency.json["proof"]) {
    path.push_back(DigestFromHex(hash.get<std::string>()));
  }
  Status consistent = crypto::VerifyMerkleConsistency(
      1, 3, path, DigestFromHex(consistency.json["root_from"].get<std::string>()), root);
  EXPECT_TRUE(consistent.ok()) << consistent.ToString();

  JsonResponse older =
      Request(Port(0), "GET", "/v1/proofs/inclusion/" + IdOf(enrolls[0]) + "?size=2");
  ASSERT_EQ(older.status, 200) << older.body;
  EXPECT_EQ(older.json["tree_size"], 2);

  for (std::string size : {"0", "1", "4", "x"}) {
    JsonResponse bad =
        Request(Port(0), "GET", "/v1/proofs/inclusion/" + IdOf(enrolls[1]) + "?size=" + size);
    EXPECT_EQ(bad.status, 400) << "size " << size;
    EXPECT_EQ(bad.json["code"], "bad_request") << "size " << size;
  }
  for (std::string query : {"from=0&to=3", "from=3&to=2", "from=1&to=4", "from=1"}) {
    JsonResponse bad = Request(Port(0), "GET", "/v1/proofs/consistency?" + query);
    EXPECT_EQ(bad.status, 400) << query;
    EXPECT_EQ(bad.json["code"], "bad_request") << query;
  }
}

TEST_F(ApiClusterTest, StudyAnchorReadableOnEveryNode) {
  ASSERT_EQ(SubmitAndWait(signer_.Sign("admin-a",
                                       Enrollment("technician-a", "hospital-a", Role::kTechnician)))
                .status,
            200);
  ASSERT_EQ(SubmitAndWait(
                signer_.Sign("admin-a", Enrollment("registrar-a", "hospital-a", Role::kRegistrar)))
                .status,
            200);
  JsonResponse patient = SubmitAndWait(signer_.Sign(
      "registrar-a",
      contracts::PatientEnroll{DigestNamed("pseudonym-1"), KeyNamed("patient-1").public_key()}));
  ASSERT_EQ(patient.status, 200);
  ASSERT_EQ(patient.json["result"], "accepted") << patient.body;

  contracts::StudyAnchor anchor;
  anchor.study_key = DigestNamed("study-1");
  anchor.pseudonym = DigestNamed("pseudonym-1");
  anchor.study_root = DigestNamed("study-1/root");
  anchor.instance_count = 120;
  anchor.total_bytes = 64'000'000;
  anchor.modalities = {"CT"};
  Bytes anchor_transaction = signer_.Sign("technician-a", anchor);
  JsonResponse anchored = SubmitAndWait(anchor_transaction, 3);
  ASSERT_EQ(anchored.status, 200) << anchored.body;
  ASSERT_EQ(anchored.json["result"], "accepted") << anchored.body;
  ASSERT_TRUE(WaitForHeight(anchored.json["height"].get<uint64_t>()));

  for (size_t i = 0; i < kNodeCount; ++i) {
    JsonResponse study = Request(Port(i), "GET", "/v1/studies/" + anchor.study_key.ToHex());
    ASSERT_EQ(study.status, 200) << "node " << i << ": " << study.body;
    ASSERT_EQ(study.json["anchors"].size(), 1u) << "node " << i;
    const json& first = study.json["anchors"][0];
    EXPECT_EQ(first["version"], 1) << "node " << i;
    EXPECT_EQ(first["transaction_id"], IdOf(anchor_transaction)) << "node " << i;
    EXPECT_EQ(first["organization"], "hospital-a") << "node " << i;
    EXPECT_EQ(first["pseudonym"], anchor.pseudonym.ToHex()) << "node " << i;
    EXPECT_EQ(first["study_root"], anchor.study_root.ToHex()) << "node " << i;
    EXPECT_EQ(first["instance_count"], 120) << "node " << i;
    EXPECT_EQ(first["total_bytes"], 64'000'000) << "node " << i;
    EXPECT_EQ(first["modalities"], json::array({"CT"})) << "node " << i;
  }

  JsonResponse unknown = Request(Port(0), "GET", "/v1/studies/" + DigestNamed("study-2").ToHex());
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.json["code"], "not_found");
}

TEST_F(ApiClusterTest, RejectedTransactionReportsItsCode) {
  // A technician cannot enroll members: committed, but rejected with missing_role or
  // unknown_signer, since the technician is not enrolled yet.
  Bytes enroll =
      signer_.Sign("technician-a", Enrollment("clinician-a", "hospital-a", Role::kClinician));
  JsonResponse committed = SubmitAndWait(enroll);
  ASSERT_EQ(committed.status, 200) << committed.body;
  EXPECT_EQ(committed.json["result"], "rejected");
  EXPECT_EQ(committed.json["code"], "unknown_signer");
}

}  // namespace
}  // namespace imledger::api

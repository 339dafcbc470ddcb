// The world of a gateway test: a real Orthanc, one in-process validator node, the members of
// three organizations, one patient with three anchored sample studies, and a gateway in front.
//
// The genesis has a single validator (PBFT with n = 1 commits on its own votes), so blocks
// commit within milliseconds and each test runs on a fresh ledger and a fresh Orthanc. The
// whole test process runs in a network namespace with only a loopback interface, because
// Orthanc 1.10 listens on every interface. Identities come from named seeds, so every run uses
// the same keys.

#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "contracts/payload.h"
#include "contracts/queries.h"
#include "gateway/gateway.h"
#include "gateway/token.h"
#include "node/node.h"
#include "tests/support/http_test_client.h"
#include "tests/support/orthanc.h"
#include "tests/support/test_data.h"

namespace imledger::gateway::testing {

using imledger::testing::TestResponse;

inline constexpr std::string_view kNetworkId = "imledger-gateway-test";
inline constexpr std::string_view kAudience = "imledger-gateway:hospital-a";

crypto::SecretKey KeyNamed(std::string_view name);

// A sample study: one DICOM file from tests/data/dicom, stored in Orthanc and anchored.
struct SampleStudy {
  std::string file;  // Relative to tests/data.
  std::string uid;   // StudyInstanceUID.
  crypto::Digest key;
  crypto::Digest root;
  std::string orthanc_id;  // Orthanc's id of the one instance.
};

class GatewayTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Starts (or restarts) the gateway with `customize` applied to the default configuration.
  void StartGateway(const std::function<void(GatewayConfig&)>& customize = {});

  // Signs `payload` as `signer`, submits it and waits until `committed` holds.
  template <typename Payload>
  crypto::Digest Commit(std::string_view signer, const Payload& payload,
                        const std::function<bool()>& committed) {
    contracts::Transaction transaction = Sign(signer, payload);
    Bytes encoded = contracts::EncodeTransaction(transaction);
    crypto::Digest id = contracts::TransactionIdOf(encoded);
    Status submitted = node_->Submit(std::move(encoded));
    EXPECT_TRUE(submitted.ok()) << submitted.ToString();
    EXPECT_TRUE(WaitUntil(committed))
        << "transaction " << contracts::TransactionTypeName(Payload::kType) << " by " << signer
        << " not committed";
    return id;
  }

  template <typename Payload>
  contracts::Transaction Sign(std::string_view signer, const Payload& payload) {
    uint64_t& nonce = nonces_[std::string(signer)];
    nonce += 1;
    return contracts::MakeTransaction(kNetworkId, nonce, NowMs(), payload, KeyNamed(signer));
  }

  // Grants `grantee_organization` `purposes` on `study` until `valid_until_ms`; the grant id.
  crypto::Digest GrantOrganization(const std::string& organization, const SampleStudy& study,
                                   std::vector<contracts::Purpose> purposes,
                                   uint64_t valid_until_ms);
  void RevokeGrant(const crypto::Digest& grant_id);

  // Anchors `study` (version 1) as tech-a and waits for it.
  void AnchorStudy(const SampleStudy& study);
  SampleStudy LoadStudy(const std::string& file);

  std::string Token(std::string_view member, contracts::Purpose purpose,
                    std::chrono::seconds lifetime = std::chrono::seconds(600));

  // GET through the gateway as `member` with `purpose`.
  Result<TestResponse> GatewayGet(const std::string& target, std::string_view member,
                                  contracts::Purpose purpose,
                                  std::map<std::string, std::string> headers = {});

  // The patient's access trail, newest first, after flushing the gateway's queued events and
  // waiting for `expected_count` entries.
  std::vector<contracts::TrailEntry> TrailAfterFlush(size_t expected_count);

  bool WaitUntil(const std::function<bool()>& condition,
                 std::chrono::milliseconds timeout = std::chrono::seconds(10));

  contracts::LedgerQueries Queries() const { return contracts::LedgerQueries(node_->database()); }

  static uint64_t NowMs();

  static constexpr const char* kDicomAccept = "multipart/related; type=\"application/dicom\"";

  std::unique_ptr<imledger::testing::TemporaryFolder> folder_;
  std::unique_ptr<imledger::testing::OrthancServer> orthanc_;
  std::unique_ptr<node::Node> node_;
  std::unique_ptr<Gateway> gateway_;
  std::unique_ptr<imledger::testing::HttpTestClient> client_;
  std::map<std::string, uint64_t> nonces_;
  crypto::Digest pseudonym_;
  crypto::Digest patient_id_;
  SampleStudy study_ct_;   // CT_small: anchored.
  SampleStudy study_mr_;   // MR_small: anchored.
  SampleStudy study_csa_;  // nibabel-csa_slice_norm: anchored.
};

// The parts of a multipart/related body, in order.
std::vector<std::string> MultipartParts(const TestResponse& response);

}  // namespace imledger::gateway::testing

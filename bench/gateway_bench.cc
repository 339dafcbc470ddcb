// gateway_bench: WADO-RS study retrieval through the gateway against Orthanc directly, in the
// same run, on the same Orthanc and the same study.
//
// The program moves itself into a loopback-only network namespace, so it needs root, as the
// gateway tests do. It starts Orthanc with the DICOMweb plugin and stores a study: the files of
// FOLDER, or tests/data/dicom/basic/dicom3tools-0051.dcm without one. It starts one
// single-validator node with the identities the gateway needs, anchors the study and starts the
// gateway. It then alternates rounds of sequential keep-alive retrievals, direct and through
// the gateway, and prints throughput and latency percentiles for each, and their ratio.
//
// Usage: gateway_bench [--rounds N] [--requests N] [--threads N] [--cache-entries N] [--verify]
//                      [FOLDER]
// --cache-entries sets the gateway's access_cache_entries; 0 turns the access cache off.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "cli/transaction_builder.h"
#include "contracts/payload.h"
#include "contracts/queries.h"
#include "crypto/sha256.h"
#include "dicom/instance_digest.h"
#include "dicom/study_digest.h"
#include "gateway/gateway.h"
#include "gateway/token.h"
#include "node/node.h"
#include "tests/support/http_test_client.h"
#include "tests/support/orthanc.h"
#include "tests/support/test_data.h"

namespace imledger::gateway {
namespace {

using Clock = std::chrono::steady_clock;
using imledger::testing::HttpTestClient;
using imledger::testing::TestResponse;

constexpr std::string_view kNetworkId = "imledger-gateway-bench";
constexpr const char* kAccept = "multipart/related; type=\"application/dicom\"";

crypto::SecretKey KeyNamed(std::string_view name) {
  return crypto::SecretKey::FromSeed(crypto::Sha256Of(name).view()).value();
}

uint64_t NowMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

[[noreturn]] void Die(const std::string& what, const Status& status) {
  std::fprintf(stderr, "gateway_bench: %s: %s\n", what.c_str(), status.ToString().c_str());
  std::exit(1);
}

void WaitFor(const std::function<bool()>& condition, const char* what) {
  auto deadline = Clock::now() + std::chrono::seconds(20);
  while (!condition()) {
    if (Clock::now() > deadline) {
      Die(what, Status::IoError("not committed within 20 s"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

struct Ledger {
  std::unique_ptr<node::Node> node;
  std::map<std::string, uint64_t> nonces;

  template <typename Payload>
  void Submit(std::string_view signer, const Payload& payload) {
    uint64_t nonce = ++nonces[std::string(signer)];
    Status submitted = node->Submit(contracts::EncodeTransaction(
        contracts::MakeTransaction(kNetworkId, nonce, NowMs(), payload, KeyNamed(signer))));
    if (!submitted.ok()) {
      std::fprintf(stderr, "gateway_bench: submit failed: %s\n", submitted.ToString().c_str());
      std::exit(1);
    }
  }

  contracts::LedgerQueries Queries() const { return contracts::LedgerQueries(node->database()); }
};

// Starts the node and commits the members, the patient and the anchor of `study`.
Ledger OpenLedger(const std::filesystem::path& folder, const dicom::StudyDigest& study) {
  contracts::Genesis genesis;
  genesis.network_id = std::string(kNetworkId);
  genesis.genesis_time_ms = 1'700'000'000'000;
  genesis.organizations = {{"hospital-a", {KeyNamed("admin-a").public_key()}}};
  genesis.validators = {
      {"validator-0", "hospital-a", KeyNamed("validator-0").public_key(), "127.0.0.1:7401"}};
  genesis.consensus = {256, 5, 128, 2000};
  node::NodeOptions options;
  options.data_path = folder / "ledger";
  options.genesis = genesis;
  Result<std::unique_ptr<node::Node>> node = node::Node::Open(options, KeyNamed("validator-0"));
  if (!node.ok()) {
    Die("opening the node", node.status());
  }
  Ledger ledger{std::move(*node), {}};
  if (Status started = ledger.node->Start(); !started.ok()) {
    Die("starting the node", started);
  }
  using contracts::Role;
  for (auto [name, role] : {std::pair{"registrar-a", Role::kRegistrar},
                            {"tech-a", Role::kTechnician},
                            {"doctor-a", Role::kClinician},
                            {"gateway-a", Role::kGateway}}) {
    ledger.Submit("admin-a",
                  contracts::MemberEnroll{KeyNamed(name).public_key(), "hospital-a", {role}});
  }
  crypto::Digest pseudonym = crypto::Sha256Of(std::string_view("bench-patient"));
  contracts::StudyAnchor anchor = cli::BuildStudyAnchor(study, pseudonym, std::nullopt);
  WaitFor([&] { return ledger.Queries().Member(KeyNamed("tech-a").public_key())->has_value(); },
          "member.enroll");
  ledger.Submit("registrar-a",
                contracts::PatientEnroll{pseudonym, KeyNamed("patient").public_key()});
  WaitFor(
      [&] {
        return ledger.Queries().PatientIdForKey(KeyNamed("patient").public_key())->has_value();
      },
      "patient.enroll");
  ledger.Submit("tech-a", anchor);
  WaitFor([&] { return !ledger.Queries().StudyAnchors(anchor.study_key)->empty(); },
          "study.anchor");
  return ledger;
}

struct Measurement {
  std::vector<double> latencies_ms;
  double seconds = 0;
  uint64_t bytes = 0;
};

void Measure(HttpTestClient& client, const std::string& target,
             const std::map<std::string, std::string>& headers, int requests,
             Measurement& measurement) {
  auto start = Clock::now();
  for (int i = 0; i < requests; ++i) {
    auto sent = Clock::now();
    Result<TestResponse> response = client.Request("GET", target, headers);
    auto received = Clock::now();
    if (!response.ok() || response->status != 200) {
      Die("retrieval of " + target,
          response.ok() ? Status::Internal("status " + std::to_string(response->status) + " " +
                                           response->body)
                        : response.status());
    }
    measurement.bytes += response->body.size();
    measurement.latencies_ms.push_back(
        std::chrono::duration<double, std::milli>(received - sent).count());
  }
  measurement.seconds += std::chrono::duration<double>(Clock::now() - start).count();
}

double Percentile(std::vector<double> values, double fraction) {
  std::sort(values.begin(), values.end());
  size_t index = static_cast<size_t>(fraction * static_cast<double>(values.size() - 1) + 0.5);
  return values[index];
}

void Report(const char* name, const Measurement& m) {
  double count = static_cast<double>(m.latencies_ms.size());
  std::printf("| %s | %.1f | %.1f | %.3f | %.3f |\n", name, count / m.seconds,
              static_cast<double>(m.bytes) / m.seconds / (1 << 20),
              Percentile(m.latencies_ms, 0.50), Percentile(m.latencies_ms, 0.99));
}

int Run(int argc, char** argv) {
  int rounds = 10;
  int requests = 50;
  bool verify = false;
  uint32_t threads = 2;
  uint32_t cache_entries = GatewayConfig{}.access_cache_entries;
  std::filesystem::path study_folder;
  for (int i = 1; i < argc; ++i) {
    std::string argument = argv[i];
    if (argument == "--rounds" && i + 1 < argc) {
      rounds = std::stoi(argv[++i]);
    } else if (argument == "--requests" && i + 1 < argc) {
      requests = std::stoi(argv[++i]);
    } else if (argument == "--threads" && i + 1 < argc) {
      threads = static_cast<uint32_t>(std::stoul(argv[++i]));
    } else if (argument == "--cache-entries" && i + 1 < argc) {
      cache_entries = static_cast<uint32_t>(std::stoul(argv[++i]));
    } else if (argument == "--verify") {
      verify = true;
    } else {
      study_folder = argument;
    }
  }
  spdlog::set_level(spdlog::level::warn);
  if (Status isolated = imledger::testing::EnterLoopbackNetworkNamespace(); !isolated.ok()) {
    Die("entering a loopback-only network namespace", isolated);
  }
  imledger::testing::TemporaryFolder folder;
  Result<std::unique_ptr<imledger::testing::OrthancServer>> orthanc =
      imledger::testing::OrthancServer::Start(folder.path());
  if (!orthanc.ok()) {
    Die("starting Orthanc", orthanc.status());
  }

  std::vector<std::filesystem::path> files;
  if (study_folder.empty()) {
    files.push_back(imledger::testing::TestDataPath("dicom/basic/dicom3tools-0051.dcm"));
  } else {
    for (const auto& entry : std::filesystem::directory_iterator(study_folder)) {
      files.push_back(entry.path());
    }
  }
  std::vector<dicom::InstanceDigest> instances;
  for (const std::filesystem::path& file : files) {
    Result<dicom::InstanceDigest> digest = dicom::DigestInstanceFile(file);
    if (!digest.ok()) {
      Die("digesting " + file.string(), digest.status());
    }
    instances.push_back(*digest);
    if (Result<std::string> id = (*orthanc)->Upload(file); !id.ok()) {
      Die("storing " + file.string(), id.status());
    }
  }
  Result<std::vector<dicom::StudyDigest>> studies = dicom::BuildStudyDigests(instances);
  if (!studies.ok() || studies->size() != 1) {
    Die("building the study digest",
        studies.ok() ? Status::InvalidArgument("not one study") : studies.status());
  }
  const dicom::StudyDigest& study = studies->front();
  Ledger ledger = OpenLedger(folder.path(), study);

  GatewayConfig config;
  config.upstream_port = (*orthanc)->http_port();
  config.audience = "bench";
  config.verify_on_read = verify;
  config.threads = threads;
  config.access_cache_entries = cache_entries;
  config.spool_dir = folder.path();
  Result<std::unique_ptr<Gateway>> gateway =
      Gateway::Create(config, KeyNamed("gateway-a"), LedgerAccessOf(*ledger.node));
  if (!gateway.ok() || !(*gateway)->Start().ok()) {
    Die("starting the gateway", gateway.status());
  }

  AccessClaims claims;
  claims.audience = "bench";
  claims.issued_at_ms = NowMs();
  claims.expires_at_ms = claims.issued_at_ms + 3'000'000;
  claims.token_id = "bench";
  std::string token = IssueAccessToken(KeyNamed("doctor-a"), claims);

  std::string target = "/dicom-web/studies/" + study.study_instance_uid;
  HttpTestClient direct((*orthanc)->http_port());
  HttpTestClient through((*gateway)->listen_port());
  std::map<std::string, std::string> direct_headers = {{"Accept", kAccept}};
  std::map<std::string, std::string> gateway_headers = {{"Accept", kAccept},
                                                        {"Authorization", "Bearer " + token}};
  Measurement warmup;
  Measure(direct, target, direct_headers, 5, warmup);
  Measure(through, target, gateway_headers, 5, warmup);

  Measurement direct_result;
  Measurement gateway_result;
  for (int round = 0; round < rounds; ++round) {
    Measure(direct, target, direct_headers, requests, direct_result);
    Measure(through, target, gateway_headers, requests, gateway_result);
  }
  double direct_rate =
      static_cast<double>(direct_result.latencies_ms.size()) / direct_result.seconds;
  double gateway_rate =
      static_cast<double>(gateway_result.latencies_ms.size()) / gateway_result.seconds;
  std::printf(
      "study: %zu instances, %llu bytes of files; %d rounds of %d requests each; "
      "access_cache_entries %u%s\n\n",
      study.instances.size(), static_cast<unsigned long long>(study.file_bytes), rounds, requests,
      cache_entries, verify ? "; verify_on_read on" : "");
  std::printf("| path | requests/s | MiB/s | p50 ms | p99 ms |\n| --- | --- | --- | --- | --- |\n");
  Report("Orthanc direct", direct_result);
  Report("through gateway", gateway_result);
  std::printf("\nthroughput ratio gateway/direct: %.3f\n", gateway_rate / direct_rate);
  std::printf(
      "added latency: p50 %.3f ms, p99 %.3f ms\n",
      Percentile(gateway_result.latencies_ms, 0.5) - Percentile(direct_result.latencies_ms, 0.5),
      Percentile(gateway_result.latencies_ms, 0.99) - Percentile(direct_result.latencies_ms, 0.99));
  (*gateway)->Stop();
  GatewayStats stats = (*gateway)->stats();
  std::printf("access events submitted: %llu\n",
              static_cast<unsigned long long>(stats.access_events_submitted));
  std::printf("access cache: tokens %llu hits, %llu misses; decisions %llu hits, %llu misses\n",
              static_cast<unsigned long long>(stats.access_cache.token_hits),
              static_cast<unsigned long long>(stats.access_cache.token_misses),
              static_cast<unsigned long long>(stats.access_cache.decision_hits),
              static_cast<unsigned long long>(stats.access_cache.decision_misses));
  return 0;
}

}  // namespace
}  // namespace imledger::gateway

int main(int argc, char** argv) {
  return imledger::gateway::Run(argc, argv);
}

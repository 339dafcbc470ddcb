// imledger_loadgen: a load generator for a running imledger network.
//
// It reads a folder made by `imledger network init`, enrolls one technician per client and a
// registrar with the first organization's admin key, enrolls one patient, then sends signed
// study.anchor transactions to the nodes' HTTP APIs with ?wait=commit for a fixed time:
//   closed loop  each client sends its next transaction when the previous one committed;
//   open loop    transactions are due at a fixed rate; latency counts from the due time, so a
//                client that falls behind shows as latency rather than as a lower rate.
// It reports committed transactions per second and commit latency percentiles. It also reports
// the longest gap between two commits, which is how long a view change stalled the network.
// The comparison is the ceiling that signature verification sets on this machine, measured in
// the same run: Ed25519 verifies per second on one core x cores / validators.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/transaction_builder.h"
#include "contracts/genesis.h"
#include "contracts/payload.h"
#include "contracts/pseudonym.h"
#include "contracts/transaction.h"
#include "crypto/ed25519.h"
#include "crypto/encoding.h"
#include "crypto/key_file.h"
#include "crypto/sha256.h"
#include "network/http_client.h"

namespace imledger::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct Endpoint {
  std::string host;
  uint16_t port = 0;
};

struct Options {
  std::string network_dir;
  std::string mode = "closed";
  int clients = 8;
  double duration_s = 10;
  double rate = 200;  // Transactions per second, open loop only.
  std::string organization = "hospital-a";
  bool json = false;
};

struct Sample {
  Clock::time_point committed_at;
  double latency_ms = 0;
};

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "imledger_loadgen: %s\n", message.c_str());
  std::exit(1);
}

template <typename T>
T Must(Result<T> result, const std::string& what) {
  if (!result.ok()) {
    Die(what + ": " + result.status().ToString());
  }
  return std::move(*result);
}

std::vector<Endpoint> ReadEndpoints(const std::string& dir, size_t validators) {
  std::vector<Endpoint> endpoints;
  for (size_t i = 0; i < validators; ++i) {
    std::string path = dir + "/node-" + std::to_string(i) + "/config.json";
    std::ifstream file(path);
    if (!file) {
      Die("cannot read " + path + "; pass the folder that `imledger network init` wrote");
    }
    nlohmann::json config = nlohmann::json::parse(file, nullptr, false);
    if (!config.is_object() || !config.contains("api_port")) {
      Die(path + " has no api_port");
    }
    endpoints.push_back(
        {config.value("api_host", "127.0.0.1"), config["api_port"].get<uint16_t>()});
  }
  return endpoints;
}

Bytes ReadAll(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    Die("cannot read " + path);
  }
  return Bytes(std::istreambuf_iterator<char>(file), {});
}

// The CLI's clock: nonces are Unix microseconds, strictly increasing within this process.
using cli::NextNonce;
using cli::NowMs;

class Submitter {
 public:
  Submitter(const Endpoint& endpoint, std::string network_id)
      : client_(endpoint.host, endpoint.port, 30000), network_id_(std::move(network_id)) {}

  // Sends `payload` signed by `key` and waits for its commit. True when it committed accepted.
  template <typename Payload>
  bool SubmitAndWait(const Payload& payload, const crypto::SecretKey& key, std::string* error) {
    contracts::Transaction transaction =
        contracts::MakeTransaction(network_id_, NextNonce(), NowMs(), payload, key);
    nlohmann::json body = {
        {"transaction", crypto::Base64Encode(contracts::EncodeTransaction(transaction))}};
    Result<network::HttpClientResponse> response =
        client_.Request("POST", "/v1/transactions?wait=commit&timeout_ms=30000", body.dump());
    if (!response.ok()) {
      *error = response.status().ToString();
      return false;
    }
    nlohmann::json answer = nlohmann::json::parse(response->body, nullptr, false);
    if (response->status != 200 || !answer.is_object() ||
        answer.value("status", "") != "committed" || answer.value("result", "") != "accepted") {
      *error = std::to_string(response->status) + " " + response->body;
      return false;
    }
    return true;
  }

 private:
  network::HttpClient client_;
  std::string network_id_;
};

struct Identities {
  std::vector<crypto::SecretKey> technicians;
  crypto::Digest pseudonym;
};

Identities Enroll(const Options& options, const std::string& network_id, const Endpoint& node) {
  const std::string org_dir = options.network_dir + "/" + options.organization;
  crypto::SecretKey admin = Must(crypto::ReadKeyFile(org_dir + "/admin.key"), "admin key");
  Bytes secret = ReadAll(org_dir + "/pseudonym.secret");
  Submitter submitter(node, network_id);
  std::string error;

  crypto::SecretKey registrar = crypto::SecretKey::Generate();
  contracts::MemberEnroll enroll_registrar{
      registrar.public_key(), options.organization, {contracts::Role::kRegistrar}};
  if (!submitter.SubmitAndWait(enroll_registrar, admin, &error)) {
    Die("enrolling the registrar failed: " + error);
  }
  Identities identities;
  for (int i = 0; i < options.clients; ++i) {
    crypto::SecretKey technician = crypto::SecretKey::Generate();
    contracts::MemberEnroll enroll{
        technician.public_key(), options.organization, {contracts::Role::kTechnician}};
    if (!submitter.SubmitAndWait(enroll, admin, &error)) {
      Die("enrolling technician " + std::to_string(i) + " failed: " + error);
    }
    identities.technicians.push_back(std::move(technician));
  }
  // A pseudonym of a made-up id: the load generator never handles a real patient id.
  identities.pseudonym = Must(
      contracts::MakePseudonym(secret, "imledger-loadgen", "load-" + std::to_string(NextNonce())),
      "pseudonym");
  contracts::PatientEnroll patient{identities.pseudonym,
                                   crypto::SecretKey::Generate().public_key()};
  if (!submitter.SubmitAndWait(patient, registrar, &error)) {
    Die("enrolling the patient failed: " + error);
  }
  return identities;
}

contracts::StudyAnchor MakeAnchor(const crypto::Digest& pseudonym, int client, uint64_t counter,
                                  uint64_t run) {
  std::string uid =
      "2.25." + std::to_string(run) + "." + std::to_string(client) + "." + std::to_string(counter);
  contracts::StudyAnchor anchor;
  anchor.study_key = crypto::Sha256Of(std::string_view(uid));
  anchor.pseudonym = pseudonym;
  anchor.study_root = crypto::Sha256Of(std::string_view("root:" + uid));
  anchor.instance_count = 1;
  anchor.total_bytes = 4096;
  anchor.modalities = {"CT"};
  return anchor;
}

double VerifiesPerSecondOneCore() {
  crypto::SecretKey key = crypto::SecretKey::Generate();
  Bytes message(200, 0x5a);
  crypto::Signature signature = key.Sign(message);
  uint64_t count = 0;
  const Clock::time_point start = Clock::now();
  Clock::time_point now = start;
  while (now - start < std::chrono::seconds(1)) {
    for (int i = 0; i < 100; ++i) {
      if (!crypto::Verify(key.public_key(), message, signature)) {
        Die("a valid signature did not verify");
      }
    }
    count += 100;
    now = Clock::now();
  }
  return count / std::chrono::duration<double>(now - start).count();
}

double Percentile(std::vector<double> values, double fraction) {
  if (values.empty()) {
    return 0;
  }
  std::sort(values.begin(), values.end());
  size_t index = static_cast<size_t>(fraction * (values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

struct RunResult {
  std::vector<Sample> samples;
  uint64_t failures = 0;
  std::string first_error;
  double elapsed_s = 0;
};

RunResult Run(const Options& options, const std::string& network_id,
              const std::vector<Endpoint>& endpoints, const Identities& identities) {
  RunResult result;
  std::mutex mutex;
  std::atomic<uint64_t> next_due{0};
  const uint64_t run = NextNonce();
  const Clock::time_point start = Clock::now();
  const Clock::time_point end = start + std::chrono::duration_cast<Clock::duration>(
                                            std::chrono::duration<double>(options.duration_s));
  const bool open_loop = options.mode == "open";
  const auto interval = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(1.0 / options.rate));

  std::vector<std::thread> threads;
  for (int client = 0; client < options.clients; ++client) {
    threads.emplace_back([&, client] {
      size_t node = client % endpoints.size();
      auto submitter = std::make_unique<Submitter>(endpoints[node], network_id);
      for (uint64_t counter = 0;; ++counter) {
        Clock::time_point due = Clock::now();
        if (open_loop) {
          due = start + interval * next_due.fetch_add(1);
          std::this_thread::sleep_until(due);
        }
        if (due >= end) {
          return;
        }
        std::string error;
        bool ok = submitter->SubmitAndWait(MakeAnchor(identities.pseudonym, client, counter, run),
                                           identities.technicians[client], &error);
        Clock::time_point done = Clock::now();
        if (!ok) {
          // The node may be down: move to the next one and pause, so a dead node is not
          // hammered in a tight loop.
          node = (node + 1) % endpoints.size();
          submitter = std::make_unique<Submitter>(endpoints[node], network_id);
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        std::lock_guard lock(mutex);
        if (ok) {
          result.samples.push_back(
              {done, std::chrono::duration<double, std::milli>(done - due).count()});
        } else if (result.failures++ == 0) {
          result.first_error = error;
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  result.elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

double LongestGapMs(std::vector<Sample> samples) {
  std::sort(samples.begin(), samples.end(),
            [](const Sample& a, const Sample& b) { return a.committed_at < b.committed_at; });
  double gap = 0;
  for (size_t i = 1; i < samples.size(); ++i) {
    gap = std::max(gap, std::chrono::duration<double, std::milli>(samples[i].committed_at -
                                                                  samples[i - 1].committed_at)
                            .count());
  }
  return gap;
}

int Main(const Options& options) {
  contracts::Genesis genesis =
      Must(contracts::LoadGenesisFile(options.network_dir + "/genesis.json"), "genesis");
  std::vector<Endpoint> endpoints = ReadEndpoints(options.network_dir, genesis.validators.size());
  Identities identities = Enroll(options, genesis.network_id, endpoints[0]);

  RunResult result = Run(options, genesis.network_id, endpoints, identities);
  std::vector<double> latencies;
  for (const Sample& sample : result.samples) {
    latencies.push_back(sample.latency_ms);
  }
  const double verifies = VerifiesPerSecondOneCore();
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const double ceiling = verifies * cores / genesis.validators.size();
  const double throughput = result.samples.size() / result.elapsed_s;

  nlohmann::json report = {
      {"mode", options.mode},
      {"clients", options.clients},
      {"offered_rate", options.mode == "open" ? options.rate : 0},
      {"duration_s", result.elapsed_s},
      {"committed", result.samples.size()},
      {"failed", result.failures},
      {"committed_per_s", throughput},
      {"latency_p50_ms", Percentile(latencies, 0.50)},
      {"latency_p99_ms", Percentile(latencies, 0.99)},
      {"latency_max_ms", Percentile(latencies, 1.0)},
      {"longest_commit_gap_ms", LongestGapMs(result.samples)},
      {"verifies_per_s_one_core", verifies},
      {"cores", cores},
      {"validators", genesis.validators.size()},
      {"ceiling_per_s", ceiling},
      {"ratio_to_ceiling", throughput / ceiling},
  };
  if (!result.first_error.empty()) {
    report["first_error"] = result.first_error;
  }
  if (options.json) {
    std::printf("%s\n", report.dump(2).c_str());
  } else {
    std::printf(
        "%s loop, %d clients: %zu committed in %.1f s = %.0f tx/s (%llu failed)\n"
        "commit latency p50 %.1f ms, p99 %.1f ms, max %.1f ms; longest gap %.0f ms\n"
        "ceiling: %.0f verifies/s/core x %u cores / %zu validators = %.0f tx/s; ratio %.3f\n",
        options.mode.c_str(), options.clients, result.samples.size(), result.elapsed_s, throughput,
        static_cast<unsigned long long>(result.failures), Percentile(latencies, 0.50),
        Percentile(latencies, 0.99), Percentile(latencies, 1.0), LongestGapMs(result.samples),
        verifies, cores, genesis.validators.size(), ceiling, throughput / ceiling);
    if (!result.first_error.empty()) {
      std::printf("first error: %s\n", result.first_error.c_str());
    }
  }
  return result.samples.empty() ? 1 : 0;
}

}  // namespace
}  // namespace imledger::bench

int main(int argc, char** argv) {
  imledger::bench::Options options;
  CLI::App app("imledger_loadgen: signed study.anchor load against a running imledger network");
  app.add_option("--network", options.network_dir, "folder written by `imledger network init`")
      ->required();
  app.add_option("--mode", options.mode, "closed or open")
      ->check(CLI::IsMember({"closed", "open"}));
  app.add_option("--clients", options.clients, "concurrent clients")->check(CLI::Range(1, 1024));
  app.add_option("--duration", options.duration_s, "seconds of load")
      ->check(CLI::Range(0.1, 3600.0));
  app.add_option("--rate", options.rate, "offered transactions per second (open loop)")
      ->check(CLI::Range(0.1, 1e6));
  app.add_option("--organization", options.organization, "organization whose admin key enrolls");
  app.add_flag("--json", options.json, "print the report as JSON");
  CLI11_PARSE(app, argc, argv);
  return imledger::bench::Main(options);
}

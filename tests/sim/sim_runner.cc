#include "tests/sim/sim_runner.h"

#include <cstdio>
#include <cstdlib>
#include <random>

namespace imledger::sim {

SimOptions RandomScenario(uint64_t seed) {
  std::mt19937_64 random(seed ^ 0x5eed5eed5eed5eedULL);
  auto chance = [&random](double probability) {
    return static_cast<double>(random() >> 11) * 0x1.0p-53 < probability;
  };
  SimOptions options;
  options.seed = seed;
  options.replicas = chance(0.1) ? 7 : 4;
  options.config.checkpoint_interval = 4;
  options.config.watermark_window = 8;
  options.config.max_batch_requests = 1 + random() % 8;
  options.config.batch_delay_ms = 5;
  options.config.request_timeout_ms = 1000;
  options.config.view_change_timeout_ms = 1000;
  options.config.retransmit_interval_ms = 300;
  options.config.max_clock_skew_ms = 5000;
  options.config.max_message_bytes = 1u << 20;
  options.faults_end_ms = 1000 + random() % 4000;
  options.requests = 2 + random() % 10;
  FaultOptions& faults = options.faults;
  faults.drop_probability = chance(0.7) ? 0.02 * static_cast<double>(random() % 10) : 0;
  faults.duplicate_probability = chance(0.5) ? 0.1 : 0;
  faults.max_delay_ms = 1 + random() % 50;
  faults.partitions = chance(0.3);
  faults.crash_probability = chance(0.3) ? 0.005 : 0;
  faults.max_down_ms = 2000;
  faults.max_clock_skew_ms = chance(0.3) ? random() % 3000 : 0;
  if (chance(0.4)) {
    faults.byzantine_replicas = 1 + (options.replicas == 7 && chance(0.5) ? 1 : 0);
    faults.byzantine_kinds = static_cast<uint32_t>(1 + random() % kAllByzantine);
    faults.byzantine_probability = 0.1 + 0.1 * static_cast<double>(random() % 6);
  }
  return options;
}

void BatchSummary::Add(const SimReport& report) {
  ++seeds;
  steps += report.steps;
  blocks += report.committed_height;
  for (const auto& [kind, count] : report.faults) {
    faults[kind] += count;
  }
  violations.insert(violations.end(), report.violations.begin(), report.violations.end());
}

std::string BatchSummary::Line() const {
  std::string line = "sim summary: seeds=" + std::to_string(seeds) +
                     " steps=" + std::to_string(steps) + " blocks=" + std::to_string(blocks) +
                     " faults={";
  bool first = true;
  for (const auto& [kind, count] : faults) {
    line += (first ? "" : " ") + kind + "=" + std::to_string(count);
    first = false;
  }
  line += "} violations=" + std::to_string(violations.size());
  return line;
}

BatchSummary RunRandomSeeds(uint64_t first, uint64_t count) {
  if (const char* only = std::getenv("IMLEDGER_SIM_SEED")) {
    first = std::strtoull(only, nullptr, 10);
    count = 1;
  }
  BatchSummary summary;
  for (uint64_t seed = first; seed < first + count; ++seed) {
    Simulation simulation(RandomScenario(seed));
    SimReport report = simulation.Run();
    for (const std::string& violation : report.violations) {
      std::printf("sim violation: %s (replay: IMLEDGER_SIM_SEED=%llu)\n", violation.c_str(),
                  static_cast<unsigned long long>(seed));
    }
    summary.Add(report);
  }
  std::printf("%s\n", summary.Line().c_str());
  return summary;
}

}  // namespace imledger::sim

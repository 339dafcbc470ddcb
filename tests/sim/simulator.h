// A deterministic simulator that runs a whole PBFT cluster in one process from one seed.
//
// Every source of nondeterminism (message delay, loss, duplication, partitions, crashes, clock
// skew, Byzantine behaviour, client timing) is drawn from one seeded generator, and events are
// ordered by (time, insertion number), so a seed replays exactly. Each replica's host is
// simulated: a MemoryReplicaStore that loses unsynced writes on a crash, an in-memory block
// store, and a fake executor that hash-chains the batch into the block header. The invariants
// are checked as each step's effects are applied: no two correct replicas commit different
// blocks at one height, every committed request was submitted by a client and commits at most
// once per replica, and memory stays within the configured bounds. Not thread-safe.

#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "consensus/replica.h"
#include "consensus/store.h"

namespace imledger::sim {

inline constexpr std::string_view kSimNetworkId = "imledger-sim";
inline constexpr size_t kReplayMemory = 64;  // Messages a Byzantine replica remembers.

// Misbehaviour of a Byzantine replica, as a bit mask.
enum ByzantineKind : uint32_t {
  kEquivocate = 1u << 0,    // Different PrePrepares, Prepares and Commits to different peers.
  kBadSignature = 1u << 1,  // Corrupted signatures.
  kWrongView = 1u << 2,     // Re-signed with a stale or future view.
  kReplay = 1u << 3,        // Old messages sent again.
  kOtherNetwork = 1u << 4,  // Signed for another network id.
  kJunk = 1u << 5,          // Random bytes, some of them oversized.
  kFutureTime = 1u << 6,    // As primary, proposes a time a day ahead of its clock.
  kPastTime = 1u << 7,      // As primary, proposes a time a day behind its clock.
  kAllByzantine = (1u << 8) - 1,
};

struct FaultOptions {
  double drop_probability = 0;
  double duplicate_probability = 0;
  uint64_t min_delay_ms = 1;
  uint64_t max_delay_ms = 20;
  double crash_probability = 0;  // Per step of a correct replica while faults are on.
  uint64_t max_down_ms = 3000;
  bool partitions = false;
  uint64_t max_clock_skew_ms = 0;
  uint32_t byzantine_replicas = 0;  // Replicas 0..count-1; at most f.
  uint32_t byzantine_kinds = 0;
  double byzantine_probability = 0.3;  // Per outgoing message.
};

struct SimOptions {
  uint64_t seed = 1;
  uint32_t replicas = 4;
  consensus::Config config;  // network_id and validators are filled in by the simulator.
  FaultOptions faults;
  uint64_t faults_end_ms = 0;  // Faults stop (and everyone restarts) at this simulated time.
  uint64_t requests = 8;       // Submitted by clients while faults are on.
  uint64_t liveness_requests = 2;
  uint64_t liveness_bound_ms = 120000;
  uint64_t max_steps = 2000000;
  // Checks every committed request against the submitted ones. The benchmark turns this off
  // to time the protocol rather than the checker; block agreement is checked either way.
  bool track_requests = true;
};

struct SimReport {
  uint64_t steps = 0;
  std::map<std::string, uint64_t> faults;  // Injected faults by kind.
  std::vector<std::string> violations;
  uint64_t committed_height = 0;  // Lowest committed height among correct replicas at the end.
  uint64_t messages = 0;          // Point-to-point messages sent, broadcasts counted per peer.
};

class Simulation {
 public:
  explicit Simulation(SimOptions options);
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  // Runs the standard script: client load under faults until faults_end_ms, then healing and
  // the liveness check. Returns the report.
  SimReport Run();

  // Building blocks for scripted scenarios. Times are simulated milliseconds from the start.
  void At(uint64_t time_ms, std::function<void()> action);
  // Submits a fresh request from `client` to `replica` and returns its transaction bytes.
  Bytes Submit(uint32_t client, uint32_t replica);
  void Resubmit(const Bytes& transaction, uint32_t replica);
  // Stops `replica` now; its unsynced writes are lost and it stays down until Restart.
  void Crash(uint32_t replica);
  void Restart(uint32_t replica);
  // Cuts every link between `group` and the other replicas until Heal.
  void Partition(std::set<uint32_t> group);
  void Heal();
  // Drops every message of `type` from `from` to `to` while set.
  void BlockLink(uint32_t from, uint32_t to, consensus::MessageType type, bool blocked);
  void SendRaw(uint32_t to, Bytes bytes);
  void RunUntil(uint64_t time_ms);
  // Runs until every correct replica committed all of `transactions` or `deadline_ms` passes.
  bool RunUntilCommitted(const std::vector<Bytes>& transactions, uint64_t deadline_ms);
  // Runs until every correct replica has committed `height` blocks or `deadline_ms` passes.
  bool RunUntilHeight(uint64_t height, uint64_t deadline_ms);

  void SetFaultsActive(bool active) { faults_active_ = active; }

  uint64_t now_ms() const { return now_ms_; }

  const consensus::Replica* replica(uint32_t index) const;
  uint64_t CommittedHeight(uint32_t replica) const;
  const std::vector<consensus::TransferBlock>& Blocks(uint32_t replica) const;
  uint64_t CommitCount(const Bytes& transaction, uint32_t replica) const;

  bool IsCorrect(uint32_t replica) const { return replica >= options_.faults.byzantine_replicas; }

  const SimReport& report() const { return report_; }

  const crypto::SecretKey& key(uint32_t replica) const;

  const consensus::Config& config() const { return config_; }

 private:
  struct Node {
    std::unique_ptr<consensus::Replica> replica;
    consensus::MemoryReplicaStore store;
    std::vector<consensus::TransferBlock> blocks;  // The durable block store.
    std::set<std::pair<crypto::PublicKey, uint64_t>> committed_requests;
    std::map<Bytes, uint64_t> commit_counts;
    bool up = true;
    int64_t skew_ms = 0;
    uint64_t incarnation = 0;
    std::array<uint64_t, consensus::kTimerKindCount> timer_generation{};
    std::deque<Bytes> seen;  // Recent messages, for replay attacks.
  };

  struct Event {
    uint64_t time_ms = 0;
    uint64_t order = 0;
    std::function<void()> run;
  };

  struct EventLater {
    bool operator()(const Event& a, const Event& b) const {
      return a.time_ms != b.time_ms ? a.time_ms > b.time_ms : a.order > b.order;
    }
  };

  void Schedule(uint64_t time_ms, std::function<void()> run);
  bool Step();
  uint64_t ClockOf(uint32_t replica) const;
  void Deliver(uint32_t from, uint32_t to, Bytes bytes);
  void Apply(uint32_t replica, consensus::Actions actions);
  void Transmit(uint32_t from, uint32_t to, const Bytes& bytes);
  void ByzantineSend(uint32_t from, uint32_t to, const Bytes& bytes);
  // Rewrites `message` as a Byzantine sender of `kind` would; false when the kind does not
  // apply to this message.
  bool Forge(uint32_t kind, uint32_t from, uint32_t to, consensus::SignedMessage& message);
  void ExecuteBlock(uint32_t replica, const consensus::ExecuteAction& execute);
  void CommitBlock(uint32_t replica, const consensus::CommitBlockAction& commit);
  void ReadBlocks(uint32_t replica, const consensus::ReadBlocksAction& read);
  void CheckBounds(uint32_t replica);
  void Violation(std::string message);
  void OpenReplica(uint32_t replica);
  uint64_t Random(uint64_t bound);
  bool Chance(double probability);

  SimOptions options_;
  consensus::Config config_;
  std::mt19937_64 random_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::priority_queue<Event, std::vector<Event>, EventLater> events_;
  uint64_t next_order_ = 0;
  uint64_t now_ms_ = 0;
  bool faults_active_ = true;
  bool committed_since_check_ = false;
  std::optional<std::set<uint32_t>> partition_;
  std::set<std::tuple<uint32_t, uint32_t, consensus::MessageType>> blocked_links_;
  std::map<uint64_t, crypto::Digest> agreed_hashes_;  // Height -> first committed block hash.
  std::set<Bytes> submitted_;
  std::set<crypto::Digest> verified_certificates_;
  std::vector<uint64_t> client_nonces_;
  SimReport report_;
};

// The transaction format of the simulator: "simtx" || client key || nonce (8 bytes big-endian)
// || payload. No client signature: the benchmark measures protocol cost alone.
Result<consensus::Request> ParseSimTransaction(ByteView transaction);
Bytes MakeSimTransaction(const crypto::PublicKey& client, uint64_t nonce, ByteView payload);
crypto::PublicKey SimClientKey(uint32_t client);

// Validator keys derived from fixed seeds, shared by every simulation of `count` replicas.
const std::vector<crypto::SecretKey>& SimValidatorKeys(uint32_t count);

}  // namespace imledger::sim
